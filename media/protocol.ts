/**
 * The messages between the webviews (media/cache-view/, media/keys-view/, media/memory-view/) and the
 * extension host (src/views/): one typed module imported by both sides (house style; the cortex-debug
 * warning). The machine data themselves are the adapter's custom request bodies (adapter/protocol.ts).
 */
import {
  MAX_ASID, MEMORY_PAIR_MAX, type CacheState, type CacheStateResponse, type KeysResponse, type MemoryPairResponse, type SecureProcessorResponse,
} from '../adapter/protocol';

export type { CacheState, CacheStateResponse, KeysResponse, MemoryPairResponse, SecureProcessorResponse };

/** Extension host -> webview. */
export type ToWebview =
  /**
   * A stop: the caches now, the slots whose line changed since the previous stop, and the hit and
   * miss counters of the stops seen so far (oldest first, at most HISTORY_LIMIT) for the plot.
   */
  | { type: 'state'; session: string; stop: number; pc?: string; state: CacheStateResponse; changed: string[]; history: StatsSample[] }
  /** Nothing to show (no vmscope session, session ended, caches off): the reason. */
  | { type: 'idle'; message: string }
  /** The session runs: the shown state is from the last stop. */
  | { type: 'running' }
  /** Mark the lines that hold a physical address ("vmscope: Show Cache Line For Address"); null clears. */
  | { type: 'highlight'; target: AddressTarget | null };

/** A physical address to find in the caches, and what it came from (shown to the user). */
export interface AddressTarget {
  pa: number;
  /** Where it came from, e.g. "pc = va:0:0x00400010" (the view shows `phys:<pa>` itself). */
  label: string;
}

/** Webview -> extension host. */
export type FromWebview =
  /** The webview's script has loaded and wants the current state. */
  | { type: 'ready' }
  | { type: 'refresh' };

/** What the webview keeps with setState (and what the serializer gets back after a reload). */
export interface PersistedState {
  /** Index of the selected cache tab. */
  tab: number;
  /** The selected slot per cache name ("set:way"). */
  selected: Record<string, string>;
  /** The last message shown, so that a reloaded view has something until the next stop. */
  last?: ToWebview;
  /** The plot's level and whether it shows running totals or what happened since the previous stop. */
  plot?: { level: CacheLevelName; mode: PlotMode };
  /** The address marked by "Show Cache Line For Address", until cleared. */
  highlight?: AddressTarget;
}

export type CacheLevelName = CacheState['level'];
export const CACHE_LEVELS: readonly CacheLevelName[] = ['l1i', 'l1d', 'llc'];
export const LEVEL_LABEL: Record<CacheLevelName, string> = { l1i: 'L1I', l1d: 'L1D', llc: 'LLC' };
/** 'total': the counters as they are at each stop; 'delta': what changed since the previous sample. */
export type PlotMode = 'total' | 'delta';

/** Hits and misses of one ASID at one level (the L1s of all harts summed). */
export interface LevelCounts {
  hits: number;
  misses: number;
}

/** The counters at one stop: by level, then by ASID (decimal string key, as CacheState.stats). */
export interface StatsSample {
  stop: number;
  levels: Record<CacheLevelName, Record<string, LevelCounts>>;
}

/** How many stops the plot's history keeps (the oldest go first). */
export const HISTORY_LIMIT = 200;

/** Key of a slot: "<cache>:<set>:<way>". */
export const slotKey = (cache: string, set: number, way: number): string => `${cache}:${set}:${way}`;

/** Slots whose line (address, ASID, enc, dirty, presence) differs between two states. */
export function changedSlots(prev: CacheStateResponse | undefined, next: CacheStateResponse): string[] {
  if (prev === undefined) return [];
  const sig = (s: CacheStateResponse): Map<string, string> => {
    const m = new Map<string, string>();
    for (const c of s.caches) for (const l of c.lines) m.set(slotKey(c.name, l.set, l.way), `${l.pa}/${l.asid}/${l.enc}/${l.dirty ? 1 : 0}`);
    return m;
  };
  const a = sig(prev);
  const b = sig(next);
  const out: string[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push(k);
  for (const k of a.keys()) if (!b.has(k)) out.push(k);
  return out;
}

// ---- Validation: a message that is not what the types say is reported, never acted on. ----

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The message as the webview sent it, or why it is not one (never throws). */
export function parseFromWebview(m: unknown): FromWebview | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  if (m.type === 'ready' || m.type === 'refresh') return { type: m.type };
  return `unknown message type ${describe(m.type)}`;
}

