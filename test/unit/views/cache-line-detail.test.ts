/**
 * The cache view's line detail (media/cache-view/line-detail.ts, line-detail-view.ts and the host's
 * src/views/cache-line-detail.ts): which request reads a line, the detail built from the adapter's
 * answer (blocks compared, the unencrypted cases said plainly, the NODBG note kept), the errors, and
 * the selection following its line from stop to stop.
 */
import { describe, expect, it, vi } from 'vitest';
import type { CacheLineState, CacheState, MemoryPairResponse } from '../../../adapter/protocol';
import {
  detailFromDram, detailFromPair, diffBlocks, dirtyNote, follow, goneText, kindOf, queryOf, readPlan, summaryOf,
} from '../../../media/cache-view/line-detail';
import type { LineQuery, SelectedLine } from '../../../media/cache-view/line-detail-protocol';
import { bytesSection, detailPane, hexWords, textOf } from '../../../media/cache-view/line-detail-view';
import { answerLineDetail, readLine } from '../../../src/views/cache-line-detail';

const name = (asid: number): string => (asid === 0 ? 'host' : asid === 1 ? 'cvm-guest' : `VMID ${asid}`);
const PA = 0x8000e000;
const enc1: LineQuery = { pa: PA, asid: 1, enc: 1, size: 64 };
const hexOf = (s: string): string => Buffer.from(s.padEnd(16, '\0')).toString('hex');
const SECRET = ['vault code 0451,', ' tell no one', '', ''];
const CIPHER = ['21b64229e2b58cce509324b10e73a8cf', '2fcf657d0ad2bddc3911708c411df360', 'aa'.repeat(16), 'bb'.repeat(16)];

function pair(over: Partial<MemoryPairResponse> = {}): MemoryPairResponse {
  return {
    asid: 1, keyBound: true, fingerprint: 'c5c0aa097a22ac9f', memoryReference: `dec:1:0x${PA.toString(16)}`, address: PA, length: 64,
    blocks: SECRET.map((s, i) => ({ address: PA + 16 * i, pa: PA + 16 * i, plaintext: hexOf(s), ciphertext: CIPHER[i]! })),
    pages: [{ address: PA, pa: PA, enc: null, view: 'private' }], view: 'private', nodbg: false, ...over,
  };
}

describe('reading a line', () => {
  it('reads an encrypted line of a guest through its key, beside DRAM (vmscope/memoryPair dec:)', () => {
    expect(readPlan(enc1)).toEqual({ command: 'vmscope/memoryPair', args: { memoryReference: 'dec:1:0x8000e000', length: 64 } });
  });

  it('reads an unencrypted line (enc=0, or the host) as DRAM holds it (readMemory phys:)', () => {
    for (const q of [{ ...enc1, enc: 0 as const }, { ...enc1, asid: 0 }, { ...enc1, asid: 0, enc: 0 as const }]) {
      expect(readPlan(q)).toEqual({ command: 'readMemory', args: { memoryReference: 'phys:0x8000e000', count: 64 } });
    }
  });

  it('takes the query from a grid line and its cache\'s line size', () => {
    const l: CacheLineState = { set: 0, way: 1, pa: 0x8000e000, asid: 1, enc: 1, dirty: true, age: 0 };
    expect(queryOf(l, 32)).toEqual({ pa: PA, asid: 1, enc: 1, size: 32 });
    expect(queryOf({ ...l, enc: 7 }, 32).enc).toBe(0);
  });
});

describe('the detail of an encrypted line', () => {
  it('has the cache\'s plaintext beside DRAM\'s ciphertext, every block differing', () => {
    const d = detailFromPair(enc1, pair());
    if (typeof d === 'string') throw new Error(d);
    expect(d.decrypted).toBe(true);
    expect(d.blocks.map((b) => b.offset)).toEqual([0, 16, 32, 48]);
    expect(Buffer.from(d.blocks[0]!.plaintext, 'hex').toString()).toBe('vault code 0451,');
    expect(diffBlocks(d).map((b) => b.differs)).toEqual([true, true, true, true]);
    expect(kindOf(d)).toBe('encrypted');
    expect(summaryOf(d, name)).toBe("Encrypted line (enc=1): the cache holds the plaintext ASID 1 (cvm-guest) reads, DRAM holds it encrypted with that ASID's key, key c5c0aa097a22ac9f: all 4 blocks differ.");
  });

  it('marks only the blocks and bytes that differ', () => {
    const p = pair();
    p.blocks[2]!.ciphertext = p.blocks[2]!.plaintext;
    p.blocks[3]!.ciphertext = `${p.blocks[3]!.plaintext.slice(0, 30)}ff`;
    const d = detailFromPair(enc1, p);
    if (typeof d === 'string') throw new Error(d);
    const diffs = diffBlocks(d);
    expect(diffs.map((b) => b.differs)).toEqual([true, true, false, true]);
    expect(diffs[3]!.mask).toBe(1 << 15);
    expect(diffs[2]!.mask).toBe(0);
    expect(summaryOf(d, name)).toMatch(/: 3 of 4 blocks differ\.$/);
    const html = bytesSection({ state: 'shown', detail: d }, false, name);
    expect(html.match(/<tr class="differs"/g)).toHaveLength(3);
    expect(html).toContain('<tr class="same" data-offset="32" data-differs="false">');
  });

  it('keeps the NODBG note and shows it as a warning', () => {
    const note = 'ASID 1 (policy NODBG): a real hypervisor could not show this plaintext';
    const d = detailFromPair(enc1, pair({ nodbg: true, note }));
    if (typeof d === 'string') throw new Error(d);
    expect(d.nodbg).toBe(true);
    expect(d.note).toBe(note);
    const html = bytesSection({ state: 'shown', detail: d }, false, name);
    expect(html).toContain('<p class="note nodbg"><span class="codicon codicon-warning"></span> NODBG: ASID 1 (policy NODBG)');
  });

  it('says when a dirty encrypted line is newer than DRAM', () => {
    const d = detailFromPair(enc1, pair()) as Exclude<ReturnType<typeof detailFromPair>, string>;
    expect(dirtyNote(d, true)).toMatch(/^Dirty: the cache has bytes DRAM does not have yet/);
    expect(dirtyNote(d, false)).toBeUndefined();
  });
});

