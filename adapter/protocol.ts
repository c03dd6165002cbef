/**
 * Shared, typed definitions of what vmscope adds to DAP: the memory reference format, thread ids and
 * the adapter's error codes. Both sides (this adapter, src/ and webviews) import from here; nothing
 * is redefined elsewhere (house style: one typed protocol module).
 */

/**
 * A memoryReference names an address space and an address:
 *   `phys:0x80001000`          system-physical memory (RAM) as DRAM stores it: ciphertext for private
 *                              pages of an encrypted guest (cvm-model 3.1)
 *   `dec:<asid>:0x80001000`    system-physical memory decrypted through ASID <asid>'s key (1..127): what a
 *                              private access of that guest reads (an ASID with no key: DRAM as it is)
 *   `gpa:<vmid>:0x80000000`    guest-physical memory of VMID <vmid> (through its G-stage table) as the
 *                              guest sees it through a private mapping (C-bit = 1: decrypted with the
 *                              VMID's key, cvm-model 2.4; also what it sees with vsatp Bare)
 *   `gpa:<vmid>:shared:0x...`  the same through a shared mapping (C-bit = 0: DRAM as it is); the C-bit
 *                              is GPA bit 33, outside the 32-bit address, so it is chosen by name
 *                              (`gpa:<vmid>:private:0x...` is accepted for the default)
 *   `va:<hart>:0x00401000`     virtual, through hart <hart>'s current translation (V=1: VS stage and
 *                              G stage, with the C-bit of the VS-stage leaf PTE deciding private or
 *                              shared; V=0: satp); `virt:<hart>:` is accepted as the same
 * A bare `0x80001000` is read as physical.
 */
export type AddressSpace =
  /** `asid` (1..127): decrypted through that ASID's key (`dec:`); absent: DRAM as stored (`phys:`). */
  | { kind: 'phys'; asid?: number }
  /** `shared`: the C-bit = 0 view; absent or false: private (C-bit = 1). */
  | { kind: 'gpa'; vmid: number; shared?: boolean }
  | { kind: 'va'; hart: number };

export interface MemoryReference {
  space: AddressSpace;
  address: number;
}

/** The space's prefix: `phys:`, `dec:1:`, `gpa:1:`, `gpa:1:shared:`, `va:0:`. */
export function formatSpace(space: AddressSpace): string {
  switch (space.kind) {
    case 'phys': return space.asid === undefined ? 'phys:' : `dec:${space.asid}:`;
    case 'gpa': return `gpa:${space.vmid}:${space.shared === true ? 'shared:' : ''}`;
    case 'va': return `va:${space.hart}:`;
  }
}

export function formatMemoryReference(ref: MemoryReference): string {
  return `${formatSpace(ref.space)}0x${(ref.address >>> 0).toString(16).padStart(8, '0')}`;
}

export const physRef = (address: number): string => formatMemoryReference({ space: { kind: 'phys' }, address });

/** Highest encryption identity (hgatp.VMID is 7 bits; ASID 0 is the host: cvm-model 1.1). */
export const MAX_ASID = 127;

const NUMBER = '(0x[0-9a-f]+|\\d+)';
const REF_PHYS = new RegExp(`^(?:phys:)?${NUMBER}$`, 'i');
const REF_DEC = new RegExp(`^dec:(\\d+):${NUMBER}$`, 'i');
const REF_GPA = new RegExp(`^gpa:(\\d+):(?:(shared|private):)?${NUMBER}$`, 'i');
const REF_VA = new RegExp(`^(?:va|virt):(\\d+):${NUMBER}$`, 'i');

