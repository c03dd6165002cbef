/**
 * CLINT as QEMU 7.2 builds it for `virt` (hw/intc/riscv_aclint.c): an ACLINT MSWI at +0x0 (0x4000
 * bytes) followed by an ACLINT MTIMER at +0x4000 (0x8000 bytes, timecmp base 0x0, time base 0x7ff8).
 *
 *   +0x0000 + 4h   msip[h]        bit 0 drives mip.MSIP (bit 3); other bits read 0
 *   +0x4000 + 8h   mtimecmp[h]    lo word; +4 hi word
 *   +0xbff8        mtime          lo word; +0xbffc hi word
 *
 * Access rules (MemoryRegionOps.valid): only 4-byte accesses (8-byte ones cannot occur on RV32);
 * anything else, and offsets 0xc000..0xffff where QEMU maps nothing, fault (accepts() = false).
 * Offsets inside a region but naming no register (a hart that does not exist, the gap between
 * mtimecmp and mtime) read 0 and ignore writes, as QEMU logs "invalid read/write" and goes on.
 *
 * Time: mtime = Clock.mtime() + delta (mod 2^64). Guest writes to mtime change delta (QEMU's
 * time_delta), never the machine clock. mtimecmp resets to 0, so MTIP is pending from the start (QEMU
 * 7.2 riscv_aclint_mtimer_create sets timecmp = 0 and the reset writes mtime = 0, raising MTIP).
 * MTIP = (mtime >= mtimecmp[h]) as unsigned 64-bit values. QEMU raises it from a host timer; vmscope
 * has no timers, so the machine calls update() after advancing its Clock (see TimedDevice).
 */
import type { AccessCheck, Clock, Device, IrqSink, TimedDevice } from './device';
import { MASK64, StateReader, u64ToState } from './state';
import { MIP_MSIP, MIP_MTIP, VIRT_CLINT } from './virt-map';

const SWI_SIZE = 0x4000;
const MTIMER_BASE = 0x4000;
const MTIMER_SIZE = 0x8000;
const MTIMECMP = MTIMER_BASE + 0x0;
const MTIME = MTIMER_BASE + 0x7ff8;
/** RISCV_ACLINT_MAX_HARTS; the msip array is 4 bytes per hart inside 0x4000. */
const MAX_HARTS = 4095;

export interface ClintState {
  msip: boolean[];
  /** Hex strings, one per hart. */
  mtimecmp: string[];
  /** Guest mtime minus Clock.mtime(), hex. */
  timeDelta: string;
}

export class Clint implements Device, AccessCheck, TimedDevice {
  readonly name = 'clint';
  readonly size = VIRT_CLINT.size;

  private msip: boolean[];
  private mtimecmp: bigint[];
  private timeDelta = 0n;
  /** Last MTIP level driven per hart (derived; not part of the snapshot). */
  private mtip: boolean[];

  /**
   * Drives MTIP (and MSIP = 0) of every hart at once: construct it after the harts exist.
   * @param harts number of harts (hart ids 0..harts-1)
   * @param clock the machine clock (raw ticks; the guest's mtime adds the offset written by the guest)
   * @param irq sets mip.MSIP (bit 3) and mip.MTIP (bit 7)
   */
  constructor(
    readonly harts: number,
    private readonly clock: Clock,
    private readonly irq: IrqSink,
    readonly base: number = VIRT_CLINT.base,
  ) {
    if (!Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS) {
      throw new RangeError(`CLINT: hart count must be 1..${MAX_HARTS}, got ${harts}`);
    }
    this.msip = new Array<boolean>(harts).fill(false);
    this.mtimecmp = new Array<bigint>(harts).fill(0n);
    this.mtip = new Array<boolean>(harts).fill(false);
    this.driveAll();
  }

