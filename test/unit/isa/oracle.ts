/**
 * Oracle listings: what binutils 2.40's objdump prints for a list of parcels, reduced to lines
 * `hex<TAB>mnemonic operands` (objdump's tab after the mnemonic becomes one space), kept as gzipped
 * fixtures so the comparisons run without the toolchain. Parcels sit back to back from address 0 in
 * .text of an object file, so objdump's symbol suffixes read `<.text+0x…>`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { insnSource } from './corpus';
import { assemble, objdump, parseObjdump, tmpDir } from './toolchain';

export const FIXTURES = path.join(__dirname, 'fixtures');

export interface Line {
  addr: number;
  raw: number;
  text: string;
}

/** objdump -d of `words` emitted with .insn, as lines. */
export function oracleListing(words: number[], extra: string[] = []): Line[] {
  const obj = assemble(insnSource(words), tmpDir(), 'corpus');
  return parseObjdump(objdump(obj, extra)).map((l) => ({ addr: l.addr, raw: parseInt(l.hex, 16), text: l.text }));
}

export function formatListing(lines: Line[], stripSymbols = false): string {
  return lines.map((l) => {
    const text = stripSymbols ? l.text.replace(/ <[^>]*>/g, '') : l.text;
    return `${l.raw.toString(16).padStart((l.raw & 3) === 3 ? 8 : 4, '0')}\t${text}`;
  }).join('\n') + '\n';
}

/** Parse a fixture back into lines (addresses recomputed from the parcel lengths). */
export function parseListing(text: string): Line[] {
  const out: Line[] = [];
  let addr = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const raw = parseInt(line.slice(0, tab), 16);
    out.push({ addr, raw, text: line.slice(tab + 1) });
    addr += (raw & 3) === 3 ? 4 : 2;
  }
  return out;
}

export function readFixture(name: string): string {
  const data = fs.readFileSync(path.join(FIXTURES, name));
  return name.endsWith('.gz') ? zlib.gunzipSync(data).toString('utf8') : data.toString('utf8');
}

/** Write a fixture when VMSCOPE_UPDATE_FIXTURES is set (used by the live tests). */
export function maybeUpdateFixture(name: string, text: string): void {
  if (!process.env.VMSCOPE_UPDATE_FIXTURES) return;
  const file = path.join(FIXTURES, name);
  fs.writeFileSync(file, name.endsWith('.gz') ? zlib.gzipSync(text, { level: 9 }) : text);
}

/** Symbolizer matching objdump on an object whose only symbol is the .text section at 0. */
export const textSymbolizer = (a: number): string => (a === 0 ? '.text' : `.text+0x${a.toString(16)}`);
