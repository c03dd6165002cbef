/**
 * The model of the cache view's line detail, shared by the extension host and the webview, no DOM and
 * no 'vscode': how to read a line's bytes (plan), the detail built from the adapter's answer, the
 * per-block comparison of the cache's bytes with DRAM's, what to say about it, and how a selection
 * follows its line from stop to stop.
 *
 * The cache holds plaintext, DRAM ciphertext (cvm-model 3.1): a line with enc=1 of a guest ASID was
 * filled through that ASID's key, so its bytes are DRAM decrypted with it (`dec:<asid>:`, what
 * vmscope/memoryPair reads beside DRAM). A line with enc=0 (the host's, or a guest's shared page)
 * went through no key: its bytes are DRAM's as they are (`phys:`, a plain readMemory, which also
 * works on machines without the confidential-VM hardware, where memoryPair answers ERR.noCvm).
 */
import { MEMORY_PAIR, physRef, type CacheLineState, type MemoryPairArguments, type MemoryPairResponse } from '../../adapter/protocol';
import type { LineDetail, LineQuery, SelectedLine } from './line-detail-protocol';

export const BLOCK = 16;
const hex8 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The query for a line of a cache with `size`-byte lines. */
export function queryOf(line: Pick<CacheLineState, 'pa' | 'asid' | 'enc'>, size: number): LineQuery {
  return { pa: line.pa >>> 0, asid: line.asid, enc: line.enc === 1 ? 1 : 0, size };
}

/** Whether the line's bytes came through a key: enc=1 under a guest ASID (ASID 0, the host, has none). */
export const throughKey = (q: LineQuery): boolean => q.enc === 1 && q.asid > 0;

/** The request that reads a line's bytes. */
export type ReadPlan =
  | { command: typeof MEMORY_PAIR; args: MemoryPairArguments }
  | { command: 'readMemory'; args: { memoryReference: string; count: number } };

export function readPlan(q: LineQuery): ReadPlan {
  if (throughKey(q)) return { command: MEMORY_PAIR, args: { memoryReference: `dec:${q.asid}:${hex8(q.pa)}`, length: q.size } };
  return { command: 'readMemory', args: { memoryReference: physRef(q.pa), count: q.size } };
}

/** The detail from vmscope/memoryPair's answer for `dec:<asid>:<pa>`, or why it does not cover the line. */
export function detailFromPair(q: LineQuery, pair: MemoryPairResponse): LineDetail | string {
  const unmapped = pair.pages.find((p) => p.view === 'unmapped');
  if (unmapped) return `${hex8(q.pa)}: ${unmapped.reason ?? 'not in RAM'}`;
  if (pair.blocks.length !== q.size / BLOCK || pair.blocks.some((b, i) => b.pa >>> 0 !== q.pa + i * BLOCK)) {
    return `the adapter answered ${pair.blocks.length} blocks from ${hex8(pair.blocks[0]?.pa ?? pair.address)}, not the ${q.size / BLOCK} of the line at ${hex8(q.pa)}`;
  }
  const d: LineDetail = {
    ...q, memoryReference: pair.memoryReference, decrypted: pair.keyBound, nodbg: pair.nodbg,
    blocks: pair.blocks.map((b, i) => ({ offset: i * BLOCK, plaintext: b.plaintext.toLowerCase(), ciphertext: b.ciphertext.toLowerCase() })),
  };
  if (pair.fingerprint !== undefined) d.fingerprint = pair.fingerprint;
  if (pair.note !== undefined) d.note = pair.note;
  return d;
}

const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The detail of an unencrypted line from DRAM's bytes (readMemory of `phys:<pa>`): both sides the same. */
export function detailFromDram(q: LineQuery, bytes: Uint8Array): LineDetail | string {
  if (bytes.length < q.size) return `only ${bytes.length} of the line's ${q.size} bytes at ${hex8(q.pa)} are readable RAM`;
  const blocks = [];
  for (let o = 0; o < q.size; o += BLOCK) {
    const h = toHex(bytes.subarray(o, o + BLOCK));
    blocks.push({ offset: o, plaintext: h, ciphertext: h });
  }
  return { ...q, memoryReference: physRef(q.pa), decrypted: false, nodbg: false, blocks };
}

/** One block compared: bit i of `mask` set when byte i differs between the cache and DRAM. */
export interface BlockDiff {
  offset: number;
  differs: boolean;
  mask: number;
}

export function blockBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

