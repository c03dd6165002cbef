/**
 * SiFive PLIC as QEMU 7.2 configures it for `virt` (hw/intc/sifive_plic.c, hw/riscv/virt.c): 96
 * sources (0 is "no interrupt"), 7 priority levels, hart config "MS" per hart, so context 2h is hart h's
 * M-mode (drives mip.MEIP, bit 11) and context 2h+1 its S-mode (mip.SEIP, bit 9).
 *
 *   +0x000004 + 4(s-1)          priority[s], s = 1..95      (QEMU 7.2: priority-base 0x04, irq = off/4)
 *   +0x001000 + 4w              pending word w = 0..2       read-only
 *   +0x002000 + 0x80c + 4w      enable word w of context c  w = 0..2
 *   +0x200000 + 0x1000c         threshold of context c
 *   +0x200004 + 0x1000c         claim (read) / complete (write)
 *
 * QEMU 7.2 behaviour mirrored here, checked against qemu-system-riscv32 7.2:
 * - priorities and thresholds are WARL: a write stores value % 8 (0xff reads back 7, 9 reads back 1);
 * - offset 0 (source 0's priority) reads 0 and ignores writes; so does the word at 0x180 (QEMU's
 *   off-by-one "source 96");
 * - writing an enable word stores all 32 bits but does not re-evaluate MEIP/SEIP; the next priority,
 *   threshold, claim, complete or source event does (claim itself always looks at the current enables);
 * - a source becomes pending when its device raises the line, and stays pending when the line drops:
 *   only a claim clears it (sifive_plic_irq_request acts on level > 0 only). Devices re-raise on each
 *   interrupt-state update, so a still-asserted UART is re-latched at its next register access;
 * - an interrupt is claimable when pending, enabled, not already claimed and priority > threshold;
 *   the highest priority wins, ties go to the lowest source number;
 * - complete clears the claimed bit of any source number < 96, whether or not this context claimed it;
 * - only 4-byte accesses are valid (accepts() rejects 1- and 2-byte ones: QEMU faults them); every
 *   4-byte offset in the 0x600000 aperture is accepted, unnamed ones read 0 and ignore writes.
 */
import type { AccessCheck, Device, IrqSink } from './device';
import { DeviceStateError, StateReader } from './state';
import { MIP_MEIP, MIP_SEIP, VIRT_PLIC } from './virt-map';

/** VIRT_IRQCHIP_NUM_SOURCES, counting source 0. */
export const PLIC_NUM_SOURCES = 96;
/** (1 << VIRT_IRQCHIP_NUM_PRIO_BITS) - 1. */
export const PLIC_MAX_PRIORITY = 7;

const WORDS = PLIC_NUM_SOURCES / 32;
const PRIORITY_BASE = 0x04;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

export interface PlicState {
  /** Indexed by source; [0] is always 0. */
  priority: number[];
  pending: number[];
  claimed: number[];
  /** WORDS words per context, context-major. */
  enable: number[];
  threshold: number[];
}

export class Plic implements Device, AccessCheck {
  readonly name = 'plic';
  readonly size = VIRT_PLIC.size;
  readonly contexts: number;

  private priority = new Array<number>(PLIC_NUM_SOURCES).fill(0);
  private pending = new Array<number>(WORDS).fill(0);
  private claimed = new Array<number>(WORDS).fill(0);
  private enable: number[];
  private threshold: number[];
  /** Last level driven per context (derived; not part of the snapshot). */
  private level: boolean[];

  /**
   * @param harts number of harts; contexts 0..2*harts-1
   * @param irq sets mip.MEIP (bit 11) for even contexts and mip.SEIP (bit 9) for odd ones
   */
  constructor(readonly harts: number, private readonly irq: IrqSink, readonly base: number = VIRT_PLIC.base) {
    // 0x200000 + contexts * 0x1000 must fit in the aperture.
    const maxHarts = (VIRT_PLIC.size - CONTEXT_BASE) / CONTEXT_STRIDE / 2;
    if (!Number.isInteger(harts) || harts < 1 || harts > maxHarts) {
      throw new RangeError(`PLIC: hart count must be 1..${maxHarts}, got ${harts}`);
    }
    this.contexts = 2 * harts;
    this.enable = new Array<number>(this.contexts * WORDS).fill(0);
    this.threshold = new Array<number>(this.contexts).fill(0);
    this.level = new Array<boolean>(this.contexts).fill(false);
  }

  /**
   * A device's interrupt line into source `src` (1..95). `level` true latches the source as pending
   * (every call, also when it already was); false does nothing, as in QEMU 7.2.
   */
  setSource(src: number, level: boolean): void {
    if (!Number.isInteger(src) || src < 1 || src >= PLIC_NUM_SOURCES) {
      throw new RangeError(`PLIC: interrupt source must be 1..${PLIC_NUM_SOURCES - 1}, got ${src}`);
    }
    if (!level) return;
    this.pending[src >> 5]! |= 1 << (src & 31);
    this.update();
  }

  /** True when source `src` is latched pending (for inspection; the guest reads the pending words). */
  isPending(src: number): boolean {
    return ((this.pending[src >> 5] ?? 0) >>> (src & 31) & 1) === 1;
  }

