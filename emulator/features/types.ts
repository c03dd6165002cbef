/**
 * The hardware-feature plug-in interface (cvm-model 6.3). A feature is a piece of modelled hardware
 * (the cache hierarchy, memory encryption, register protection, an RMP, or one a user prototypes)
 * that sees what the machine does through a few typed events and shows its state in the debugger's
 * views. Built-in features are written against this interface only.
 *
 * Events are delivered synchronously, in program order per hart. Event objects are reused by the
 * machine: read them during the call and copy what you keep. Every hook is optional; a feature pays
 * (and makes the machine pay) only for the hooks it has: the slow memory path is switched on only while
 * some attached feature has onMemory, onTranslate or onVmTransition. One exception to "only through
 * this interface": while the cache model is the only feature observing memory, the machine drives it
 * through the harts' cache fast path (hart/cache-path.ts) instead of onMemory, with identical results
 * (test/unit/cache/fast-path.test.ts); attaching another observing feature switches back to onMemory.
 */

import type { RamCipher } from '../mem/ram';

/** What kind of memory transaction. cbo.* are the Zicbom cache-block operations on the block of `va`. */
export type MemKind = 'fetch' | 'load' | 'store' | 'cbo.clean' | 'cbo.flush' | 'cbo.inval';

/** One memory transaction, after translation and PMP (it will be performed, or fail at the bus). */
export interface MemTransaction {
  hart: number;
  kind: MemKind;
  /** Effective privilege of the access (0 U, 1 S, 3 M): MPP under MPRV, SPVP for HLV/HSV. */
  priv: number;
  /** The access is a guest access (V=1, two-stage translated), including HLV/HSV from HS-mode. */
  virt: boolean;
  /** hgatp.VMID when virt, else 0. */
  vmid: number;
  /** Encryption identity (cvm-model 1.1): hgatp.VMID when virt, 0 for the host. */
  asid: number;
  /** satp.ASID (vsatp.ASID when virt) when that stage translates, else -1 (address-space id). */
  spaceAsid: number;
  /**
   * C-bit of the access (cvm-model 2.2): 1 = private (the guest's key), 0 = shared. Guest fetches and
   * VS-stage walks are private (2.3); host accesses and HLV/HSV are 0. Always 0 without the
   * memory-encryption feature.
   */
  enc: number;
  /** Virtual address (uint32). */
  va: number;
  /**
   * Guest-physical address when virt (the VS-stage's output as two-stage translation computed it:
   * equals va while vsatp is Bare). Undefined when not virt.
   */
  gpa: number | undefined;
  /** System physical address (up to 34 bits). */
  pa: number;
  /** Bytes (1, 2 or 4; fetches report the instruction's length; cbo.* report 1). */
  size: number;
  /** The pa is RAM (cacheable); false for device registers. */
  ram: boolean;
}

/** An address-translation result (the same access as the MemTransaction that follows it). */
export type TranslationEvent = Pick<MemTransaction, 'hart' | 'kind' | 'priv' | 'virt' | 'vmid' | 'spaceAsid' | 'va' | 'gpa' | 'pa'>;

/** Cache-line events raised by the cache model (a feature itself) for other features to see. */
export interface CacheEvent {
  type: 'fill' | 'evict' | 'writeback' | 'invalidate';
  /** 'hart0.l1d', 'hart1.l1i', 'llc', ... */
  cache: string;
  /** System physical address of the line (line-aligned). */
  pa: number;
  asid: number;
  enc: number;
  /** The line was dirty (evict / invalidate: its data were written back, or lost for invalidate). */
  dirty: boolean;
  /** Line size in bytes. */
  size: number;
  /** writeback: the data go to memory (an LLC victim, cbo.clean/flush), not to the next cache level. */
  toMemory: boolean;
}

/**
 * A hart entered a guest (V 0 -> 1: sret or mret) or left it (V 1 -> 0: a trap to HS- or M-mode).
 * Reported by the switching instruction or trap entry itself, before the first instruction of the new
 * mode is fetched.
 */
export interface VmTransition {
  type: 'entry' | 'exit';
  hart: number;
  /** hgatp.VMID of the guest entered or left. */
  vmid: number;
  /** Privilege after the transition (exit: 1 = HS, 3 = M; entry: 1 = VS, 0 = VU). */
  priv: number;
  /** pc of the first instruction in the new mode (entry: the guest's, i.e. sepc/mepc; exit: the handler's). */
  pc: number;
  /** exit: the trap cause (scause in HS, mcause in M; interrupt bit 31); entry: undefined. */
  cause: number | undefined;
}

/** Read-only view of a hart, for features (a subset of the hart's state). */
export interface HartView {
  readonly id: number;
  readonly pc: number;
  readonly priv: number;
  readonly virt: boolean;
  readonly hgatp: number;
  readonly x: Int32Array;
}

/**
 * Result of a custom instruction: retire and go on; raise an illegal-instruction or a
 * virtual-instruction exception; or 'trap' after hart.translate() recorded an exception.
 */
export type CustomResult = 'next' | 'illegal' | 'virtual' | 'trap';

/** What a custom instruction may do to its hart. */
export interface CustomHart extends HartView {
  /** Translate `va` as a load of this hart would (both stages when V=1): the system physical address, or -1 after recording the exception (return 'trap'). */
  translateLoad(va: number): number;
  /** The guest-physical address of the last V=1 translation (with translateLoad). */
  readonly lastGpa: number;
}

