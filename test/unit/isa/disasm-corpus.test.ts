/**
 * The disassembler against binutils 2.40 objdump over large corpora: structured and random instances of
 * every 32-bit OPCODES entry (plus unknown encodings and lui/auipc address sequences), and every 16-bit
 * parcel. Disassembly runs through one DisasmContext per listing, as objdump keeps its lui/auipc
 * tracking across a section. The listings are committed fixtures; with the toolchain on PATH they are
 * regenerated and must equal the fixtures (VMSCOPE_UPDATE_FIXTURES=1 rewrites them).
 */
import { describe, expect, it } from 'vitest';
import { decode } from '../../../emulator/isa/decode';
import { disassembleIn, newContext, type Symbolizer } from '../../../emulator/isa/disasm';
import { addressSequences, corpus16, corpus32 } from './corpus';
import {
  formatListing, maybeUpdateFixture, oracleListing, parseListing, readFixture, textSymbolizer, type Line,
} from './oracle';
import { HAS_TOOLCHAIN } from './toolchain';

const C32 = 'corpus32.objdump.txt.gz';
const C16 = 'corpus16.objdump.txt.gz';

function compare(lines: Line[], symbolize?: Symbolizer): string[] {
  const ctx = newContext(symbolize ? { symbolize, gnuOnly: true } : { gnuOnly: true });
  const bad: string[] = [];
  for (const l of lines) {
    const got = disassembleIn(decode(l.raw), l.addr, ctx);
    if (got !== l.text) bad.push(`${l.addr.toString(16)}: ${l.raw.toString(16)}: want '${l.text}' got '${got}'`);
  }
  return bad;
}

describe('disassembler vs objdump corpora', () => {
  it('32-bit corpus (committed fixture)', () => {
    const lines = parseListing(readFixture(C32));
    expect(lines.length).toBeGreaterThan(10000);
    expect(compare(lines, textSymbolizer).slice(0, 20)).toEqual([]);
  });

  it('every 16-bit parcel (committed fixture; symbol suffixes stripped)', () => {
    const lines = parseListing(readFixture(C16));
    expect(lines.length).toBe(49152);
    expect(compare(lines).slice(0, 20)).toEqual([]);
  });

  it.skipIf(!HAS_TOOLCHAIN)('fixtures are what the installed objdump prints (live)', () => {
    const live32 = formatListing(oracleListing([...corpus32(), ...addressSequences()]));
    const live16 = formatListing(oracleListing(corpus16()), true);
    maybeUpdateFixture(C32, live32);
    maybeUpdateFixture(C16, live16);
    expect(live32 === readFixture(C32)).toBe(true);
    expect(live16 === readFixture(C16)).toBe(true);
  });
});
