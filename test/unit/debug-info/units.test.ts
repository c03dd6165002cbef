/** .debug_info compilation units and subprograms (DWARF 4 and 5), checked against the symbol table. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugInfo, debugSections, parseUnits } from '../../../emulator/debug-info';
import { loadElf } from '../../../emulator/loader/elf';

const DAP_PROGRAMS = path.resolve(__dirname, '../../dap-programs');

describe.each(['dbg.elf', 'dbg_dwarf4.elf'])('.debug_info of %s', (name) => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(DAP_PROGRAMS, name)));
  const image = loadElf(bytes);
  const sec = debugSections(bytes, image);
  const { units, subprograms } = parseUnits(sec.get('.debug_info')!, sec.get('.debug_abbrev')!, { str: sec.get('.debug_str'), lineStr: sec.get('.debug_line_str') });

  it('finds the three compilation units with their directories and line programs', () => {
    expect(units.map((u) => path.basename(u.name ?? ''))).toEqual(['crt0.S', 'rt.c', 'dbg.c']);
    for (const u of units) {
      expect(u.compDir).toMatch(/^\//);
      expect(u.stmtList).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives every C function the range its symbol has', () => {
    expect(subprograms.length).toBeGreaterThan(5);
    for (const p of subprograms) {
      const sym = image.symbols.find((s) => s.name === p.name && s.type === 'func')!;
      expect(sym, p.name).toBeDefined();
      expect([p.low, p.high]).toEqual([sym.value, sym.value + sym.size]);
    }
    expect(subprograms.map((p) => p.name)).toEqual(expect.arrayContaining(['square', 'accumulate', 'main', 'printf']));
  });

  it('resolves line-table files to absolute paths (DWARF 4 via DW_AT_comp_dir)', () => {
    const info = new DebugInfo(bytes, image);
    expect(info.warnings).toEqual([]);
    for (const f of info.files) expect(f, f).toMatch(/^\//);
    expect(info.files.some((f) => f.endsWith('/test/programs/rt/crt0.S'))).toBe(true);
  });
});