export function diffBlocks(d: LineDetail): BlockDiff[] {
  return d.blocks.map((b) => {
    const p = blockBytes(b.plaintext);
    const c = blockBytes(b.ciphertext);
    let mask = 0;
    for (let i = 0; i < BLOCK; i++) if (p[i] !== c[i]) mask |= 1 << i;
    return { offset: b.offset, differs: mask !== 0, mask };
  });
}

/** How the two sides relate: through a key, or the same bytes (and why). */
export type LineKind = 'encrypted' | 'unencrypted' | 'host' | 'no-key';

export function kindOf(d: LineDetail): LineKind {
  if (d.decrypted) return 'encrypted';
  if (throughKey(d)) return 'no-key';
  return d.asid === 0 ? 'host' : 'unencrypted';
}

/** The sentence above the blocks: plainly, whether the line is encrypted and what differs. */
export function summaryOf(d: LineDetail, name: (asid: number) => string): string {
  const n = d.blocks.length;
  const differ = diffBlocks(d).filter((b) => b.differs).length;
  const who = `ASID ${d.asid} (${name(d.asid)})`;
  switch (kindOf(d)) {
    case 'encrypted': {
      const key = d.fingerprint ? `, key ${d.fingerprint}` : '';
      const count = differ === n ? `all ${n} blocks differ` : `${differ} of ${n} blocks differ`;
      return `Encrypted line (enc=1): the cache holds the plaintext ${who} reads, DRAM holds it encrypted with that ASID's key${key}: ${count}.`;
    }
    case 'no-key':
      return `Unencrypted: the line is tagged enc=1, but ${who} has no key bound, so its guest runs unencrypted: the cache and DRAM hold the same bytes.`;
    case 'host':
      return 'Unencrypted line (enc=0, the host: ASID 0 has no key): the cache and DRAM hold the same bytes.';
    case 'unencrypted':
      return `Unencrypted line (enc=0: ${who} filled it through no key, from a shared page or on a machine without memory encryption): the cache and DRAM hold the same bytes.`;
  }
}

/** A dirty encrypted line's caveat: its newest bytes are not in DRAM yet (emulator/cvm/README.md, "Caches hold data"). */
export function dirtyNote(d: LineDetail, dirty: boolean): string | undefined {
  if (!dirty || !d.decrypted) return undefined;
  return 'Dirty: the cache has bytes DRAM does not have yet; until the write-back encrypts them into DRAM, its ciphertext may be of what was there before.';
}

// ---- Following the selected line from stop to stop. ----

/** Where the selection is in a cache's new state. */
export interface Followed {
  set: number;
  way: number;
  /** The line at (set, way) now; undefined for an invalid slot. */
  line?: CacheLineState;
  /** The line that was selected and is no longer in the cache (evicted or invalidated). */
  gone?: SelectedLine;
}

const sameTag = (l: CacheLineState, s: SelectedLine): boolean => l.pa >>> 0 === s.pa >>> 0 && l.asid === s.asid && l.enc === s.enc;

/**
 * The selected slot in `lines` (a cache's valid lines): the selected line where it is now (its slot,
 * or another way of its set when it was evicted and filled again), else gone, with the slot's line
 * now. Without a remembered tag (`sel` undefined), whatever is in the slot.
 */
export function follow(lines: readonly CacheLineState[], slot: { set: number; way: number }, sel: SelectedLine | undefined): Followed {
  const at = lines.find((l) => l.set === slot.set && l.way === slot.way);
  if (sel === undefined) return { ...slot, ...(at ? { line: at } : {}) };
  if (at && sameTag(at, sel)) return { ...slot, line: at };
  const moved = lines.find((l) => l.set === sel.set && sameTag(l, sel));
  if (moved) return { set: moved.set, way: moved.way, line: moved };
  return { ...slot, ...(at ? { line: at } : {}), gone: sel };
}

/** The notice for a selected line that has gone. */
export function goneText(g: SelectedLine, cache: string, now: CacheLineState | undefined, name: (asid: number) => string): string {
  const was = `The line you selected (${hex8(g.pa)}, ASID ${g.asid}, enc=${g.enc}) is no longer in ${cache}: it was evicted or invalidated after stop ${g.stop}.`;
  const slot = now ? `Set ${g.set} way ${g.way} now holds ${hex8(now.pa)} of ASID ${now.asid} (${name(now.asid)}).` : `Set ${g.set} way ${g.way} is now invalid.`;
  return `${was} ${slot}`;
}
