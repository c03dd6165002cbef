/**
 * The memory view's model and markup (media/memory-view/model.ts, render.ts): which bytes changed
 * since the previous stop (plaintext and ciphertext apart), when a diff means nothing (another range),
 * paging and the ASID selector in every address space, and the highlighted bytes in the table.
 */
import { describe, expect, it } from 'vitest';
import type { MemoryPairBlock, MemoryPairPage, MemoryPairResponse } from '../../../adapter/protocol';
import { changedBytes, countChanged, diffMask, pageRequest, rangeKey, textOf, withAsid } from '../../../media/memory-view/model';
import { describePage, describeRmp, hexCells, pairsLegend, pairsTable, summary, textCells } from '../../../media/memory-view/render';

const SECRET = Buffer.from('vault code 0451, tell no one\0\0\0\0').toString('hex');
const zero = '00'.repeat(16);

function block(address: number, plaintext: string, ciphertext: string, pa = address + 0xd000): MemoryPairBlock {
  return { address, pa, plaintext, ciphertext };
}

function pair(blocks: MemoryPairBlock[], over: Partial<MemoryPairResponse> = {}): MemoryPairResponse {
  const page: MemoryPairPage = { address: 0x80001000, pa: 0x8000e000, gpa: 0x80001000, enc: 1, view: 'private' };
  return {
    asid: 1, keyBound: true, fingerprint: 'c5c0aa097a22ac9f', memoryReference: 'gpa:1:0x80001000', address: 0x80001000, length: blocks.length * 16,
    blocks, pages: [page], view: 'private', nodbg: false, ...over,
  };
}

describe('changed bytes since the previous stop', () => {
  const before = pair([block(0x80001000, zero, 'aa'.repeat(16)), block(0x80001010, zero, 'bb'.repeat(16))]);

  it('marks each changed byte of the plaintext and of the ciphertext apart', () => {
    const after = pair([block(0x80001000, SECRET.slice(0, 32), 'aa'.repeat(15) + 'ab'), block(0x80001010, zero, 'bb'.repeat(16))]);
    const c = changedBytes(before, after)!;
    expect(c).toHaveLength(2);
    expect(c[0]).toEqual({ plain: 0xffff, cipher: 0x8000 });
    expect(c[1]).toEqual({ plain: 0, cipher: 0 });
    expect(countChanged(c, 'plain')).toBe(16);
    expect(countChanged(c, 'cipher')).toBe(1);
  });

  it('compares bytes, not hex spelling', () => {
    expect(diffMask('AB'.repeat(16), 'ab'.repeat(16))).toBe(0);
    expect(diffMask(zero, `01${'00'.repeat(14)}ff`)).toBe(0x8001);
  });

  it('has nothing to say about another range, another ASID, or no previous stop', () => {
    const same = pair(before.blocks);
    expect(changedBytes(undefined, same)).toBeNull();
    expect(changedBytes(before, pair(before.blocks, { asid: 2 }))).toBeNull();
    expect(changedBytes(before, pair(before.blocks, { memoryReference: 'gpa:1:0x80002000' }))).toBeNull();
    expect(changedBytes(before, pair(before.blocks.slice(0, 1), { length: 16 }))).toBeNull();
    expect(rangeKey(before)).toBe(rangeKey(same));
    expect(changedBytes(before, same)).toEqual([{ plain: 0, cipher: 0 }, { plain: 0, cipher: 0 }]);
  });

  it('counts a block that was not there, or now comes from another physical page (remapped), as all changed', () => {
    const remapped = pair([block(0x80001000, zero, 'aa'.repeat(16), 0x80020000), block(0x80001010, zero, 'bb'.repeat(16))]);
    expect(changedBytes(before, remapped)![0]).toEqual({ plain: 0xffff, cipher: 0xffff });
    const shorter = pair([before.blocks[1]!, block(0x80001000, zero, 'aa'.repeat(16))]);
    expect(changedBytes({ ...before, blocks: [before.blocks[1]!, block(0x80001020, zero, zero)] }, shorter)![1]).toEqual({ plain: 0xffff, cipher: 0xffff });
  });
});

