/**
 * The cache view's detail pane as markup (plain strings; main.ts wires it): the selected line's tag,
 * then its bytes per 16-byte block, what the cache holds (the plaintext its ASID sees) beside what
 * DRAM holds (ciphertext where the line is encrypted), blocks that differ highlighted, a sentence
 * saying plainly whether the line is encrypted, and the adapter's NODBG note. No DOM here.
 */
import type { CacheLineState } from '../../adapter/protocol';
import type { CacheState } from '../protocol';
import { blockBytes, diffBlocks, dirtyNote, goneText, kindOf, summaryOf, type Followed } from './line-detail';
import type { LineDetail } from './line-detail-protocol';
import { esc } from './plot';

const hex8 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** What the pane knows of the selected line's bytes. */
export type BytesState =
  | { state: 'none' }
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'shown'; detail: LineDetail };

export interface DetailContext {
  cache: CacheState;
  sel: Followed;
  /** The slot changed since the previous stop. */
  changed: boolean;
  bytes: BytesState;
  /** The stop shown (the bytes are read at it). */
  stop: number;
  name: (asid: number) => string;
}

function encText(l: CacheLineState): string {
  if (l.enc !== 1) return '0 (unencrypted)';
  return l.asid === 0 ? '1 (ASID 0 has no key)' : `1 (private: through ASID ${l.asid}'s key)`;
}

/** The tag rows of the line in the slot (or of an invalid slot). */
export function tagList(c: CacheState, set: number, way: number, l: CacheLineState | undefined, changed: boolean, name: (asid: number) => string): string {
  const rows: [string, string][] = l
    ? [['set / way', `${set} / ${way}`], ['physical address', hex8(l.pa)], ['tag', hex8(Math.floor(l.pa / (c.line * c.sets)))], ['ASID', `${l.asid} (${name(l.asid)})`], ['enc', encText(l)], ['dirty', l.dirty ? 'yes' : 'no'], ['LRU age', l.age === undefined ? '-' : `${l.age} (0 = most recent)`], ['changed', changed ? 'since the previous stop' : 'no']]
    : [['set / way', `${set} / ${way}`], ['valid', 'no'], ['changed', changed ? 'since the previous stop' : 'no']];
  return `<dl class="tag">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/** 16 bytes as hex in groups of four (a block fits beside another in a side column). */
export function hexWords(hex: string): string {
  return blockBytes(hex).map((b, i) => `${i > 0 && i % 4 === 0 ? ' ' : ''}${b.toString(16).padStart(2, '0')}`).join('');
}

export function textOf(hex: string): string {
  return esc(blockBytes(hex).map(printable).join(''));
}

/** The blocks: offset, the cache's bytes, DRAM's bytes; differing blocks highlighted. */
export function blocksTable(d: LineDetail): string {
  const diffs = diffBlocks(d);
  const rows = d.blocks.map((b, i) => {
    const { differs } = diffs[i]!;
    const mark = differs ? '<span aria-hidden="true">&ne;</span><span class="sr-only">differs</span>' : '<span aria-hidden="true">=</span><span class="sr-only">same</span>';
    return `<tr class="${differs ? 'differs' : 'same'}" data-offset="${b.offset}" data-differs="${differs}">
      <th scope="row" class="off" title="${esc(hex8(d.pa + b.offset))}">+${b.offset.toString(16).padStart(2, '0')}</th>
      <td class="plain"><div class="hex">${hexWords(b.plaintext)}</div><div class="text">${textOf(b.plaintext)}</div></td>
      <td class="mark">${mark}</td>
      <td class="cipher"><div class="hex">${hexWords(b.ciphertext)}</div><div class="text">${textOf(b.ciphertext)}</div></td>
    </tr>`;
  }).join('');
  const plainHead = d.decrypted ? `Cache: plaintext (ASID ${d.asid})` : 'Cache';
  const cipherHead = d.decrypted ? 'DRAM: ciphertext' : 'DRAM';
  return `<div class="pairs-wrap" tabindex="0" role="region" aria-label="the line's bytes"><table class="line-pairs">
    <caption class="sr-only">The line's ${d.blocks.length} blocks of 16 bytes: as the cache holds them beside DRAM.</caption>
    <thead><tr><th scope="col">offset</th><th scope="col">${plainHead}</th><th scope="col"><span class="sr-only">same or different</span></th><th scope="col">${cipherHead}</th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>`;
}

/** The bytes part of the pane. */
export function bytesSection(b: BytesState, dirty: boolean, name: (asid: number) => string, stop = 0): string {
  const head = '<h4>Bytes: the cache beside DRAM</h4>';
  switch (b.state) {
    case 'none': return '';
    case 'loading': return `<section class="line-bytes" data-state="loading">${head}<p class="muted"><span class="codicon codicon-loading codicon-modifier-spin"></span> Reading the line's bytes...</p></section>`;
    case 'error': return `<section class="line-bytes" data-state="error">${head}<p class="error" role="alert"><span class="codicon codicon-error"></span> Cannot read the line's bytes: ${esc(b.message)}</p></section>`;
    case 'shown': {
      const d = b.detail;
      const note = d.note ? `<p class="note${d.nodbg ? ' nodbg' : ''}">${d.nodbg ? '<span class="codicon codicon-warning"></span> NODBG: ' : ''}${esc(d.note)}</p>` : '';
      const dn = dirtyNote(d, dirty);
      return `<section class="line-bytes" data-state="shown" data-stop="${stop}" data-kind="${kindOf(d)}" data-ref="${esc(d.memoryReference)}">${head}
        <p class="line-summary">${esc(summaryOf(d, name))}</p>${note}
        ${blocksTable(d)}
        ${dn ? `<p class="muted">${esc(dn)}</p>` : ''}
        <p class="muted">Read as <code>${esc(d.memoryReference)}</code>${d.decrypted ? ' (DRAM decrypted with the key) beside <code>phys:</code> (DRAM as stored)' : ' (DRAM as stored)'}.</p>
      </section>`;
    }
  }
}

/** The whole pane: a notice when the selected line has gone, the tag, the bytes, the keys' help. */
export function detailPane(x: DetailContext): string {
  const { cache: c, sel } = x;
  const gone = sel.gone ? `<p class="gone" role="status"><span class="codicon codicon-warning"></span> ${esc(goneText(sel.gone, c.name, sel.line, x.name))} Select a line (click it, or Enter on it) to see its bytes.</p>` : '';
  return `<h3>Selected line</h3>${gone}${tagList(c, sel.set, sel.way, sel.line, x.changed, x.name)}
    ${sel.gone ? '' : bytesSection(x.bytes, sel.line?.dirty === true, x.name, x.stop)}
    <div class="keys">Arrow keys move, Home/End: first/last way, PageUp/PageDown: 16 sets; Enter or Space selects. Changed lines have an outline; dirty lines a corner mark; the line of a marked address a dashed frame.</div>`;
}
