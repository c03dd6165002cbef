/**
 * The hardware-feature plug-in interface (cvm-model 6.3). A feature is a piece of modelled hardware
 * (the cache hierarchy, memory encryption, register protection, an RMP, or one a user prototypes)
 * that sees what the machine does through a few typed events and shows its state in the debugger's
 * views. Built-in features are written against this interface only.
 *
 * Events are delivered synchronously, in program order per hart. Event objects are reused by the
 * machine: read them during the call and copy what you keep. Every hook is optional; a feature pays
 * (and makes the machine pay) only for the hooks it has: the slow memory path is switched on only while
 * some attached feature has onMemory, onTranslate or onVmTransition.
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

/** Result of a custom instruction: retire and go on, or raise an illegal-instruction exception. */
export type CustomResult = 'next' | 'illegal';

/**
 * A custom instruction in the custom-0..3 opcode space (cvm-model 6.2: RMPUPDATE, PVALIDATE). Declared
 * now; the decoder/executor wiring arrives in a later step (see the cache README, hooks).
 */
export interface CustomInstruction {
  name: string;
  /** raw & mask === match selects the instruction. */
  match: number;
  mask: number;
  execute(hart: HartView, raw: number): CustomResult;
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
  /** Custom instructions the feature implements (declared; wiring later). */
  readonly customInstructions?: readonly CustomInstruction[];
  /** State for the debugger's views: JSON-safe (plain objects, arrays, strings, finite numbers, booleans). */
  viewState(): unknown;
  /** State for machine snapshots (machine.snapshot / restore). Values must not be mutated later. */
  snapshot?(): unknown;
  restore?(s: unknown): void;
}