/** Parses a memoryReference; a string is the reason it is not one. */
export function parseMemoryReference(s: unknown): MemoryReference | string {
  if (typeof s !== 'string') return "'memoryReference' must be a string such as \"phys:0x80001000\"";
  const text = s.trim();
  let m = REF_PHYS.exec(text);
  if (m) return { space: { kind: 'phys' }, address: Number(m[1]) >>> 0 };
  m = REF_DEC.exec(text);
  if (m) {
    const asid = Number(m[1]);
    if (asid < 1 || asid > MAX_ASID) return `'${s}': dec:<asid>: needs an ASID from 1 to ${MAX_ASID} (ASID 0 is the host, which has no key: use phys:)`;
    return { space: { kind: 'phys', asid }, address: Number(m[2]) >>> 0 };
  }
  m = REF_GPA.exec(text);
  if (m) {
    const space: AddressSpace = m[2]?.toLowerCase() === 'shared' ? { kind: 'gpa', vmid: Number(m[1]), shared: true } : { kind: 'gpa', vmid: Number(m[1]) };
    return { space, address: Number(m[3]) >>> 0 };
  }
  m = REF_VA.exec(text);
  if (m) return { space: { kind: 'va', hart: Number(m[1]) }, address: Number(m[2]) >>> 0 };
  return `'${s}' is not a memory reference: use "phys:0x<address>", "dec:<asid>:0x<address>", "gpa:<vmid>:0x<address>" (also "gpa:<vmid>:shared:0x<address>") or "va:<hart>:0x<address>"`;
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
  /** The machine has no confidential-VM hardware (memory encryption, secure processor). */
  noCvm: 1013,
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
  /** The secure processor's guest whose key is bound to this VMID (as ASID), when there is one. */
  launch?: { handle: number; state: string; policyFlags: string[] };
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

/**
 * Custom requests of the confidential-VM hardware (cvm-model 1-5), for the extension's key, secure
 * processor and memory views. An error response (ERR.noCvm) when the machine has no such hardware
 * (machine configuration `features`); malformed arguments get ERR.badArguments, bad ranges ERR.memory.
 *   vmscope/keys             the memory encryption engine's key table by ASID and the secure
 *                            processor's guests (handle, state, policy, ASID, launch digest)
 *   vmscope/secureProcessor  the secure processor: guests, last command, command counts, every
 *                            attestation report produced (decoded), chip id and public key
 *   vmscope/memoryPair       a range as the guest with an ASID sees it beside the DRAM ciphertext,
 *                            per 16-byte block, with the private / shared state of each page
 */
export const KEYS = 'vmscope/keys';
export const SECURE_PROCESSOR = 'vmscope/secureProcessor';
export const MEMORY_PAIR = 'vmscope/memoryPair';

/** A guest inside the secure processor (emulator/cvm/sp: one LAUNCH_START). */
export interface SpGuestState {
  /** The handle LAUNCH_START returned (from 1). */
  handle: number;
  /** 'LAUNCHING' | 'RUNNING' | 'DECOMMISSIONED' (the SEV API's guest states, cvm-model 5.3). */
  state: string;
  /** The policy word and its known bits by name ('NODBG', 'ES', 'SNP', 'other 0x..'). */
  policy: number;
  policyFlags: string[];
  /** The ASID its key is bound to (ACTIVATE), null when none. */
  asid: number | null;
  /** Launch digest, 48 bytes as lower-case hex (cvm-model 5.5). */
  digest: string;
  /** Attestation reports produced for it. */
  reports: number;
  /** Policy NODBG: plaintext views of this guest are the emulator's; a real hypervisor could not show them (5.6). */
  nodbg: boolean;
}

/** One ASID with a key bound in the memory encryption engine. */
export interface KeySlot {
  asid: number;
  /** First 8 bytes of SHA-384 of the key, hex (the key itself never leaves the hardware). */
  fingerprint: string;
  /** RAM pages the CPU currently sees through this key (the engine's plaintext views). */
  pagesInView: number;
  /** The secure-processor guest whose key it is (undefined: bound another way, e.g. by a test). */
  handle?: number;
  /** The VM's name from the launch attribute `symbols` (VMID = ASID). */
  name?: string;
}

export interface KeysResponse {
  /** The machine seed the keys and tweaks derive from (cvm-model 3.3). */
  seed: number;
  /** Where the C-bit is, and the cipher (for people). */
  cbit: string;
  cipher: string;
  keys: KeySlot[];
  /** Secure-processor guests, oldest first (empty without a secure processor). */
  guests: SpGuestState[];
  secureProcessor: boolean;
  /** The engine's AES counters as it reports them (e.g. bytesDecrypted, bytesEncrypted). */
  aes: Record<string, number>;
}

/** An attestation report as produced, with its fields decoded (SNP layout; emulator/cvm/sp/report.ts). */
export interface SpReportState {
  /** Position in the list (oldest 0): `sp report N` in the Debug Console. */
  index: number;
  handle: number;
  version: number;
  policy: number;
  policyFlags: string[];
  /** Hex strings: report_data (64 bytes), measurement (48), host_data (32), report_id (32), chip_id (64). */
  reportData: string;
  measurement: string;
  hostData: string;
  reportId: string;
  chipId: string;
  signatureAlgo: number;
  /** ECDSA P-384 r and s, big-endian hex (48 bytes each). */
  signature: { r: string; s: string };
  /** The whole report (0x4A0 bytes) as hex, as the hypervisor received it. */
  bytes: string;
}

export interface SpCommandState {
  id: number;
  name: string;
  status: number;
  statusName: string;
}

export interface SecureProcessorResponse {
  guests: SpGuestState[];
  /** The last command completed (null before the first). */
  lastCommand: SpCommandState | null;
  /** Commands run so far by name. */
  commands: Record<string, number>;
  /** The command buffer address (BUF_HI:BUF_LO). */
  buffer: number;
  reports: SpReportState[];
  /** CHIP_ID (64 bytes hex) and the chip's ECDSA P-384 public key (SPKI PEM) that verifies the reports. */
  chipId: string;
  chipPublicKeyPem: string;
}

/** Longest range of one vmscope/memoryPair request. */
export const MEMORY_PAIR_MAX = 0x4000;

export interface MemoryPairArguments {
  /**
   * Where the range starts: any memory reference (phys:, dec:<asid>:, gpa:<vmid>:[shared:], va:<hart>:);
   * the address is in that space and the pages are translated as the memory view would.
   */
  memoryReference: string;
  /** Bytes, 1..MEMORY_PAIR_MAX; the range is widened to whole 16-byte blocks. */
  length: number;
  /**
   * The ASID whose plaintext to show (1..127). Default: the reference's (dec:<asid>:, gpa:<vmid>:, the
   * VMID a va:<hart>: hart runs); required with phys: and with a hart that runs no guest.
   */
  asid?: number;
}

/** One 16-byte block: what the guest reads there beside what DRAM holds. */
export interface MemoryPairBlock {
  /** Address of the block in the reference's space. */
  address: number;
  /** Its system-physical address. */
  pa: number;
  /** 16 bytes as hex: what the guest's access reads (decrypted when private, DRAM when shared). */
  plaintext: string;
  /** 16 bytes as hex: DRAM as stored. */
  ciphertext: string;
}

/** One page of the range (4 KiB of the reference's space). */
export interface MemoryPairPage {
  /** Page address in the reference's space (the first byte of the range on the first page). */
  address: number;
  /** System-physical address of `address`; undefined when it has none. */
  pa?: number;
  /** Guest-physical address, when the translation went through one. */
  gpa?: number;
  /**
   * The C-bit as the translation found it (va: in a guest, a VS-stage leaf PTE; vsatp Bare: 1), the one
   * the reference names (gpa:, gpa:shared:), or null when nothing says (phys:, dec: are read private).
   */
  enc: 0 | 1 | null;
  /** 'private': decrypted with the ASID's key; 'shared': DRAM as it is; 'unmapped': no translation or not RAM. */
  view: 'private' | 'shared' | 'unmapped';
  /** Why a page is unmapped. */
  reason?: string;
  /**
   * The reverse-map-table entry of the page's system-physical page (cvm-model 6.2), on a machine with
   * the `integrity` feature; absent without it or when the page has no system-physical address. An
   * entry no one wrote is all zero: hypervisor-owned (assigned false).
   */
  rmp?: RmpEntryState;
}

/** One RMP entry (emulator/cvm/rmp.ts RmpEntry; Linux arch/x86/virt/svm/sev.c names). */
export interface RmpEntryState {
  assigned: boolean;
  /** The guest the page is assigned to (0 when not assigned). */
  asid: number;
  /** The guest-physical page address it is bound to (gpn << 12). */
  gpa: number;
  validated: boolean;
  immutable: boolean;
}

export interface MemoryPairResponse {
  /** The ASID whose plaintext is shown. */
  asid: number;
  /** A key is bound to it; without one the guest runs unencrypted and plaintext = DRAM (cvm-model 1.2). */
  keyBound: boolean;
  fingerprint?: string;
  /** The reference of the first block (start rounded down to 16). */
  memoryReference: string;
  /** First block's address and the bytes covered (a multiple of 16). */
  address: number;
  length: number;
  blocks: MemoryPairBlock[];
  pages: MemoryPairPage[];
  /** The whole range: every mapped page private, every one shared, or some of each ('mixed'). */
  view: 'private' | 'shared' | 'mixed' | 'unmapped';
  /** The ASID's guest has policy NODBG (cvm-model 5.6); `note` says what that means. */
  nodbg: boolean;
  note?: string;
}

/** Custom requests by command: arguments and response body (one definition for both sides). */
export interface CustomRequests {
  [MACHINE_STATE]: { args: Record<string, never>; body: MachineStateResponse };
  [CACHE_STATE]: { args: Record<string, never>; body: CacheStateResponse };
  [KEYS]: { args: Record<string, never>; body: KeysResponse };
  [SECURE_PROCESSOR]: { args: Record<string, never>; body: SecureProcessorResponse };
  [MEMORY_PAIR]: { args: MemoryPairArguments; body: MemoryPairResponse };
}
