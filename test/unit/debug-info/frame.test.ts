/** .debug_frame CFI against GNU readelf --debug-dump=frames-interp on the committed test guests. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugInfo, debugSections, fdeTable, parseFrameSection, type FrameRow } from '../../../emulator/debug-info';
import { loadElf } from '../../../emulator/loader/elf';
import { ABI_NAMES } from '../../../emulator/isa/registers';
import { HAS_TOOLCHAIN } from '../../oracles';

const PROGRAMS = path.resolve(__dirname, '../../programs');
const ELFS = ['hello', 'alu', 'csr_traps', 'timer'].map((n) => path.join(PROGRAMS, `${n}.elf`));

/** One line per row: "LOC CFA reg=rule ..." with only the registers that have an offset rule. */
function fmt(row: FrameRow): string {
  const rules = [...row.rules].filter(([, r]) => r.kind === 'offset').sort(([a], [b]) => a - b)
    .map(([reg, r]) => `${ABI_NAMES[reg]}=c${(r as { offset: number }).offset}`);
  return [row.loc.toString(16).padStart(8, '0'), `${ABI_NAMES[row.cfa.reg]}+${row.cfa.offset}`, ...rules].join(' ');
}

function readelfRows(file: string): string[][] {
  const text = execFileSync('riscv64-unknown-elf-readelf', ['--debug-dump=frames-interp', file], { encoding: 'utf8' });
  const out: string[][] = [];
  let cols: string[] = [];
  let cur: string[] | undefined;
  for (const l of text.split('\n')) {
    if (/ FDE cie=/.test(l)) {
      cur = [];
      out.push(cur);
      continue;
    }
    if (/ CIE /.test(l)) {
      cur = undefined;
      continue;
    }
    if (/^\s+LOC\s+CFA/.test(l)) {
      cols = l.trim().split(/\s+/).slice(2);
      continue;
    }
    const m = /^([0-9a-f]{8}) (\S+)\s+(.*)$/.exec(l);
    if (m && cur) {
      const vals = m[3]!.trim() === '' ? [] : m[3]!.trim().split(/\s+/);
      const rules = cols.map((c, i) => [ABI_NAMES.indexOf(c), c, vals[i]] as const)
        .filter(([, , v]) => v !== undefined && v.startsWith('c')).sort(([a], [b]) => a - b).map(([, c, v]) => `${c}=${v}`);
      cur.push([m[1], m[2], ...rules].join(' '));
    }
  }
  return out;
}

describe.skipIf(!HAS_TOOLCHAIN)('.debug_frame: CFI from GCC 12', () => {
  it.each(ELFS)('builds the same rule table as readelf --debug-dump=frames-interp: %s', (file) => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const sec = debugSections(bytes, loadElf(bytes));
    const fdes = parseFrameSection(sec.get('.debug_frame')!, false).sort((a, b) => a.offset - b.offset);
    const want = readelfRows(file);
    expect(fdes.length).toBe(want.length);
    // readelf prints an FDE without instructions as no rows at all.
    fdes.forEach((fde, i) => {
      if (want[i]!.length === 0) return;
      expect(fdeTable(fde).map(fmt)).toEqual(want[i]);
    });
  });
});

describe.skipIf(!HAS_TOOLCHAIN)('.eh_frame: CFI with the zR augmentation and pc-relative pointers', () => {
  const file = path.resolve(__dirname, '../../dap-programs/dbg_eh.elf');

  it('builds the same rule table as readelf --debug-dump=frames-interp', () => {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const image = loadElf(bytes);
    const eh = image.sections.find((s) => s.name === '.eh_frame')!;
    const fdes = parseFrameSection(debugSections(bytes, image).get('.eh_frame')!, true, eh.addr).sort((a, b) => a.offset - b.offset);
    const want = readelfRows(file);
    expect(fdes.length).toBe(want.length);
    expect(fdes.length).toBeGreaterThan(5);
    fdes.forEach((fde, i) => {
      if (want[i]!.length === 0) return;
      expect(fdeTable(fde).map(fmt)).toEqual(want[i]);
    });
  });
});

describe('DebugInfo: CFI rows at a pc', () => {
  const bytes = new Uint8Array(fs.readFileSync(path.resolve(__dirname, '../../dap-programs/dbg.elf')));
  const info = new DebugInfo(bytes, loadElf(bytes));

  it('knows where accumulate saved ra and s0 after its prologue', () => {
    const fn = info.functionNamed('accumulate')!;
    const row = info.cfi.rowAt(info.bodyStart(fn))!;
    expect(row.raReg).toBe(1);
    expect(row.cfa.reg === 2 || row.cfa.reg === 8).toBe(true);
    expect(row.rules.get(1)).toEqual({ kind: 'offset', offset: -4 });
    expect(row.rules.get(8)).toEqual({ kind: 'offset', offset: -8 });
    expect(info.cfi.rowAt(0x10)).toBeUndefined();
  });
});
