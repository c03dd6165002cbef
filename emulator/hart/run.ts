/**
 * The hart's execution loop: fetch through the fetch TLB to a decoded page, run a block, repeat.
 * Interrupts and other events are looked at only when `h.attention` is set (CSR writes, device lines,
 * trap entry/return, WFI, device writes), once per block, not per instruction.
 *
 * Budgets are exact: a block runs at most the instructions left, so slices, timer deadlines and
 * run(maxInsns) end on the same instruction whatever the block boundaries are (snapshots restore
 * with an empty code cache, yet replay identically).
 */
import { cacheFetch, cacheFetchSplit, FETCH_CHECK, FETCH_COUNT, fetchPlan } from './cache-path';
import { Block, type CodePage } from './codecache';
import type { Hart } from './hart';
import { compileBlock } from './jit';
import { fetchPage, fetchParcel } from './memory';
import { checkInterrupts, takeTrap } from './trap';
import { triggerExecHit } from './triggers';
import { Cause } from '../csr/bits';
import { R_JUMP, R_NEXT, R_TRAP, X_SINK, type DInsn } from './types';

/** What the tracer sees after each retired instruction. */
export interface TraceRecord {
  hart: number;
  priv: number;
  pc: number;
  insn: DInsn['insn'];
  /** Register written (undefined when none). */
  rd: number | undefined;
  /** Its new value as uint32 (undefined when none). */
  rdValue: number | undefined;
}

export type Tracer = (r: TraceRecord) => void;

/**
 * Traps in a row, with no instruction retired between them, after which the hart is in a trap loop
 * (checked once per block, so the cost is a subtraction when no trap happens).
 */
const TRAP_LOOP = 64;

function trapLoop(h: Hart, retired: number): number {
  h.trapLoop = true;
  return retired;
}

/** Interpreted executions after which a block is compiled. */
const HOT = 16;

/** Handle pending events; returns true when the hart must stop running now (WFI or yield). */
function service(h: Hart): boolean {
  // After a caught trap entry stop first (yieldReq is set); interrupts are looked at on resuming.
  if ((h.irqDirty || h.wfi) && h.trapHit === null) checkInterrupts(h);
  const stop = h.wfi || h.yieldReq;
  h.yieldReq = false;
  h.attention = h.wfi || h.irqDirty ? 1 : 0;
  return stop;
}

/** Interpret up to `lim` instructions of `b` (lim >= 1). Returns instructions retired. */
function execBlock(h: Hart, b: Block, lim: number): number {
  const insns = b.insns;
  const n = b.n < lim ? b.n : lim;
  let pc = h.pc;
  h.curBlock = b;
  h.blockPc = pc;
  const c = b.prefetched ? null : h.cache;
  const fb = h.fetchBase;
  const plan = c === null ? null : fetchPlan(b, b.off, c.iLine);
  for (let k = 0; k < n; k++) {
    const d = insns[k]!;
    h.pc = pc;
    if (plan !== null) {
      // The fetch of this instruction (cache-path.ts): counted, or checked against the L1I.
      const q = fb + ((pc - h.blockPc) >>> 0);
      if (plan[k] === FETCH_COUNT) c!.iPend[h.fetchCt >>> 1]++;
      else if (plan[k] === FETCH_CHECK) cacheFetch(h, c!, q, d.len, h.fetchCt);
      else cacheFetchSplit(h, c!, q, h.fetchCt);
    }
    const r = d.fn(h, d);
    if (r !== R_NEXT) {
      h.curBlock = null;
      if (r === R_JUMP) return k + 1;
      if (r === R_TRAP) {
        takeTrap(h, h.trapCause, false, h.trapTval);
        return k;
      }
      h.pc = (pc + d.len) >>> 0; // R_END
      return k + 1;
    }
    pc = (pc + d.len) >>> 0;
  }
  h.curBlock = null;
  h.pc = pc;
  return n;
}

/** Decode the instruction at `pc` straddling two pages (not cached). Null after an exception. */
function straddling(h: Hart, pc: number, lowHalf: number): DInsn | null {
  const hi = fetchParcel(h, (pc + 2) >>> 0);
  if (hi < 0) return null;
  return h.env.makeInsn((lowHalf | (hi << 16)) >>> 0);
}

/** Find the block at h.pc: null after taking a fetch exception. Sets h.singleStep when needed. */
function blockAt(h: Hart): Block | null {
  const pc = h.pc;
  const vpn = pc >>> 12;
  const s = vpn & 255;
  let cp: CodePage | null;
  if (h.fTag[s] === vpn) {
    cp = h.fCode[s]!;
    if (h.cache !== null) h.fetchCt = h.fCt[s]!;
  } else {
    cp = fetchPage(h, pc); // sets h.fetchCt
  }
  if (cp === null) {
    takeTrap(h, h.trapCause, false, h.trapTval);
    return null;
  }
  const off = pc & 0xfff;
  if (h.cache !== null) h.fetchBase = cp.page * 4096 + off;
  const b = cp.blocks[off >> 1];
  if (b !== undefined) return b;
  const nb = h.env.code.build(cp, off);
  if (nb !== null) return nb;
  // The first instruction straddles the page end: run it alone. Its fetch is two parcels, each
  // reported as the slow path does (the second by fetchParcel's translation).
  const c = h.cache;
  if (c !== null) cacheFetch(h, c, h.fetchBase, 2, h.fetchCt);
  const d = straddling(h, pc, h.bus.ram.currentView(cp.page).getUint16(off, true));
  if (d === null) {
    takeTrap(h, h.trapCause, false, h.trapTval);
    return null;
  }
  const one = new Block([d]);
  one.prefetched = true;
  return one;
}