/**
 * The message as the extension host sent it, or why it is not one (never throws). Checks what the
 * webview's rendering relies on; the cache data inside come from the adapter's typed response.
 */
export function parseToWebview(m: unknown): ToWebview | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  switch (m.type) {
    case 'running': return { type: 'running' };
    case 'idle': return isStr(m.message) ? { type: 'idle', message: m.message } : "'idle' without a message";
    case 'highlight':
      if (m.target === null) return { type: 'highlight', target: null };
      return isObj(m.target) && isNum(m.target.pa) && isStr(m.target.label) ? { type: 'highlight', target: { pa: m.target.pa, label: m.target.label } } : "'highlight' needs target { pa, label } or null";
    case 'state': {
      const s = m.state;
      if (!isStr(m.session) || !isNum(m.stop)) return "'state' needs session and stop";
      if (!isObj(s) || !Array.isArray(s.caches) || !Array.isArray(s.asids) || !isObj(s.names)) return "'state' needs state { caches, asids, names }";
      if (!s.caches.every((c) => isObj(c) && isStr(c.name) && isNum(c.sets) && isNum(c.ways) && isNum(c.line) && Array.isArray(c.lines) && isObj(c.stats))) return "'state' has a malformed cache";
      if (!Array.isArray(m.changed) || !m.changed.every(isStr)) return "'state' needs changed: string[]";
      if (!Array.isArray(m.history) || !m.history.every((h) => isObj(h) && isNum(h.stop) && isObj(h.levels))) return "'state' needs history: StatsSample[]";
      return m as unknown as ToWebview;
    }
  }
  return `unknown message type ${describe(m.type)}`;
}

/**
 * `parse(m)` when it is a message; otherwise `log` gets the reason and the result is undefined.
 * For both sides' message handlers: a malformed message is logged and dropped. `view` names the view
 * in the log ('keys view', 'memory view').
 */
export function acceptMessage<T>(m: unknown, parse: (m: unknown) => T | string, log: (error: string) => void, view = 'cache view'): T | undefined {
  let r: T | string;
  try {
    r = parse(m);
  } catch (e) {
    r = `unreadable: ${(e as Error)?.message ?? String(e)}`;
  }
  if (typeof r !== 'string') return r;
  log(`vmscope ${view}: ignored a malformed message (${r})`);
  return undefined;
}

function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

// ---- The keys view (media/keys-view/, src/views/keys-view.ts). ----

/**
 * What the Verify button found: the extension host checked the report's ECDSA P-384 / SHA-384
 * signature over bytes [0, 0x2A0) with Node's crypto against the chip key the adapter reports
 * (adapter/cli/verify-report.ts, the checks of `vmscope verify-report`).
 */
export interface ReportVerdict {
  valid: boolean;
  /** One sentence: what was checked and, when invalid, why. */
  summary: string;
  /** The attested fields as `vmscope verify-report` prints them: [name, value]. */
  fields: [string, string][];
  /** The stop at which it was checked. */
  stop: number;
}

/** Extension host -> keys view. */
export type ToKeysView =
  /**
   * A stop: the key table and guests (vmscope/keys), the secure processor with its reports
   * (vmscope/secureProcessor; null when the machine has memory encryption but no secure processor),
   * and the verdicts of the reports verified so far, by report index.
   */
  | { type: 'keys'; session: string; stop: number; keys: KeysResponse; sp: SecureProcessorResponse | null; verdicts: Record<string, ReportVerdict> }
  /** The machine has no confidential-VM hardware (ERR.noCvm): the adapter's message says what to configure. */
  | { type: 'noCvm'; session: string; message: string }
  /** Nothing to show (no vmscope session, session ended): the reason. */
  | { type: 'idle'; message: string }
  /** The session runs: what is shown is from the last stop. */
  | { type: 'running' };

/** Keys view -> extension host. */
export type FromKeysView =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Verify report `index` (SpReportState.index) of the shown state. */
  | { type: 'verify'; index: number };

/** What the keys view keeps with setState. */
export interface KeysViewPersisted {
  last?: ToKeysView;
  /** Indexes of the reports whose details are open. */
  open?: number[];
}

export function parseFromKeysView(m: unknown): FromKeysView | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  if (m.type === 'ready' || m.type === 'refresh') return { type: m.type };
  if (m.type === 'verify') return isIndex(m.index) ? { type: 'verify', index: m.index } : "'verify' needs index: a report index (integer >= 0)";
  return `unknown message type ${describe(m.type)}`;
}

