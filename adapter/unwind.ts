/**
 * Call stack of a hart: DWARF CFI first (emulator/debug-info), frame pointers as the fallback for code
 * without CFI (GCC -fno-omit-frame-pointer: s0 = fp, ra at fp-4, the caller's fp at fp-8), and the
 * return address register for frame 0 of a function that has not set up a frame yet (or is a leaf
 * that saved only s0).
 */
import type { DebugInfo } from '../emulator/debug-info';

export interface Frame {
  /** pc of this frame: the current pc for frame 0, the return address for the others. */
  pc: number;
  /** Register values in this frame as far as unwinding recovers them (others: the callee's). */
  regs: Int32Array;
  /** Canonical frame address (the sp before the call), when known. */
  cfa?: number;
  /** A synthetic frame between stacks (a VM exit): only this name, no code (adapter/vm-exits.ts). */
  label?: string;
  /** The frame runs in guest `vmid`, not in the hart's current context (its symbols, its memory). */
  vmid?: number;
  /** A guest frame at a trap's pc (sepc): the faulting instruction, not a return address. */
  guest?: boolean;
  /** The guest frame's registers came from its VMSA (register protection), not from guesswork. */
  fromVmsa?: boolean;
}

const MAX_FRAMES = 64;

/** `load` reads a 32-bit word of the hart's stack memory, undefined when unreadable. */
export function unwind(info: DebugInfo | undefined, pc: number, x: Int32Array, load: (addr: number) => number | undefined, max = MAX_FRAMES): Frame[] {
  const frames: Frame[] = [{ pc: pc >>> 0, regs: Int32Array.from(x) }];
  while (frames.length < max) {
    const cur = frames[frames.length - 1]!;
    const next = callerOf(info, cur, frames.length === 1, load);
    if (next === undefined) break;
    cur.cfa = next.regs[2]! >>> 0;
    // No progress or a return address outside code ends the walk (corrupt or hand-written stacks).
    if (next.pc === 0 || (info !== undefined && info.functionAt(next.pc - 1) === undefined && info.lineAt(next.pc - 1) === undefined)) break;
    if ((next.regs[2]! >>> 0) < (cur.regs[2]! >>> 0)) break;
    if (next.pc === cur.pc && next.regs[2] === cur.regs[2]) break;
    frames.push(next);
  }
  return frames;
}

function callerOf(info: DebugInfo | undefined, f: Frame, top: boolean, load: (addr: number) => number | undefined): Frame | undefined {
  // In caller frames the pc is a return address: the call instruction lies just before it.
  const lookup = top ? f.pc : f.pc - 1;
  const row = info?.cfi.rowAt(lookup);
  const regs = Int32Array.from(f.regs);
  if (row !== undefined) {
    if (row.cfa.reg < 0 || row.cfa.reg > 31) return undefined;
    const cfa = (f.regs[row.cfa.reg]! + row.cfa.offset) >>> 0;
    for (const [reg, rule] of row.rules) {
      if (reg > 31) continue;
      switch (rule.kind) {
        case 'offset': {
          const v = load((cfa + rule.offset) >>> 0);
          if (v === undefined) return undefined;
          regs[reg] = v;
          break;
        }
        case 'valOffset': regs[reg] = cfa + rule.offset; break;
        case 'register': regs[reg] = f.regs[rule.reg] ?? 0; break;
        case 'undefined': if (reg === row.raReg) return undefined; break;
        default: break;
      }
    }
    regs[2] = cfa;
    return { pc: regs[row.raReg]! >>> 0, regs };
  }
  // No CFI: the frame pointer chain, if s0 looks like one (above sp, word aligned).
  const fp = f.regs[8]! >>> 0;
  const sp = f.regs[2]! >>> 0;
  const stackish = (v: number | undefined): v is number => v !== undefined && (v >>> 0) > sp && (v >>> 0) - sp < 0x10_0000;
  if (fp > sp && fp % 4 === 0 && fp - sp < 0x10_0000) {
    const ra = load(fp - 4);
    // A leaf function (GCC -O0) saves only s0, at fp-4, and keeps the return address in ra.
    if (top && stackish(ra)) {
      regs[8] = ra;
      regs[2] = fp;
      return { pc: f.regs[1]! >>> 0, regs };
    }
    const oldFp = load(fp - 8);
    if (ra === undefined || oldFp === undefined) return undefined;
    regs[1] = ra;
    regs[8] = oldFp;
    regs[2] = fp;
    return { pc: ra >>> 0, regs };
  }
  // At the first instruction of a function nothing is saved yet: ra is the return address.
  if (top && info?.functionAt(f.pc)?.start === f.pc) return { pc: f.regs[1]! >>> 0, regs };
  return undefined;
}
