/**
 * The memory view as markup (plain strings; main.ts wires the form): per 16-byte block the guest's
 * plaintext beside DRAM's ciphertext, hex and text, the bytes changed since the previous stop marked,
 * a line per page (system-physical address, GPA, C-bit, private / shared, RMP entry), and the notes
 * (NODBG, no key). No DOM here, so the unit tests read it as it is.
 */
import { formatSpace, parseMemoryReference, type MemoryPairPage, type MemoryPairResponse, type RmpEntryState } from '../../adapter/protocol';
import type { BlockChange } from '../protocol';
import { blockBytes, BLOCK, countChanged, printable } from './model';

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hex8 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const PAGE = 4096;

/** The bytes of a block as hex, a gap after 8, changed ones (bit i of `mask`) in a marked span. */
export function hexCells(hex: string, mask: number): string {
  return blockBytes(hex).map((b, i) => {
    const t = b.toString(16).padStart(2, '0');
    return `${i === 8 ? ' ' : ''}${mask & (1 << i) ? `<span class="chg">${t}</span>` : t}`;
  }).join(' ');
}

/** The bytes of a block as text (printable ASCII, else a dot), changed ones marked. */
export function textCells(hex: string, mask: number): string {
  return blockBytes(hex).map((b, i) => {
    const c = esc(printable(b));
    return mask & (1 << i) ? `<span class="chg">${c}</span>` : c;
  }).join('');
}

export function describeRmp(e: RmpEntryState | undefined, p: MemoryPairPage): string {
  if (e === undefined) return p.pa === undefined ? '' : 'RMP: none on this machine (no "integrity" feature)';
  if (!e.assigned) return 'RMP: hypervisor-owned (not assigned)';
  const flags = [e.validated ? 'validated' : 'not validated', ...(e.immutable ? ['immutable'] : [])].join(', ');
  const gpaNote = p.gpa !== undefined && (p.gpa - (p.gpa % PAGE)) !== e.gpa ? ` (the walk says GPA ${hex8(p.gpa - (p.gpa % PAGE))}: an access here faults)` : '';
  return `RMP: assigned to ASID ${e.asid} at GPA ${hex8(e.gpa)}${gpaNote}, ${flags}`;
}

/** One line about a page of the range. */
export function describePage(p: MemoryPairPage, prefix: string): string {
  if (p.view === 'unmapped') return `${prefix}${hex8(p.address)}: unmapped${p.reason ? `: ${p.reason}` : ''}`;
  const parts = [`${prefix}${hex8(p.address)}`, `phys ${hex8(p.pa ?? 0)}`];
  if (p.gpa !== undefined && !prefix.startsWith('gpa:')) parts.push(`GPA ${hex8(p.gpa)}`);
  parts.push(p.enc === null ? 'C-bit not known here (read private)' : `C-bit ${p.enc} (enc=${p.enc})`);
  parts.push(p.view === 'private' ? 'private: decrypted with the key' : 'shared: DRAM as it is');
  const rmp = describeRmp(p.rmp, p);
  if (rmp) parts.push(rmp);
  return parts.join(', ');
}

/** The table of blocks, with a row per page start. */
export function pairsTable(pair: MemoryPairResponse, changed: readonly BlockChange[] | null): string {
  const ref = parseMemoryReference(pair.memoryReference);
  const prefix = typeof ref === 'string' ? '' : formatSpace(ref.space);
  const pages = [...pair.pages].sort((a, b) => a.address - b.address);
  const rows: string[] = [];
  let block = 0;
  for (const p of pages) {
    const end = Math.min(pair.address + pair.length, p.address - (p.address % PAGE) + PAGE);
    rows.push(`<tr class="page ${p.view}"><th colspan="5" scope="rowgroup">${esc(describePage(p, prefix))}</th></tr>`);
    if (p.view === 'unmapped') continue;
    for (; block < pair.blocks.length && pair.blocks[block]!.address < end; block++) {
      const b = pair.blocks[block]!;
      const c = changed?.[block] ?? { plain: 0, cipher: 0 };
      const same = b.plaintext === b.ciphertext;
      rows.push(`<tr class="${same ? 'same' : ''}${c.plain | c.cipher ? ' changed' : ''}" data-address="${b.address}">
        <th scope="row" class="addr" title="${esc(`${prefix}${hex8(b.address)} = phys ${hex8(b.pa)}`)}">${hex8(b.address)}</th>
        <td class="hex plain">${hexCells(b.plaintext, c.plain)}</td><td class="text plain">${textCells(b.plaintext, c.plain)}</td>
        <td class="hex cipher">${hexCells(b.ciphertext, c.cipher)}</td><td class="text cipher">${textCells(b.ciphertext, c.cipher)}</td>
      </tr>`);
    }
  }
  return `<table class="pairs" aria-describedby="pairs-legend">
    <thead><tr><th scope="col">address</th><th scope="col" colspan="2">plaintext: what the guest reads (ASID ${pair.asid})</th><th scope="col" colspan="2">ciphertext: what DRAM holds</th></tr></thead>
    <tbody>${rows.join('')}</tbody>
  </table>`;
}

/** The line below the table (kept out of it: the table scrolls sideways in a narrow view). */
export function pairsLegend(pair: MemoryPairResponse, changed: readonly BlockChange[] | null): string {
  return `<p id="pairs-legend" class="legend">Each row: 16 bytes as ASID ${pair.asid}'s guest reads them (plaintext) and as DRAM holds them (ciphertext). Marked bytes changed since the previous stop${changed === null ? ' (not known here: the previous stop did not show this range)' : ''}; dim rows are the same on both sides (shared or unencrypted).</p>`;
}

/** The line above the table: what is shown, and how much changed. */
export function summary(pair: MemoryPairResponse, changed: readonly BlockChange[] | null): string {
  const key = pair.keyBound ? `key ${pair.fingerprint ?? ''}`.trim() : 'no key bound';
  const what = `${pair.memoryReference}, ${pair.length} bytes (${pair.blocks.length} blocks of ${BLOCK}), ${pair.view}; ASID ${pair.asid}, ${key}`;
  if (changed === null) return `${what}. Changes are marked from the next stop on.`;
  const plain = countChanged(changed, 'plain');
  const cipher = countChanged(changed, 'cipher');
  return `${what}. Since the previous stop: ${plain} plaintext byte${plain === 1 ? '' : 's'} and ${cipher} ciphertext byte${cipher === 1 ? '' : 's'} changed.`;
}