describe('paging and the ASID selector', () => {
  it('pages by the length in the reference\'s own space, clamped to 32 bits', () => {
    expect(pageRequest({ memoryReference: 'gpa:1:0x80001000', length: 256 }, 1)).toEqual({ memoryReference: 'gpa:1:0x80001100', length: 256 });
    expect(pageRequest({ memoryReference: 'gpa:1:shared:0x80400000', length: 4096, asid: 1 }, -1)).toEqual({ memoryReference: 'gpa:1:shared:0x803ff000', length: 4096, asid: 1 });
    expect(pageRequest({ memoryReference: 'va:0:0x100', length: 1024 }, -1)).toEqual({ memoryReference: 'va:0:0x00000000', length: 1024 });
    expect(pageRequest({ memoryReference: '0xffffff00', length: 1024 }, 1)).toEqual({ memoryReference: 'phys:0xfffffc00', length: 1024 });
    expect(pageRequest({ memoryReference: 'dec:2:0x8000e000', length: 16 }, 1)).toEqual({ memoryReference: 'dec:2:0x8000e010', length: 16 });
    expect(pageRequest({ memoryReference: 'nonsense', length: 16 }, 1)).toMatch(/not a memory reference/);
  });

  it('moves gpa: and dec: references to the chosen ASID and passes it with phys: and va:', () => {
    const len = 256;
    expect(withAsid({ memoryReference: 'gpa:1:0x80001000', length: len }, 2)).toEqual({ memoryReference: 'gpa:2:0x80001000', length: len });
    expect(withAsid({ memoryReference: 'gpa:1:shared:0x80400000', length: len }, 3)).toEqual({ memoryReference: 'gpa:3:shared:0x80400000', length: len });
    expect(withAsid({ memoryReference: 'dec:1:0x8000e000', length: len }, 4)).toEqual({ memoryReference: 'dec:4:0x8000e000', length: len });
    expect(withAsid({ memoryReference: 'phys:0x8000e000', length: len }, 1)).toEqual({ memoryReference: 'phys:0x8000e000', length: len, asid: 1 });
    expect(withAsid({ memoryReference: 'va:0:0x80001000', length: len, asid: 1 }, 2)).toEqual({ memoryReference: 'va:0:0x80001000', length: len, asid: 2 });
    expect(withAsid({ memoryReference: 'phys:0x8000e000', length: len, asid: 1 }, undefined)).toEqual({ memoryReference: 'phys:0x8000e000', length: len });
    expect(withAsid({ memoryReference: 'phys:0x8000e000', length: len }, 0)).toMatch(/not a guest ASID/);
    expect(withAsid({ memoryReference: 'phys:0x8000e000', length: len }, 128)).toMatch(/not a guest ASID/);
  });
});

describe('the table', () => {
  it('shows plaintext beside ciphertext as hex and text, changed bytes marked', () => {
    expect(hexCells(SECRET.slice(0, 32), 0)).toBe('76 61 75 6c 74 20 63 6f  64 65 20 30 34 35 31 2c');
    expect(hexCells(zero, 0b11)).toBe('<span class="chg">00</span> <span class="chg">00</span> 00 00 00 00 00 00  00 00 00 00 00 00 00 00');
    expect(textCells(SECRET.slice(0, 32), 1 << 15)).toBe('vault code 0451<span class="chg">,</span>');
    expect(textCells(Buffer.from('<a&b>"\'\x01').toString('hex').padEnd(32, '0'), 0)).toBe('&#60;a&#38;b&#62;&#34;&#39;\u00b7' + '\u00b7'.repeat(8));
    expect(textOf(SECRET.slice(32, 64))).toBe(' tell no one\u00b7\u00b7\u00b7\u00b7');
  });

  it('has a row per block and a line per page, and says when changes are not known', () => {
    const p = pair([block(0x80001000, SECRET.slice(0, 32), '21b64229e2b58cce509324b10e73a8cf'), block(0x80001010, zero, zero)]);
    const html = pairsTable(p, [{ plain: 0xffff, cipher: 0xffff }, { plain: 0, cipher: 0 }]);
    expect(html.match(/<tr class="[^"]*" data-address=/g)).toHaveLength(2);
    expect(html).toContain('gpa:1:0x80001000, phys 0x8000e000, C-bit 1 (enc=1), private: decrypted with the key');
    expect(html).toContain('<tr class=" changed" data-address="2147487744">');
    expect(html).toContain('<tr class="same" data-address="2147487760">');
    expect(pairsLegend(p, [])).not.toContain('not known');
    expect(pairsLegend(p, null)).toContain('not known here: the previous stop did not show this range');
    expect(summary(p, null)).toMatch(/^gpa:1:0x80001000, 32 bytes \(2 blocks of 16\), private; ASID 1, key c5c0aa097a22ac9f\. Changes are marked from the next stop on\.$/);
    expect(summary(p, [{ plain: 1, cipher: 3 }, { plain: 0, cipher: 0 }])).toContain('1 plaintext byte and 2 ciphertext bytes changed');
  });

  it('describes unmapped and shared pages, and the RMP entry when the machine has one', () => {
    expect(describePage({ address: 0x1000, enc: null, view: 'unmapped', reason: 'no VS-stage mapping' }, 'va:0:')).toBe('va:0:0x00001000: unmapped: no VS-stage mapping');
    const shared: MemoryPairPage = { address: 0x80400000, pa: 0x8001d000, gpa: 0x80400000, enc: 0, view: 'shared' };
    expect(describePage(shared, 'va:0:')).toBe('va:0:0x80400000, phys 0x8001d000, GPA 0x80400000, C-bit 0 (enc=0), shared: DRAM as it is, RMP: none on this machine (no "integrity" feature)');
    const page: MemoryPairPage = { address: 0x80004000, pa: 0x8004c000, gpa: 0x80005000, enc: 1, view: 'private' };
    expect(describeRmp({ assigned: false, asid: 0, gpa: 0, validated: false, immutable: false }, page)).toBe('RMP: hypervisor-owned (not assigned)');
    expect(describeRmp({ assigned: true, asid: 4, gpa: 0x80005000, validated: true, immutable: false }, page)).toBe('RMP: assigned to ASID 4 at GPA 0x80005000, validated');
    expect(describeRmp({ assigned: true, asid: 4, gpa: 0x80004000, validated: false, immutable: true }, page))
      .toBe('RMP: assigned to ASID 4 at GPA 0x80004000 (the walk says GPA 0x80005000: an access here faults), not validated, immutable');
  });
});
