/**
 * Sdtrig triggers (RISC-V debug spec 1.0 ch. 5) as QEMU 7.2 implements them (target/riscv/debug.c,
 * `-cpu rv32` with the default debug=true); every detail below was checked against qemu-system-riscv32
 * 7.2 (test/programs/triggers.c):
 *  - 2 triggers (RV_MAX_TRIGGERS); tselect ignores writes >= 2. tinfo = 0x44 (types 2 and 6).
 *  - tdata1 resets to type 2 with nothing enabled (0x20000000). A write whose type is 2 (mcontrol)
 *    keeps type, sizelo (17:16), M (6), S (4), U (3), execute (2), store (1), load (0); dmode, action,
 *    chain, match, timing, select, hit read 0. Type 6 (mcontrol6) keeps also VS (24), VU (23) and size
 *    (19:16) when it is 0, 1, 2, 3 or 5. A write of any other type is ignored (QEMU 7.2 aborts on
 *    type 1; vmscope ignores it too). tdata2 holds any value; tdata3 reads 0 and ignores writes.
 *  - A trigger fires when one of its mode bits matches the current privilege (type 2 never with V=1;
 *    type 6 uses VS/VU with V=1) and one of execute/load/store is set. mstatus.MIE plays no part (QEMU
 *    7.2 has no tcontrol and fires M-mode triggers with MIE = 0 too).
 *  - Execute: before the instruction whose virtual pc equals tdata2 executes. Load/store: before an
 *    access (after translation and PMP succeeded) whose bytes [va, va + size) overlap
 *    [tdata2, tdata2 + len): len = the raw size field (QEMU passes the encoding 1/2/3 as the length),
 *    or 4 (type 2) / 8 (type 6) when it is 0. AMOs and SC match load and store triggers.
 *  - The action is always 0: a breakpoint exception, cause 3, with tval = 0 (QEMU 7.2 writes 0 for
 *    trigger hits as for ebreak) and epc = the instruction's pc. The access is not performed.
 *
 * Zero cost when nothing is armed: the run loop looks at execute triggers only at block starts when
 * h.trigExec is not null, and blocks end before every armed execute trigger's page offset (the
 * mechanism of the debugger's breakpoints, CodeCache.bpOffsets); the TLBs never map a virtual page
 * that an armed load/store trigger overlaps (like the debugger's watchpoints), so such accesses reach
 * xlate, the only place that asks triggerDataHit.
 */
import type { Hart } from './hart';

export const N_TRIGGERS = 2;
export const TINFO = 0x44;
export const TDATA1_RESET = 0x20000000;

const M_U = 1 << 3;
const M_S = 1 << 4;
const M_M = 1 << 6;
const T_EXEC = 1 << 2;
const T_STORE = 1 << 1;
const T_LOAD = 1 << 0;
const T6_VU = 1 << 23;
const T6_VS = 1 << 24;
const KEEP = M_M | M_S | M_U | T_EXEC | T_STORE | T_LOAD; // 0x5f
/** Type 6 size encodings QEMU 7.2 keeps (access_size != -1). */
const T6_SIZE_OK = [true, true, true, true, false, true];

export const TRIG_LOAD = 1;
export const TRIG_STORE = 2;

export class TriggerState {
  tselect = 0;
  readonly tdata1 = new Array<number>(N_TRIGGERS).fill(TDATA1_RESET);
  readonly tdata2 = new Array<number>(N_TRIGGERS).fill(0);

  reset(): void {
    this.tselect = 0;
    this.tdata1.fill(TDATA1_RESET);
    this.tdata2.fill(0);
  }
}

/** tdata1 after writing `v` (uint32), or undefined when QEMU 7.2 ignores the write. */
export function tdata1Warl(v: number): number | undefined {
  const type = v >>> 28;
  if (type === 2) return (TDATA1_RESET | (v & 0x30000) | (v & KEEP)) >>> 0;
  if (type === 6) {
    const size = (v >>> 16) & 0xf;
    return ((6 << 28) | (T6_SIZE_OK[size] === true ? v & 0xf0000 : 0) | (v & (T6_VS | T6_VU | KEEP))) >>> 0;
  }
  return undefined;
}

