/** Types shared by the hart's modules: handler results, decoded instructions, the hart's environment. */
import type { Watchpoints } from '../debug/watch';
import type { Insn } from '../isa/insn';
import type { Bus } from '../mem/bus';
import type { Access } from '../mmu/sv32';
import type { CodeCache } from './codecache';
import type { Hart } from './hart';
import type { IsaConfig } from './isa';

/** Handler results. NEXT: fall through to pc + len. JUMP: the handler set h.pc. TRAP: h.trapCause/
 * h.trapTval hold an exception to take (the instruction did not retire). END: like NEXT, but the block
 * must end here (state that the block loop depends on may have changed). */
export const R_NEXT = 0;
export const R_JUMP = 1;
export const R_TRAP = 2;
export const R_END = 3;

/** An instruction handler: one entry per Insn.op (emulator/isa/opcodes.ts). Returns an R_* code. */
export type Handler = (h: Hart, d: DInsn) => number;

/** Scratch register slot that rd = x0 is redirected to, so writes need no x0 test (x[0] stays 0). */
export const X_SINK = 32;

/** The executable form of a decoded instruction, built once per instruction in the code cache. */
export class DInsn {
  constructor(
    readonly fn: Handler,
    readonly op: number,
    /** Destination register, X_SINK when the instruction's rd is x0. */
    readonly rd: number,
    readonly rs1: number,
    readonly rs2: number,
    readonly imm: number,
    readonly csr: number,
    readonly len: number,
    /** The decoder's output (names, raw bits) for traces, disassembly and tval. */
    readonly insn: Insn,
  ) {}
}

/**
 * Slow-path memory observer (the hook for cache models and confidential-memory checks). While one is
 * attached the CPU fills no TLB entries, so every load, store and instruction-page fetch is seen here.
 */
export interface MemoryObserver {
  /**
   * A load, store or instruction fetch after translation and PMP. Fetches report the instruction's
   * length (2 or 4; 2 for the lower half of an instruction straddling a page end, whose upper parcel
   * is a second report at pc + 2). `gpa`: the guest-physical address of a two-stage (guest) access,
   * undefined for other accesses.
   */
  access(hart: number, kind: Access, va: number, pa: number, size: number, gpa?: number): void;
  /**
   * A Zicbom cache-block operation passed its checks: `op` on the block of `va` (pa: physical address
   * of va; gpa as for access()). Without this method the observer sees it as a 1-byte load (or store).
   */
  cbo?(hart: number, op: CboOp, va: number, pa: number, gpa?: number): void;
  /**
   * Trap entry or xRET on hart `hart`: privilege and V before and after (they may be equal), pc the
   * next instruction (the handler's first, or the one returned to), cause the xcause value written
   * (interrupt bit 31) at trap entry, undefined for xRET.
   */
  mode?(hart: number, fromPriv: number, fromVirt: boolean, priv: number, virt: boolean, pc: number, cause: number | undefined): void;
}

export type CboOp = 'clean' | 'flush' | 'inval';

/**
 * Debugger trap catch (Machine.setTrapCatch): called after a trap entry with the cause as written to
 * xcause (without the interrupt bit) and the mode the trap went to; true stops run()/step() there.
 */
export type TrapFilter = (hart: number, cause: number, interrupt: boolean, toPriv: number, toVirt: boolean) => boolean;

/** What a hart needs from the machine around it. */
export interface HartEnv {
  readonly bus: Bus;
  readonly code: CodeCache;
  readonly isa: IsaConfig;
  /** Decode raw instruction bits into their executable form (handler table and ISA applied). */
  readonly makeInsn: (raw: number) => DInsn;
  /** mtime now, counting this hart's instructions retired so far in the current block. */
  mtime(): bigint;
  observer: MemoryObserver | undefined;
  /** Compile hot blocks to JS functions (jit.ts); false = interpret only. */
  jit: boolean;
  /** Instruction breakpoints (virtual pcs), null when none (then they cost nothing). */
  breakpoints: ReadonlySet<number> | null;
  /** Data watchpoints (physical), null when none. */
  watch: Watchpoints | null;
  /** Trap catch filter, null when none (then trap entry pays one null test). */
  trapCatch: TrapFilter | null;
  /** Confidential-VM hardware that acts on traps, xRETs and accesses (emulator/cvm), null when none. */
  cvm: CvmHooks | null;
  /** medeleg bits writable beyond the standard ones (the integrity fault, cause 25, with the RMP). */
  extraDeleg: number;
}

/**
 * What confidential-VM features do to the hart (composed by features/registry.ts from the attached
 * features' vmGuard, checkAccess and customInstructions; emulator/cvm/README.md).
 */
export interface CvmHooks {
  /** An exception from V=1 would leave the guest: the cause to deliver to VS instead (vstval = code), or -1. */
  reflect(h: Hart, code: number): number;
  /** A trap took the hart out of V=1 (now V=0); `guestPc` is where the guest was. */
  exited(h: Hart, code: number, interrupt: boolean, guestPc: number): void;
  /** An xRET is about to enter V=1 (still V=0): a pc to resume the guest at instead of xepc, or -1. */
  entering(h: Hart): number;
  /** After translation and PMP: 0 to allow the access, else the exception cause to raise. */
  check(h: Hart, access: Access, va: number, pa: number, virt: boolean, enc: number): number;
  /** The implementation of custom instruction `name`, if a feature has it. */
  custom(name: string): CustomExec | undefined;
}

/** A custom instruction's execution: 'trap' when an exception was recorded in h (h.raise or a translation). */
export type CustomExec = (h: Hart, raw: number) => 'next' | 'illegal' | 'virtual' | 'trap';