  accepts(offset: number, size: 1 | 2 | 4): boolean {
    return size === 4 && offset >= 0 && offset < this.size;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    const src = this.prioritySource(offset);
    if (src !== undefined) return this.priority[src]!;
    if (offset >= PENDING_BASE && offset - PENDING_BASE < PLIC_NUM_SOURCES >> 3) {
      return this.pending[(offset - PENDING_BASE) >> 2]! >>> 0;
    }
    const en = this.enableIndex(offset);
    if (en !== undefined) return this.enable[en]! >>> 0;
    if (offset >= CONTEXT_BASE && offset - CONTEXT_BASE < this.contexts * CONTEXT_STRIDE) {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = offset & (CONTEXT_STRIDE - 1);
      if (reg === 0) return this.threshold[ctx]!;
      if (reg === 4) return this.claim(ctx);
    }
    return 0;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const src = this.prioritySource(offset);
    if (src !== undefined) {
      this.priority[src] = (value >>> 0) % (PLIC_MAX_PRIORITY + 1);
      this.update();
      return;
    }
    if (offset >= PENDING_BASE && offset - PENDING_BASE < PLIC_NUM_SOURCES >> 3) return; // read-only
    const en = this.enableIndex(offset);
    if (en !== undefined) {
      this.enable[en] = value | 0; // no update(): QEMU 7.2 re-evaluates at the next event
      return;
    }
    if (offset >= CONTEXT_BASE && offset - CONTEXT_BASE < this.contexts * CONTEXT_STRIDE) {
      const ctx = Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE);
      const reg = offset & (CONTEXT_STRIDE - 1);
      if (reg === 0) {
        this.threshold[ctx] = (value >>> 0) % (PLIC_MAX_PRIORITY + 1);
        this.update();
      } else if (reg === 4 && value >>> 0 < PLIC_NUM_SOURCES) {
        this.claimed[value >> 5]! &= ~(1 << (value & 31));
        this.update();
      }
    }
  }

  save(): PlicState {
    return {
      priority: [...this.priority], pending: this.pending.map((w) => w >>> 0), claimed: this.claimed.map((w) => w >>> 0),
      enable: this.enable.map((w) => w >>> 0), threshold: [...this.threshold],
    };
  }

  /** Restores all registers and re-drives MEIP/SEIP of every hart to match. */
  restore(state: unknown): void {
    const r = new StateReader(this.name, state);
    const priority = r.ints('priority', 0, PLIC_MAX_PRIORITY, PLIC_NUM_SOURCES);
    if (priority[0] !== 0) throw new DeviceStateError(this.name, 'priority[0] (source 0) must be 0');
    const pending = r.ints('pending', 0, 0xffff_ffff, WORDS).map((w) => w | 0);
    const claimed = r.ints('claimed', 0, 0xffff_ffff, WORDS).map((w) => w | 0);
    const enable = r.ints('enable', 0, 0xffff_ffff, this.contexts * WORDS).map((w) => w | 0);
    const threshold = r.ints('threshold', 0, PLIC_MAX_PRIORITY, this.contexts);
    this.priority = priority;
    this.pending = pending;
    this.claimed = claimed;
    this.enable = enable;
    this.threshold = threshold;
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      this.level[ctx] = this.best(ctx) !== 0;
      this.drive(ctx);
    }
  }

  /** Source whose priority register is at `offset`, if any (sources 1..95). */
  private prioritySource(offset: number): number | undefined {
    if (offset < PRIORITY_BASE || offset - PRIORITY_BASE >= PLIC_NUM_SOURCES << 2) return undefined;
    const src = ((offset - PRIORITY_BASE) >> 2) + 1;
    return src < PLIC_NUM_SOURCES ? src : undefined;
  }

  private enableIndex(offset: number): number | undefined {
    if (offset < ENABLE_BASE || offset - ENABLE_BASE >= this.contexts * ENABLE_STRIDE) return undefined;
    const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
    const word = (offset & (ENABLE_STRIDE - 1)) >> 2;
    return word < WORDS ? ctx * WORDS + word : undefined;
  }

  /** sifive_plic_claimed(): the source `ctx` would get from a claim now, or 0. */
  private best(ctx: number): number {
    let maxSrc = 0;
    let maxPrio = this.threshold[ctx]!;
    for (let w = 0; w < WORDS; w++) {
      const candidates = this.pending[w]! & ~this.claimed[w]! & this.enable[ctx * WORDS + w]!;
      if (candidates === 0) continue;
      for (let b = 0; b < 32; b++) {
        const src = w * 32 + b;
        if (candidates & (1 << b) && this.priority[src]! > maxPrio) {
          maxSrc = src;
          maxPrio = this.priority[src]!;
        }
      }
    }
    return maxSrc;
  }

  private claim(ctx: number): number {
    const src = this.best(ctx);
    if (src !== 0) {
      this.pending[src >> 5]! &= ~(1 << (src & 31));
      this.claimed[src >> 5]! |= 1 << (src & 31);
    }
    this.update();
    return src;
  }

  /** sifive_plic_update(): drive MEIP/SEIP of every context whose level changed. */
  private update(): void {
    for (let ctx = 0; ctx < this.contexts; ctx++) {
      const level = this.best(ctx) !== 0;
      if (level !== this.level[ctx]) {
        this.level[ctx] = level;
        this.drive(ctx);
      }
    }
  }

  private drive(ctx: number): void {
    this.irq.setPending(ctx >> 1, ctx & 1 ? MIP_SEIP : MIP_MEIP, this.level[ctx]!);
  }
}