/** Whether the trigger is armed: some mode bit and some of execute/load/store set (QEMU's 'enabled'). */
function armed(t1: number): boolean {
  const type = t1 >>> 28;
  const modes = type === 6 ? M_M | M_S | M_U | T6_VS | T6_VU : type === 2 ? M_M | M_S | M_U : 0;
  return (t1 & modes) !== 0 && (t1 & (T_EXEC | T_STORE | T_LOAD)) !== 0;
}

/** Whether trigger tdata1 `t1` may fire in the hart's current mode (QEMU 7.2 trigger_priv_match). */
function privMatch(h: Hart, t1: number): boolean {
  if (t1 >>> 28 === 6) return (h.virt ? (t1 >>> 23) & (1 << h.priv) : (t1 >>> 3) & (1 << h.priv)) !== 0;
  return !h.virt && ((t1 >>> 3) & (1 << h.priv)) !== 0;
}

/** Bytes a load/store trigger covers from tdata2. */
function dataLen(t1: number): number {
  const type6 = t1 >>> 28 === 6;
  const size = type6 ? (t1 >>> 16) & 0xf : (t1 >>> 16) & 3;
  return size !== 0 ? size : type6 ? 8 : 4;
}

/**
 * Recompute what the fast paths need after a trigger CSR changed (or a reset/restore): h.trigExec
 * (virtual pcs of armed execute triggers, or null), h.trigData (virtual page numbers an armed
 * load/store trigger touches, or null; the hart's TLBs are flushed when it changes) and the code
 * cache's block-ending offsets.
 */
export function triggersChanged(h: Hart): void {
  const t = h.triggers;
  let exec: number[] | null = null;
  let data: Set<number> | null = null;
  for (let i = 0; i < N_TRIGGERS; i++) {
    const t1 = t.tdata1[i]!;
    if (!armed(t1)) continue;
    const a = t.tdata2[i]! >>> 0;
    if ((t1 & T_EXEC) !== 0) (exec ??= []).push(a);
    if ((t1 & (T_LOAD | T_STORE)) !== 0) {
      data ??= new Set<number>();
      const last = (a + dataLen(t1) - 1) >>> 0;
      data.add(a >>> 12);
      data.add(last >>> 12);
    }
  }
  const oldData = h.trigData;
  h.trigExec = exec;
  h.trigData = data;
  if (data !== null || oldData !== null) h.flushTlbs();
  h.env.code.setTriggerOffsets(h.id, exec === null ? null : new Set(exec.map((a) => a & 0xfff)));
}

/** An armed execute trigger matches the instruction at h.pc in the current mode. */
export function triggerExecHit(h: Hart, pcs: readonly number[]): boolean {
  const pc = h.pc;
  if (!pcs.includes(pc)) return false;
  const t = h.triggers;
  for (let i = 0; i < N_TRIGGERS; i++) {
    const t1 = t.tdata1[i]!;
    if ((t1 & T_EXEC) !== 0 && armed(t1) && t.tdata2[i]! >>> 0 === pc && privMatch(h, t1)) return true;
  }
  return false;
}

/** An armed load/store trigger matches an access of `size` bytes at `va` of the kinds in `kinds`. */
export function triggerDataHit(h: Hart, va: number, size: number, kinds: number): boolean {
  const t = h.triggers;
  for (let i = 0; i < N_TRIGGERS; i++) {
    const t1 = t.tdata1[i]!;
    if ((t1 & kinds) === 0 || !armed(t1) || !privMatch(h, t1)) continue;
    const a = t.tdata2[i]! >>> 0;
    if (va < a + dataLen(t1) && a < va + size) return true;
  }
  return false;
}