  accepts(offset: number, size: 1 | 2 | 4): boolean {
    return size === 4 && offset >= 0 && offset < MTIMER_BASE + MTIMER_SIZE;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    if (offset < SWI_SIZE) {
      const h = offset >> 2;
      return (offset & 3) === 0 && h < this.harts && this.msip[h] ? 1 : 0;
    }
    const cmp = offset - MTIMECMP;
    if (cmp >= 0 && cmp < this.harts * 8) {
      const v = this.mtimecmp[cmp >> 3]!;
      if ((cmp & 7) === 0) return Number(v & 0xffff_ffffn);
      if ((cmp & 7) === 4) return Number(v >> 32n);
      return 0;
    }
    if (offset === MTIME) return Number(this.mtime() & 0xffff_ffffn);
    if (offset === MTIME + 4) return Number(this.mtime() >> 32n);
    return 0;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const val = BigInt(value >>> 0);
    if (offset < SWI_SIZE) {
      const h = offset >> 2;
      if ((offset & 3) === 0 && h < this.harts) {
        this.msip[h] = (value & 1) !== 0;
        this.irq.setPending(h, MIP_MSIP, this.msip[h]);
      }
      return;
    }
    const cmp = offset - MTIMECMP;
    if (cmp >= 0 && cmp < this.harts * 8) {
      const h = cmp >> 3;
      const old = this.mtimecmp[h]!;
      if ((cmp & 7) === 0) this.mtimecmp[h] = (old & 0xffff_ffff_0000_0000n) | val;
      else if ((cmp & 7) === 4) this.mtimecmp[h] = (val << 32n) | (old & 0xffff_ffffn);
      else return;
      this.updateHart(h);
      return;
    }
    if (offset === MTIME || offset === MTIME + 4) {
      // time_delta = (new guest mtime) - raw clock, with the other half of mtime kept.
      const now = this.mtime();
      const next = offset === MTIME ? (now & 0xffff_ffff_0000_0000n) | val : (val << 32n) | (now & 0xffff_ffffn);
      this.timeDelta = (next - this.clock.mtime()) & MASK64;
      this.update();
    }
  }

  /** The guest-visible mtime. */
  mtime(): bigint {
    return (this.clock.mtime() + this.timeDelta) & MASK64;
  }

  /** Recompute MTIP of every hart from the current mtime; drives only levels that changed. */
  update(): void {
    for (let h = 0; h < this.harts; h++) this.updateHart(h);
  }

  /**
   * The Clock.mtime() (raw ticks) at which the earliest hart's MTIP will rise, or undefined when every
   * MTIP is already pending. Converts through the guest's mtime offset.
   */
  nextDeadline(): bigint | undefined {
    const raw = this.clock.mtime();
    const now = (raw + this.timeDelta) & MASK64;
    let best: bigint | undefined;
    for (const cmp of this.mtimecmp) {
      if (cmp > now) {
        const at = raw + (cmp - now);
        if (best === undefined || at < best) best = at;
      }
    }
    return best;
  }

  save(): ClintState {
    return { msip: [...this.msip], mtimecmp: this.mtimecmp.map(u64ToState), timeDelta: u64ToState(this.timeDelta) };
  }

  /** Restores the registers and re-drives MSIP/MTIP of every hart to match. */
  restore(state: unknown): void {
    const r = new StateReader(this.name, state);
    const msip = r.bools('msip', this.harts);
    const mtimecmp = r.u64s('mtimecmp', this.harts);
    const timeDelta = r.u64('timeDelta');
    this.msip = msip;
    this.mtimecmp = mtimecmp;
    this.timeDelta = timeDelta;
    this.driveAll();
  }

  private updateHart(h: number): void {
    const level = this.mtime() >= this.mtimecmp[h]!;
    if (level !== this.mtip[h]) {
      this.mtip[h] = level;
      this.irq.setPending(h, MIP_MTIP, level);
    }
  }

  private driveAll(): void {
    for (let h = 0; h < this.harts; h++) {
      this.irq.setPending(h, MIP_MSIP, this.msip[h]!);
      this.mtip[h] = this.mtime() >= this.mtimecmp[h]!;
      this.irq.setPending(h, MIP_MTIP, this.mtip[h]!);
    }
  }
}