export function parseToKeysView(m: unknown): ToKeysView | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  switch (m.type) {
    case 'running': return { type: 'running' };
    case 'idle': return isStr(m.message) ? { type: 'idle', message: m.message } : "'idle' without a message";
    case 'noCvm': return isStr(m.session) && isStr(m.message) ? { type: 'noCvm', session: m.session, message: m.message } : "'noCvm' needs session and message";
    case 'keys': {
      if (!isStr(m.session) || !isNum(m.stop)) return "'keys' needs session and stop";
      const k = m.keys;
      if (!isObj(k) || !Array.isArray(k.keys) || !Array.isArray(k.guests) || !isNum(k.seed) || !isStr(k.cipher) || !isStr(k.cbit)) return "'keys' needs keys { seed, cbit, cipher, keys, guests }";
      if (!k.keys.every((x) => isObj(x) && isNum(x.asid) && isStr(x.fingerprint) && isNum(x.pagesInView))) return "'keys' has a malformed key slot";
      if (!k.guests.every(isGuest)) return "'keys' has a malformed guest";
      const sp = m.sp;
      if (sp !== null) {
        if (!isObj(sp) || !Array.isArray(sp.guests) || !Array.isArray(sp.reports) || !isStr(sp.chipId) || !isStr(sp.chipPublicKeyPem) || !isObj(sp.commands)) return "'keys' needs sp { guests, reports, chipId, chipPublicKeyPem, commands } or null";
        if (!sp.guests.every(isGuest)) return "'keys' has a malformed secure-processor guest";
        if (!sp.reports.every(isReport)) return "'keys' has a malformed report";
      }
      if (!isObj(m.verdicts) || !Object.values(m.verdicts).every(isVerdict)) return "'keys' needs verdicts: Record<index, ReportVerdict>";
      return m as unknown as ToKeysView;
    }
  }
  return `unknown message type ${describe(m.type)}`;
}

const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isHex = (v: unknown): v is string => isStr(v) && /^[0-9a-f]*$/i.test(v);

function isGuest(g: unknown): boolean {
  return isObj(g) && isNum(g.handle) && isStr(g.state) && isNum(g.policy) && Array.isArray(g.policyFlags) && g.policyFlags.every(isStr) &&
    (g.asid === null || isNum(g.asid)) && isHex(g.digest) && isNum(g.reports) && typeof g.nodbg === 'boolean';
}

function isReport(r: unknown): boolean {
  return isObj(r) && isIndex(r.index) && isNum(r.handle) && isNum(r.version) && isNum(r.policy) && Array.isArray(r.policyFlags) && r.policyFlags.every(isStr) &&
    ['reportData', 'measurement', 'hostData', 'reportId', 'chipId', 'bytes'].every((k) => isHex(r[k])) &&
    isNum(r.signatureAlgo) && isObj(r.signature) && isHex(r.signature.r) && isHex(r.signature.s);
}

function isVerdict(v: unknown): boolean {
  return isObj(v) && typeof v.valid === 'boolean' && isStr(v.summary) && isNum(v.stop) &&
    Array.isArray(v.fields) && v.fields.every((f) => Array.isArray(f) && f.length === 2 && isStr(f[0]) && isStr(f[1]));
}

// ---- The memory view, both sides (media/memory-view/, src/views/memory-view.ts). ----

/** What the memory view shows: vmscope/memoryPair's arguments. */
export interface MemoryViewRequest {
  /** Any memory reference (phys:, dec:<asid>:, gpa:<vmid>:[shared:], va:<hart>:, a bare address). */
  memoryReference: string;
  /** Bytes, 1..MEMORY_PAIR_MAX. */
  length: number;
  /** The ASID whose plaintext to show, when the reference names none (phys:, a host hart's va:). */
  asid?: number;
}

/** The lengths the view offers; the request's limit is MEMORY_PAIR_MAX. */
export const MEMORY_VIEW_LENGTHS: readonly number[] = [256, 1024, 4096, MEMORY_PAIR_MAX];
export const MEMORY_VIEW_DEFAULT_LENGTH = 256;

/**
 * The bytes of one 16-byte block that changed since the previous stop: bit i set = byte i changed, for
 * the plaintext (what the guest reads) and the ciphertext (what DRAM holds) apart.
 */
export interface BlockChange {
  plain: number;
  cipher: number;
}

/** An ASID the selector offers: the guests with a key, the VMs seen. */
export interface AsidChoice {
  asid: number;
  /** "ASID 1 (cvm-guest), key c5c0aa097a22ac9f". */
  label: string;
}

