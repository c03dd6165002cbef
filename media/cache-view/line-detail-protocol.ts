/**
 * The cache view's line-detail messages: the webview asks the extension host for the bytes of the
 * selected line (`lineDetail` with its tag), the host reads them from the adapter
 * (src/views/cache-line-detail.ts) and answers `lineDetail` with the bytes or an error. Typed once here
 * for both sides; the view's other messages stay in media/protocol.ts, and the parsers below compose
 * with its parsers (a `lineDetail` here, everything else there), so either side checks every message
 * with one call and logs and drops a malformed one.
 */
import { MAX_ASID, MEMORY_PAIR_MAX } from '../../adapter/protocol';
import { parseFromWebview, parseToWebview, type FromWebview, type PersistedState, type ToWebview } from '../protocol';

/** A cache line's tag as the grid shows it: which bytes to read, and through which key. */
export interface LineQuery {
  /** System-physical address of the line (a multiple of `size`). */
  pa: number;
  /** 0: the host; otherwise the guest's VMID (cvm-model 1.1). */
  asid: number;
  /** The C-bit the line was filled with: 1 private (through the ASID's key), 0 shared or host. */
  enc: 0 | 1;
  /** Line size in bytes. */
  size: number;
}

/** Webview -> extension host: read the bytes of a line; `id` comes back with the answer. */
export interface LineDetailRequest extends LineQuery {
  type: 'lineDetail';
  id: number;
}

/** One 16-byte block of the line (the encryption engine's unit, cvm-model 3.2). */
export interface LineBlock {
  /** Offset in the line. */
  offset: number;
  /** 16 bytes as hex: what the cache holds (the plaintext ASID `asid` sees). */
  plaintext: string;
  /** 16 bytes as hex: what DRAM holds (ciphertext where the line is encrypted). */
  ciphertext: string;
}

/** The bytes of a line: the cache's beside DRAM's, and what the adapter said of them. */
export interface LineDetail extends LineQuery {
  /** What was read: `dec:<asid>:0x...` (vmscope/memoryPair) or `phys:0x...` (readMemory). */
  memoryReference: string;
  /** The plaintext came through a key: enc=1, a guest ASID, and a key bound to it. */
  decrypted: boolean;
  /** The key's fingerprint, when one is bound. */
  fingerprint?: string;
  blocks: LineBlock[];
  /** The ASID's guest has policy NODBG (cvm-model 5.6): `note` says what that means. */
  nodbg: boolean;
  /** The adapter's note (NODBG, or no key bound), as it gave it. */
  note?: string;
}

/** Extension host -> webview: the answer to request `id`, read at stop `stop` of the active session. */
export type LineDetailReply =
  | { type: 'lineDetail'; id: number; stop: number; detail: LineDetail }
  | { type: 'lineDetail'; id: number; stop: number; error: string };

/** Everything the cache view's webview sends, and everything it receives. */
export type FromCacheView = FromWebview | LineDetailRequest;
export type ToCacheView = ToWebview | LineDetailReply;

/** A selected line as the webview keeps it: its slot and its tag, to follow it from stop to stop. */
export interface SelectedLine {
  set: number;
  way: number;
  pa: number;
  asid: number;
  enc: number;
  /** The last stop at which the line was seen there. */
  stop: number;
}

/** What the webview keeps with setState: media/protocol.ts's state, and each cache's selected line. */
export interface CacheViewPersisted extends PersistedState {
  /** By cache name: the line selected (absent for an invalid slot). */
  lines?: Record<string, SelectedLine>;
}

// ---- Validation: what is not what the types say is reported (a string), never acted on. ----

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isBlockHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{32}$/i.test(v);

/** The tag fields of `m`, or why they are not a line. */
export function parseLineQuery(m: Record<string, unknown>): LineQuery | string {
  const { pa, asid, enc, size } = m;
  if (!isInt(size, 16, MEMORY_PAIR_MAX) || ((size as number) & ((size as number) - 1)) !== 0) return `'size' must be a line size: a power of two from 16 to ${MEMORY_PAIR_MAX}`;
  if (!isInt(pa, 0, 0xffffffff) || pa % size !== 0) return `'pa' must be a physical address aligned to the line size (${size})`;
  if (!isInt(asid, 0, MAX_ASID)) return `'asid' must be 0..${MAX_ASID}`;
  if (enc !== 0 && enc !== 1) return "'enc' must be 0 or 1";
  return { pa, asid, enc, size };
}

/** A `lineDetail` request from the webview, or why it is not one. */
export function parseLineDetailRequest(m: unknown): LineDetailRequest | string {
  if (!isObj(m) || m.type !== 'lineDetail') return "not a 'lineDetail' request";
  if (!isInt(m.id, 0, Number.MAX_SAFE_INTEGER)) return "'lineDetail' needs id: an integer >= 0";
  const q = parseLineQuery(m);
  return typeof q === 'string' ? `'lineDetail': ${q}` : { type: 'lineDetail', id: m.id, ...q };
}

/** A line's bytes as the host sends them, or why they are not (the blocks must cover the line). */
export function parseLineDetail(d: unknown): LineDetail | string {
  if (!isObj(d)) return 'detail must be an object';
  const q = parseLineQuery(d);
  if (typeof q === 'string') return q;
  if (typeof d.memoryReference !== 'string' || typeof d.decrypted !== 'boolean' || typeof d.nodbg !== 'boolean') return 'detail needs memoryReference, decrypted and nodbg';
  if (d.note !== undefined && typeof d.note !== 'string') return "'note' must be a string";
  if (d.fingerprint !== undefined && (typeof d.fingerprint !== 'string' || !/^[0-9a-f]*$/i.test(d.fingerprint))) return "'fingerprint' must be hex";
  const blocks = d.blocks;
  if (!Array.isArray(blocks) || blocks.length !== q.size / 16) return `'blocks' must be ${q.size / 16} blocks of 16 bytes (the line)`;
  if (!blocks.every((b, i) => isObj(b) && b.offset === i * 16 && isBlockHex(b.plaintext) && isBlockHex(b.ciphertext))) return "'blocks' has a malformed block ({ offset, plaintext, ciphertext }, 16 bytes of hex each side, in order)";
  return d as unknown as LineDetail;
}

/** A `lineDetail` answer from the host, or why it is not one. */
export function parseLineDetailReply(m: unknown): LineDetailReply | string {
  if (!isObj(m) || m.type !== 'lineDetail') return "not a 'lineDetail' answer";
  if (!isInt(m.id, 0, Number.MAX_SAFE_INTEGER) || !isInt(m.stop, 0, Number.MAX_SAFE_INTEGER)) return "'lineDetail' needs id and stop";
  if ('error' in m) return typeof m.error === 'string' ? { type: 'lineDetail', id: m.id, stop: m.stop, error: m.error } : "'lineDetail' error must be a string";
  const detail = parseLineDetail(m.detail);
  return typeof detail === 'string' ? `'lineDetail': ${detail}` : { type: 'lineDetail', id: m.id, stop: m.stop, detail };
}

/** Anything the cache view's webview sends: a `lineDetail` request here, the rest media/protocol.ts's. */
export function parseFromCacheView(m: unknown): FromCacheView | string {
  return isObj(m) && m.type === 'lineDetail' ? parseLineDetailRequest(m) : parseFromWebview(m);
}

/** Anything the host sends the cache view: a `lineDetail` answer here, the rest media/protocol.ts's. */
export function parseToCacheView(m: unknown): ToCacheView | string {
  return isObj(m) && m.type === 'lineDetail' ? parseLineDetailReply(m) : parseToWebview(m);
}
