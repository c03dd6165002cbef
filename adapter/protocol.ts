/**
 * Shared, typed definitions of what vmscope adds to DAP: the memory reference format, thread ids and
 * the adapter's error codes. Both sides (this adapter, src/ and webviews) import from here; nothing
 * is redefined elsewhere (house style: one typed protocol module).
 */

/**
 * A memoryReference names an address space and an address:
 *   `phys:0x80001000`          system-physical memory (RAM)
 *   `gpa:<vmid>:0x80000000`    guest-physical memory of VMID <vmid> (through its G-stage table)
 *   `va:<hart>:0x00401000`     virtual, through hart <hart>'s current translation (V=1: VS stage and
 *                              G stage; V=0: satp); `virt:<hart>:` is accepted as the same
 * A bare `0x80001000` is read as physical.
 */
export type AddressSpace = { kind: 'phys' } | { kind: 'gpa'; vmid: number } | { kind: 'va'; hart: number };

export interface MemoryReference {
  space: AddressSpace;
  address: number;
}

export function formatMemoryReference(ref: MemoryReference): string {
  const a = `0x${(ref.address >>> 0).toString(16).padStart(8, '0')}`;
  switch (ref.space.kind) {
    case 'phys': return `phys:${a}`;
    case 'gpa': return `gpa:${ref.space.vmid}:${a}`;
    case 'va': return `va:${ref.space.hart}:${a}`;
  }
}

export const physRef = (address: number): string => formatMemoryReference({ space: { kind: 'phys' }, address });

/** Parses a memoryReference; a string is the reason it is not one. */
export function parseMemoryReference(s: unknown): MemoryReference | string {
  if (typeof s !== 'string') return "'memoryReference' must be a string such as \"phys:0x80001000\"";
  let m = /^(?:phys:)?(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (m) return { space: { kind: 'phys' }, address: Number(m[1]) >>> 0 };
  m = /^(gpa|va|virt):(\d+):(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (m) {
    const n = Number(m[2]);
    const address = Number(m[3]) >>> 0;
    return m[1]!.toLowerCase() === 'gpa' ? { space: { kind: 'gpa', vmid: n }, address } : { space: { kind: 'va', hart: n }, address };
  }
  return `'${s}' is not a memory reference: use "phys:0x<address>", "gpa:<vmid>:0x<address>" or "va:<hart>:0x<address>"`;
}

/** DAP thread id of hart `h` (some clients treat thread id 0 as "no thread"). */
export const threadOfHart = (h: number): number => h + 1;
export const hartOfThread = (t: number): number => t - 1;

/**
 * Custom requests of reverse execution (DAP has stepBack and reverseContinue, not these two).
 *   vmscope/reverseStepIn   back into the last line of the call that returned just before (GDB reverse-step)
 *   vmscope/reverseStepOut  back to the call instruction that entered the current frame (reverse-finish)
 * Arguments as stepBack's; the response has no body; a `stopped` event (reason 'step') follows.
 */
export const REVERSE_STEP_IN = 'vmscope/reverseStepIn';
export const REVERSE_STEP_OUT = 'vmscope/reverseStepOut';

export interface ReverseStepArguments {
  threadId: number;
  granularity?: 'statement' | 'line' | 'instruction';
}

/** Error codes in DAP error responses (`body.error.id`). */
export const ERR = {
  badLaunch: 1001,
  cannotRead: 1002,
  badElf: 1003,
  badIsa: 1004,
  noSuchThread: 1005,
  badArguments: 1006,
  notStopped: 1007,
  noProgram: 1008,
  evaluate: 1009,
  memory: 1010,
  unknownReference: 1011,
  noCaches: 1012,
  internal: 1099,
} as const;

/**
 * Custom requests of the VMs view and the cache view (src/views/, media/). Both have no arguments
 * and answer for the machine as it is at the current stop.
 *   vmscope/machineState  harts (privilege, V, VMID, pc and its symbol) and the VMs seen so far
 *   vmscope/cacheState    every cache (L1I and L1D per hart, the LLC): geometry, valid lines, per-ASID
 *                         statistics; an error response (ERR.noCaches) when the session runs without
 *                         the cache model
 */
export const MACHINE_STATE = 'vmscope/machineState';
export const CACHE_STATE = 'vmscope/cacheState';

export interface HartState {
  id: number;
  /** 'M' | 'HS' | 'S' | 'U' | 'VS' | 'VU'. */
  mode: string;
  /** Privilege level: 0 U, 1 S, 3 M. */
  priv: number;
  /** The hypervisor extension's V bit. */
  virt: boolean;
  /** hgatp.VMID while V=1. */
  vmid?: number;
  pc: number;
  /** `name+0x10` of pc in the symbols of what the hart runs (a guest's while V=1). */
  symbol?: string;
}

export interface VmState {
  vmid: number;
  /** From the launch attribute `symbols` (the guest ELF's name), when given. */
  name?: string;
  /** The last hgatp seen with this VMID (undefined when only `symbols` names it). */
  hgatp?: number;
  /** Harts running this VM now. */
  harts: number[];
  /** The cache model has statistics for this VMID (as ASID): it has run, even between stops. */
  ran?: boolean;
}

export interface MachineStateResponse {
  harts: HartState[];
  vms: VmState[];
}

/** Counters of one ASID at one cache (emulator/cache/level.ts CacheStats). */
export interface AsidStats {
  accesses: number;
  hits: number;
  misses: number;
  evictions: number;
  writebacks: number;
  discards: number;
}

export interface CacheLineState {
  set: number;
  way: number;
  /** System physical address of the line (its tag with the set index). */
  pa: number;
  /** 0: the host; otherwise hgatp.VMID (cvm-model 1.1). */
  asid: number;
  enc: number;
  dirty: boolean;
  /** LRU replacement: 0 = most recently used in its set; undefined for plru and random. */
  age?: number;
}

export interface CacheState {
  /** 'hart0.l1i', 'hart0.l1d', ..., 'llc'. */
  name: string;
  level: 'l1i' | 'l1d' | 'llc';
  /** The hart of an L1, undefined for the LLC. */
  hart?: number;
  sets: number;
  ways: number;
  /** Line size in bytes. */
  line: number;
  replacement: 'lru' | 'plru' | 'random';
  /** Valid lines only. */
  lines: CacheLineState[];
  /** Statistics by ASID (as a decimal string key). */
  stats: Record<string, AsidStats>;
}

export interface CacheStateResponse {
  caches: CacheState[];
  /** Every ASID with statistics, ascending. */
  asids: number[];
  /** Names of the VMs by VMID (= ASID), from `symbols`. */
  names: Record<string, string>;
}

/** Custom requests by command: arguments and response body (one definition for both sides). */
export interface CustomRequests {
  [MACHINE_STATE]: { args: Record<string, never>; body: MachineStateResponse };
  [CACHE_STATE]: { args: Record<string, never>; body: CacheStateResponse };
}