describe('the unencrypted cases, said plainly', () => {
  it('a host line: both sides the same bytes', () => {
    const q: LineQuery = { pa: PA, asid: 0, enc: 0, size: 32 };
    const d = detailFromDram(q, new Uint8Array(Buffer.from('hello from the hypervisor, 0123!')));
    if (typeof d === 'string') throw new Error(d);
    expect(d.memoryReference).toBe('phys:0x8000e000');
    expect(d.blocks.every((b) => b.plaintext === b.ciphertext)).toBe(true);
    expect(diffBlocks(d).some((b) => b.differs)).toBe(false);
    expect(kindOf(d)).toBe('host');
    expect(summaryOf(d, name)).toBe('Unencrypted line (enc=0, the host: ASID 0 has no key): the cache and DRAM hold the same bytes.');
    expect(dirtyNote(d, true)).toBeUndefined();
    const html = bytesSection({ state: 'shown', detail: d }, false, name);
    expect(html).toContain('data-kind="host"');
    expect(html).not.toContain('class="differs"');
    expect(html).toContain('<th scope="col">Cache</th>');
  });

  it('a guest\'s shared line (enc=0)', () => {
    const d = detailFromDram({ pa: PA, asid: 1, enc: 0, size: 16 }, new Uint8Array(16));
    if (typeof d === 'string') throw new Error(d);
    expect(kindOf(d)).toBe('unencrypted');
    expect(summaryOf(d, name)).toBe('Unencrypted line (enc=0: ASID 1 (cvm-guest) filled it through no key, from a shared page or on a machine without memory encryption): the cache and DRAM hold the same bytes.');
  });

  it('an enc=1 line of an ASID with no key bound', () => {
    const p = pair({ keyBound: false, fingerprint: undefined, note: 'ASID 1 has no key bound: its guest runs unencrypted' });
    for (const b of p.blocks) b.ciphertext = b.plaintext;
    const d = detailFromPair(enc1, p);
    if (typeof d === 'string') throw new Error(d);
    expect(kindOf(d)).toBe('no-key');
    expect(summaryOf(d, name)).toMatch(/has no key bound, so its guest runs unencrypted: the cache and DRAM hold the same bytes\.$/);
    expect(d.note).toContain('no key bound');
  });
});

describe('errors', () => {
  it('a line outside RAM, a short read, an answer for other bytes', () => {
    expect(detailFromPair(enc1, pair({ blocks: [], pages: [{ address: PA, enc: null, view: 'unmapped', reason: '0x8000e000 is not in RAM' }] }))).toBe('0x8000e000: 0x8000e000 is not in RAM');
    expect(detailFromDram({ pa: PA, asid: 0, enc: 0, size: 64 }, new Uint8Array(10))).toBe("only 10 of the line's 64 bytes at 0x8000e000 are readable RAM");
    expect(detailFromPair(enc1, pair({ blocks: pair().blocks.slice(1) }))).toMatch(/^the adapter answered 3 blocks from 0x8000e010, not the 4 of the line at 0x8000e000$/);
  });

  it('the host passes the adapter\'s error on, with the reference it asked for', async () => {
    const request = vi.fn(() => Promise.reject(new Error("'vmscope/memoryPair' needs the confidential-VM hardware")));
    expect(await readLine(request, enc1)).toBe("dec:1:0x8000e000: 'vmscope/memoryPair' needs the confidential-VM hardware");
    expect(await readLine(() => Promise.resolve(undefined), enc1)).toBe('dec:1:0x8000e000: the adapter answered vmscope/memoryPair without a body');
    expect(await readLine(() => Promise.resolve({}), enc1)).toBe("dec:1:0x8000e000: the adapter's vmscope/memoryPair answer has no blocks");
    expect(await answerLineDetail(request, { type: 'lineDetail', id: 7, ...enc1 }, 3)).toEqual({ type: 'lineDetail', id: 7, stop: 3, error: expect.stringContaining('confidential-VM') });
  });

  it('the pane shows a loading line and an error', () => {
    expect(bytesSection({ state: 'loading' }, false, name)).toContain("Reading the line's bytes...");
    expect(bytesSection({ state: 'error', message: 'a <b>' }, false, name)).toContain("Cannot read the line's bytes: a &#60;b&#62;");
    expect(bytesSection({ state: 'none' }, false, name)).toBe('');
  });
});