/** Extension host -> memory view. */
export type ToMemoryView =
  /**
   * A stop (or a new range): the range both ways, and per block (in pair.blocks' order) the bytes that
   * changed since the previous stop; `changed` null when the previous stop did not show this range.
   */
  | { type: 'memory'; session: string; stop: number; request: MemoryViewRequest; pair: MemoryPairResponse; changed: BlockChange[] | null; asids: AsidChoice[] }
  /** The request failed (a bad reference, no ASID named, ...): the adapter's message. */
  | { type: 'error'; session: string; stop: number; request: MemoryViewRequest; message: string; asids: AsidChoice[] }
  /** The machine has no confidential-VM hardware (ERR.noCvm): the adapter's message says what to configure. */
  | { type: 'noCvm'; session: string; message: string }
  | { type: 'idle'; message: string }
  | { type: 'running' };

/** Memory view -> extension host. */
export type FromMemoryView =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Show this range (the address box, the ASID selector, the length, the page buttons). */
  | { type: 'show'; request: MemoryViewRequest };

/** What the memory view keeps with setState. */
export interface MemoryViewPersisted {
  last?: ToMemoryView;
}

/** A request as the webview or a saved state gives it, or why it is not one. */
export function parseMemoryViewRequest(r: unknown): MemoryViewRequest | string {
  if (!isObj(r)) return 'a request needs { memoryReference, length }';
  if (!isStr(r.memoryReference) || r.memoryReference.length === 0 || r.memoryReference.length > 200) return "'memoryReference' must be a memory reference such as \"gpa:1:0x80001000\"";
  if (!Number.isInteger(r.length) || (r.length as number) < 1 || (r.length as number) > MEMORY_PAIR_MAX) return `'length' must be 1..${MEMORY_PAIR_MAX}`;
  if (r.asid !== undefined && (!Number.isInteger(r.asid) || (r.asid as number) < 1 || (r.asid as number) > MAX_ASID)) return `'asid' must be 1..${MAX_ASID}`;
  return { memoryReference: r.memoryReference, length: r.length as number, ...(r.asid !== undefined ? { asid: r.asid as number } : {}) };
}

export function parseFromMemoryView(m: unknown): FromMemoryView | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  if (m.type === 'ready' || m.type === 'refresh') return { type: m.type };
  if (m.type === 'show') {
    const request = parseMemoryViewRequest(m.request);
    return typeof request === 'string' ? `'show': ${request}` : { type: 'show', request };
  }
  return `unknown message type ${describe(m.type)}`;
}

export function parseToMemoryView(m: unknown): ToMemoryView | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  switch (m.type) {
    case 'running': return { type: 'running' };
    case 'idle': return isStr(m.message) ? { type: 'idle', message: m.message } : "'idle' without a message";
    case 'noCvm': return isStr(m.session) && isStr(m.message) ? { type: 'noCvm', session: m.session, message: m.message } : "'noCvm' needs session and message";
    case 'error':
    case 'memory': {
      if (!isStr(m.session) || !isNum(m.stop)) return `'${m.type}' needs session and stop`;
      const request = parseMemoryViewRequest(m.request);
      if (typeof request === 'string') return `'${m.type}': ${request}`;
      if (!Array.isArray(m.asids) || !m.asids.every((a) => isObj(a) && isNum(a.asid) && isStr(a.label))) return `'${m.type}' needs asids: { asid, label }[]`;
      if (m.type === 'error') return isStr(m.message) ? (m as unknown as ToMemoryView) : "'error' without a message";
      const p = m.pair;
      if (!isObj(p) || !isNum(p.asid) || !isNum(p.address) || !isNum(p.length) || !isStr(p.memoryReference) || !Array.isArray(p.blocks) || !Array.isArray(p.pages)) return "'memory' needs pair { asid, address, length, memoryReference, blocks, pages }";
      if (!p.blocks.every((b) => isObj(b) && isNum(b.address) && isNum(b.pa) && isBlockHex(b.plaintext) && isBlockHex(b.ciphertext))) return "'memory' has a malformed block (16 bytes of hex each side)";
      if (!p.pages.every((g) => isObj(g) && isNum(g.address) && (g.view === 'private' || g.view === 'shared' || g.view === 'unmapped'))) return "'memory' has a malformed page";
      const changed = m.changed;
      if (changed !== null && (!Array.isArray(changed) || changed.length !== p.blocks.length || !changed.every((c) => isObj(c) && isMask(c.plain) && isMask(c.cipher)))) return "'memory' needs changed: one { plain, cipher } per block, or null";
      return m as unknown as ToMemoryView;
    }
  }
  return `unknown message type ${describe(m.type)}`;
}

const isBlockHex = (v: unknown): v is string => isStr(v) && /^[0-9a-f]{32}$/i.test(v);
const isMask = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
