/**
 * Physical memory protection (privileged spec 3.7): 16 entries, pmpcfg0..3 / pmpaddr0..15, granularity
 * 4 bytes. Matching and defaults follow QEMU 7.2 (target/riscv/pmp.c):
 * - the lowest-numbered entry matching any byte of the access decides; an access only partly inside
 *   that entry fails (QEMU looks at the first and the last byte);
 * - M-mode accesses pass unless the deciding entry is locked;
 * - with no active entry at all, M-mode passes and S/U fail (QEMU's pmp_hart_has_privs_default with the
 *   PMP feature present); with active entries and no match, likewise.
 */
import { Priv } from '../csr/bits';

export const PMP_R = 1;
export const PMP_W = 2;
export const PMP_X = 4;
const PMP_A_SHIFT = 3;
const PMP_L = 0x80;
const A_OFF = 0;
const A_TOR = 1;
const A_NA4 = 2;
const A_NAPOT = 3;
export const PMP_ENTRIES = 16;

export interface PmpState {
  cfg: number[];
  addr: number[];
}

export class Pmp {
  /** pmpNcfg bytes as written (QEMU 7.2 keeps all 8 bits). */
  readonly cfg = new Uint8Array(PMP_ENTRIES);
  /** pmpaddrN (bits 33..2 of the address). */
  readonly addr = new Uint32Array(PMP_ENTRIES);
  /** Decoded byte ranges [lo, hi) per entry; lo >= hi for inactive entries. */
  private lo = new Float64Array(PMP_ENTRIES);
  private hi = new Float64Array(PMP_ENTRIES);
  private active = 0;
  /** Called after any change that alters access decisions (the hart flushes its TLBs). */
  onChange: () => void = () => {};

  /** Whether any entry is active (A != OFF). */
  anyActive(): boolean {
    return this.active !== 0;
  }

  private locked(i: number): boolean {
    return (this.cfg[i]! & PMP_L) !== 0;
  }

  readCfg(reg: number): number {
    const b = reg * 4;
    return (this.cfg[b]! | (this.cfg[b + 1]! << 8) | (this.cfg[b + 2]! << 16) | (this.cfg[b + 3]! << 24)) >>> 0;
  }

  /** Write pmpcfg<reg> (4 entries); locked entries keep their value (3.7.1.2). */
  writeCfg(reg: number, value: number): void {
    for (let k = 0; k < 4; k++) {
      const i = reg * 4 + k;
      if (!this.locked(i)) this.cfg[i] = (value >>> (8 * k)) & 0xff;
    }
    this.recompute();
  }

  readAddr(i: number): number {
    return this.addr[i]!;
  }

  /** Write pmpaddr<i>; ignored when entry i is locked, or entry i+1 is a locked TOR entry (3.7.1.2). */
  writeAddr(i: number, value: number): void {
    if (this.locked(i)) return;
    if (i + 1 < PMP_ENTRIES && this.locked(i + 1) && ((this.cfg[i + 1]! >> PMP_A_SHIFT) & 3) === A_TOR) return;
    this.addr[i] = value >>> 0;
    this.recompute();
  }

  private recompute(): void {
    this.active = 0;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const a = (this.cfg[i]! >> PMP_A_SHIFT) & 3;
      const v = this.addr[i]!;
      let lo = 0;
      let hi = 0;
      if (a === A_TOR) {
        lo = i === 0 ? 0 : this.addr[i - 1]! * 4;
        hi = v * 4;
      } else if (a === A_NA4) {
        lo = v * 4;
        hi = lo + 4;
      } else if (a === A_NAPOT) {
        // Trailing ones t select a 2^(t+3)-byte region (3.7.1.4, table 3.11).
        let t = 0;
        while (t < 32 && ((v >>> t) & 1) === 1) t++;
        const size = 2 ** (t + 3);
        lo = t >= 32 ? 0 : (v - (2 ** t - 1)) * 4;
        hi = lo + size;
      }
      if (a !== A_OFF) this.active++;
      this.lo[i] = lo;
      this.hi[i] = hi;
    }
    this.onChange();
  }

  /** Whether an access of `size` bytes at `pa` needing permission `perm` (PMP_R/W/X) is allowed. */
  check(pa: number, size: number, perm: number, priv: number): boolean {
    if (this.active === 0) return priv === Priv.M;
    const last = pa + size - 1;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (lo >= hi) continue;
      const s = pa >= lo && pa < hi;
      const e = last >= lo && last < hi;
      if (!s && !e) continue;
      if (s !== e) return false;
      if (priv === Priv.M && !this.locked(i)) return true;
      return (this.cfg[i]! & perm) === perm;
    }
    return priv === Priv.M;
  }

  /**
   * Whether every access to the 4 KiB page at `base` with `perm` is allowed and decided alike, so that
   * the page may be entered in a TLB (no entry boundary inside the page).
   */
  pageAllowed(base: number, perm: number, priv: number): boolean {
    if (this.active === 0) return priv === Priv.M;
    const end = base + 4096;
    for (let i = 0; i < PMP_ENTRIES; i++) {
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (lo >= hi || hi <= base || lo >= end) continue;
      if (lo > base || hi < end) return false;
      if (priv === Priv.M && !this.locked(i)) return true;
      return (this.cfg[i]! & perm) === perm;
    }
    return priv === Priv.M;
  }

  save(): PmpState {
    return { cfg: Array.from(this.cfg), addr: Array.from(this.addr) };
  }

  restore(s: PmpState): void {
    this.cfg.set(s.cfg);
    this.addr.set(s.addr);
    this.recompute();
  }
}