describe('the host reads a line', () => {
  it('through memoryPair for an encrypted line', async () => {
    const request = vi.fn((_command: string, _args: unknown) => Promise.resolve(pair()));
    const r = await answerLineDetail(request, { type: 'lineDetail', id: 1, ...enc1 }, 5);
    expect(request).toHaveBeenCalledWith('vmscope/memoryPair', { memoryReference: 'dec:1:0x8000e000', length: 64 });
    expect(r).toMatchObject({ type: 'lineDetail', id: 1, stop: 5, detail: { pa: PA, asid: 1, enc: 1, decrypted: true } });
  });

  it('through readMemory (base64) for an unencrypted one', async () => {
    const data = Buffer.from('0123456789abcdef'.repeat(4)).toString('base64');
    const request = vi.fn((_command: string, _args: unknown) => Promise.resolve({ address: '0x8000e000', data }));
    const d = await readLine(request, { pa: PA, asid: 0, enc: 0, size: 64 });
    expect(request).toHaveBeenCalledWith('readMemory', { memoryReference: 'phys:0x8000e000', count: 64 });
    if (typeof d === 'string') throw new Error(d);
    expect(textOf(d.blocks[3]!.plaintext)).toBe('0123456789abcdef');
    expect(hexWords(d.blocks[0]!.plaintext)).toBe('30313233 34353637 38396162 63646566');
    expect(await readLine(() => Promise.resolve({ address: '0x8000e000', unreadableBytes: 64 }), { pa: PA, asid: 0, enc: 0, size: 64 })).toBe("only 0 of the line's 64 bytes at 0x8000e000 are readable RAM");
  });
});

describe('the selection follows its line from stop to stop', () => {
  const line = (set: number, way: number, pa: number, asid = 1): CacheLineState => ({ set, way, pa, asid, enc: 1, dirty: false });
  const sel: SelectedLine = { set: 3, way: 1, pa: 0x800000c0, asid: 1, enc: 1, stop: 4 };

  it('stays on the line while it is in its slot, adopts the slot\'s line when no tag is known', () => {
    const lines = [line(3, 1, 0x800000c0), line(3, 0, 0x800010c0)];
    expect(follow(lines, { set: 3, way: 1 }, sel)).toEqual({ set: 3, way: 1, line: lines[0] });
    expect(follow(lines, { set: 3, way: 0 }, undefined)).toEqual({ set: 3, way: 0, line: lines[1] });
    expect(follow(lines, { set: 5, way: 0 }, undefined)).toEqual({ set: 5, way: 0 });
  });

  it('finds it in another way of its set when it was evicted and filled again', () => {
    const lines = [line(3, 1, 0x800020c0), line(3, 2, 0x800000c0)];
    expect(follow(lines, { set: 3, way: 1 }, sel)).toEqual({ set: 3, way: 2, line: lines[1] });
  });

  it('says when it has gone, and what the slot holds now', () => {
    const other = line(3, 1, 0x800000c0, 0);
    const f = follow([other], { set: 3, way: 1 }, sel);
    expect(f).toEqual({ set: 3, way: 1, line: other, gone: sel });
    expect(goneText(sel, 'hart0.l1d', other, name)).toBe('The line you selected (0x800000c0, ASID 1, enc=1) is no longer in hart0.l1d: it was evicted or invalidated after stop 4. Set 3 way 1 now holds 0x800000c0 of ASID 0 (host).');
    expect(goneText(sel, 'llc', undefined, name)).toMatch(/Set 3 way 1 is now invalid\.$/);
    // The pane: the notice and the slot's tag, no bytes.
    const cache: CacheState = { name: 'hart0.l1d', level: 'l1d', hart: 0, sets: 4, ways: 2, line: 64, replacement: 'lru', lines: [other], stats: {} };
    const html = detailPane({ cache, sel: f, changed: true, bytes: { state: 'loading' }, stop: 5, name });
    expect(html).toContain('class="gone"');
    expect(html).toContain('<dd>0 (host)</dd>');
    expect(html).not.toContain('line-bytes');
  });
});