/**
 * Debugger breakpoints: true when the hart must stop before the instruction at h.pc. Blocks end before
 * every breakpoint's page offset (codecache.ts), so looking at block starts suffices. The first look
 * after a stop at a breakpoint lets it execute (h.bpSkip).
 */
function atBreakpoint(h: Hart, bps: ReadonlySet<number>): boolean {
  const pc = h.pc;
  const skip = h.bpSkip;
  h.bpSkip = -1;
  if (skip === pc || !bps.has(pc)) return false;
  h.bpHit = true;
  return true;
}

/**
 * Sdtrig execute triggers (triggers.ts): when one matches the instruction at h.pc, take the breakpoint
 * exception before it executes (tval 0, as QEMU 7.2) and return true. Blocks end before every armed
 * trigger's page offset, so looking at block starts suffices, as for the debugger's breakpoints.
 */
function atTrigger(h: Hart, pcs: readonly number[]): boolean {
  if (!triggerExecHit(h, pcs)) return false;
  takeTrap(h, Cause.Breakpoint, false, 0);
  return true;
}

/**
 * Run up to `budget` instructions; returns how many retired (fewer on WFI, a yield request, or a
 * debugger breakpoint: then h.bpHit is set).
 */
export function runHart(h: Hart, budget: number): number {
  let left = budget;
  const bps = h.env.breakpoints;
  let loopLeft = left;
  let loopTraps = h.trapSeq;
  while (left > 0) {
    if (h.trapSeq - loopTraps >= TRAP_LOOP) {
      if (left === loopLeft) return trapLoop(h, budget - left);
      loopLeft = left;
      loopTraps = h.trapSeq;
    }
    if (h.attention !== 0 && service(h)) break;
    if (bps !== null && atBreakpoint(h, bps)) break;
    if (h.trigExec !== null && atTrigger(h, h.trigExec)) continue;
    const b = blockAt(h);
    if (b === null) continue;
    let lim = left;
    if (h.singleStep) {
      h.singleStep = false;
      lim = 1;
    }
    if (b.compiled !== null && b.n <= lim) {
      left -= b.compiled(h, lim);
      continue;
    }
    const n = execBlock(h, b, lim);
    h.retired += n;
    left -= n;
    if (++b.hits === HOT && h.env.jit && !b.prefetched) b.compiled = compileBlock(b, h.misalignBits, h.cache);
  }
  return budget - left;
}

/** Like runHart, one instruction at a time, calling `tracer` after each retired instruction. */
export function runHartTraced(h: Hart, budget: number, tracer: Tracer): number {
  let left = budget;
  const bps = h.env.breakpoints;
  let loopLeft = left;
  let loopTraps = h.trapSeq;
  while (left > 0) {
    if (h.trapSeq - loopTraps >= TRAP_LOOP) {
      if (left === loopLeft) return trapLoop(h, budget - left);
      loopLeft = left;
      loopTraps = h.trapSeq;
    }
    if (h.attention !== 0 && service(h)) break;
    if (bps !== null && atBreakpoint(h, bps)) break;
    if (h.trigExec !== null && atTrigger(h, h.trigExec)) continue;
    const b = blockAt(h);
    if (b === null) continue;
    h.singleStep = false;
    const pc = h.pc;
    const priv = h.priv;
    const d = b.insns[0]!;
    const n = execBlock(h, b, 1);
    h.retired += n;
    left -= n;
    if (n === 1) {
      const rd = d.rd === X_SINK ? undefined : d.rd;
      tracer({ hart: h.id, priv, pc, insn: d.insn, rd, rdValue: rd === undefined ? undefined : h.x[rd]! >>> 0 });
    }
  }
  return budget - left;
}

/**
 * Debugger single step: exactly one instruction, or exactly one trap entry (an interrupt taken before
 * the instruction, or the exception the instruction or its fetch raised: the hart is then at the
 * handler's first instruction). Breakpoints are ignored. Returns instructions retired (0 or 1); a hart
 * waiting in WFI (or asked to yield) does nothing.
 */
export function stepHart(h: Hart, tracer?: Tracer): number {
  h.bpSkip = -1;
  const traps = h.trapSeq;
  if (h.attention !== 0 && service(h)) return 0;
  if (h.trapSeq !== traps) return 0;
  if (h.trigExec !== null && atTrigger(h, h.trigExec)) return 0;
  const b = blockAt(h);
  if (b === null) return 0;
  h.singleStep = false;
  const pc = h.pc;
  const priv = h.priv;
  const d = b.insns[0]!;
  const n = execBlock(h, b, 1);
  h.retired += n;
  if (n === 1 && tracer !== undefined) {
    const rd = d.rd === X_SINK ? undefined : d.rd;
    tracer({ hart: h.id, priv, pc, insn: d.insn, rd, rdValue: rd === undefined ? undefined : h.x[rd]! >>> 0 });
  }
  return n;
}