/**
 * A custom instruction. vmscope's own (rmpupdate, pvalidate, cinval.all: emulator/cvm/README.md) are
 * in the opcode table, so the assembler and disassembler know them; a feature implements one by
 * listing it here under the same name. rd is written through hart.x (never write x0).
 */
export interface CustomInstruction {
  name: string;
  execute(hart: CustomHart, raw: number): CustomResult;
}

/** The hart state a VM guard reads and rewrites at VM exits and entries (a Hart is one). */
export interface GuardedHart extends HartView {
  pc: number;
  sepc: number;
  mepc: number;
  /** While V=0 the v* fields hold the guest's VS CSRs. */
  vsstatus: number;
  vstvec: number;
  vsscratch: number;
  vsepc: number;
  vscause: number;
  vstval: number;
  vsatp: number;
}

/**
 * Hardware that changes what VM exits and entries do (cvm-model 6.1, register protection). All
 * methods are called with the guest's VMID (hgatp.VMID).
 */
export interface VmGuard {
  /** An exception `code` from the guest would exit to HS/M: the cause to deliver to the guest instead (vstval = code), or undefined to exit. */
  reflect?(h: GuardedHart, vmid: number, code: number): number | undefined;
  /** A trap took the hart out of the guest (V=0 now, handler not yet run); `guestPc` is where the guest was. */
  exited?(h: GuardedHart, vmid: number, code: number, interrupt: boolean, guestPc: number): void;
  /** An sret/mret is about to enter the guest (V=0 still): a pc to resume at instead of xepc, or undefined. */
  entering?(h: GuardedHart, vmid: number): number | undefined;
}

/** An access after translation and PMP, for checkAccess (the RMP). */
export interface AccessInfo {
  hart: number;
  kind: 'fetch' | 'load' | 'store';
  /** A guest access (V=1, not HLV/HSV: those are the hypervisor's). */
  guest: boolean;
  vmid: number;
  enc: number;
  va: number;
  /** Guest-physical address (C-bit stripped) of a guest access. */
  gpa: number;
  pa: number;
}

/** What the machine gives a feature when it is added. */
export interface FeatureHost {
  readonly harts: number;
  hart(i: number): HartView;
  /**
   * Bytes of RAM at system physical `pa` as DRAM holds them, or as seen under memory key id `key`
   * (mem/ram.ts) — no side effects, nothing the machine does next changes.
   */
  readPhys(pa: number, len: number, key?: number): Uint8Array;
  /** Write bytes into RAM at `pa` (as DRAM holds them, or under key id `key`), keeping decoded code coherent. */
  writePhys(pa: number, data: Uint8Array, key?: number): void;
  /** Install the memory encryption engine (one per machine; mem/ram.ts RamCipher): the C-bit applies from now on. */
  installCipher(c: RamCipher): void;
  /** Write back and drop every decrypted page view under key id `key` (before that key changes). */
  dropKey(key: number): void;
  /** Pages with a decrypted view, by key id. */
  viewCounts(): Map<number, number>;
  /** Memory key id of private accesses by ASID `asid` (0 when it has no key). */
  keyFor(asid: number): number;
  /** Drop every hart's TLB entries (after a change that checkAccess would now answer differently). */
  flushTlbs(): void;
  /** Add `n` cycles to hart `hart`'s mcycle (a latency model; nothing while mcountinhibit.CY freezes it). */
  addCycles(hart: number, n: number): void;
  /**
   * What caches holding data means for memory (the cache model calls it; cvm-model 3.1, 4.3): a line of
   * (asid, enc) became dirty ('dirty': DRAM keeps its old bytes), reached DRAM ('written': an LLC
   * write-back or cbo.clean/flush, encrypted on the way under a key), or was dropped dirty without
   * write-back ('lost': cbo.inval, cinval.all — the CPU then reads what DRAM holds).
   */
  lineData(op: 'dirty' | 'written' | 'lost', pa: number, len: number, asid: number, enc: number): void;
  /** Raise a cache event (the cache model does; other features receive it through onCacheEvent). */
  cacheEvent(e: CacheEvent): void;
  /** True when some feature listens to cache events (skip building them otherwise). */
  readonly wantsCacheEvents: boolean;
}

/** A hardware feature. */
export interface Feature {
  /** Unique among a machine's features, e.g. 'caches', 'asid-counter'. */
  readonly name: string;
  /** One line for people (shown in the feature views). */
  readonly description: string;
  /** Called once by machine.addFeature. */
  attach?(host: FeatureHost): void;
  onMemory?(t: MemTransaction): void;
  onTranslate?(t: TranslationEvent): void;
  onCacheEvent?(e: CacheEvent): void;
  onVmTransition?(e: VmTransition): void;
  /** Custom instructions the feature implements. */
  readonly customInstructions?: readonly CustomInstruction[];
  /** Acts at VM exits and entries (register protection). */
  readonly vmGuard?: VmGuard;
  /** Checks every access after translation (slow path; RMP): 0 allows it, else the cause to raise (24 #VC, 25 integrity fault, ...). */
  checkAccess?(a: AccessInfo): number;
  /** State for the debugger's views: JSON-safe (plain objects, arrays, strings, finite numbers, booleans). */
  viewState(): unknown;
  /** State for machine snapshots (machine.snapshot / restore). Values must not be mutated later. */
  snapshot?(): unknown;
  restore?(s: unknown): void;
}
