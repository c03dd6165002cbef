/** .debug_line against GNU objdump --dwarf=decodedline on the committed test guests (built with -g). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugInfo, debugSections, parseLineSection } from '../../../emulator/debug-info';
import { loadElf } from '../../../emulator/loader/elf';
import { HAS_TOOLCHAIN } from '../../oracles';

const PROGRAMS = path.resolve(__dirname, '../../programs');
const DAP_PROGRAMS = path.resolve(__dirname, '../../dap-programs');
const ELFS = [
  ...['hello', 'alu', 'csr_traps', 'rvc', 'smode'].map((n) => path.join(PROGRAMS, `${n}.elf`)),
  // -O0 C, DWARF 4 (C and GNU as) and the .eh_frame build.
  ...['dbg', 'dbg_dwarf4', 'dbg_eh'].map((n) => path.join(DAP_PROGRAMS, `${n}.elf`)),
];

function ourRows(file: string) {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const sec = debugSections(bytes, loadElf(bytes));
  return parseLineSection(sec.get('.debug_line')!, { str: sec.get('.debug_str'), lineStr: sec.get('.debug_line_str') })
    .flatMap((p) => p.rows)
    .map((r) => `${path.basename(r.file)} ${r.endSequence ? '-' : r.line} 0x${r.address.toString(16)}${r.isStmt && !r.endSequence ? ' x' : ''}`);
}

function objdumpRows(file: string): string[] {
  const text = execFileSync('riscv64-unknown-elf-objdump', ['--dwarf=decodedline', file], { encoding: 'utf8' });
  const out: string[] = [];
  for (const l of text.split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/.exec(l);
    if (m) out.push(`${path.basename(m[1]!)} ${m[2]} 0x${BigInt(m[3]!).toString(16)}${m[4] ? ' x' : ''}`);
  }
  return out;
}

describe.skipIf(!HAS_TOOLCHAIN)('.debug_line: DWARF 5 from GCC 12 and GNU as', () => {
  it.each(ELFS)('decodes every row as objdump --dwarf=decodedline does: %s', (file) => {
    const want = objdumpRows(file);
    expect(want.length).toBeGreaterThan(50);
    expect(ourRows(file)).toEqual(want);
  });
});

describe('DWARF 4 and DWARF 5 agree', () => {
  it('gives the same pc -> file:line mapping for the -gdwarf-4 build of the same program', () => {
    const load = (n: string) => {
      const b = new Uint8Array(fs.readFileSync(path.join(DAP_PROGRAMS, n)));
      return new DebugInfo(b, loadElf(b));
    };
    const v5 = load('dbg.elf');
    const v4 = load('dbg_dwarf4.elf');
    const main = v5.functionNamed('accumulate')!;
    expect(v4.functionNamed('accumulate')).toEqual(main);
    for (let pc = main.start; pc < main.end; pc += 2) {
      const a = v5.lineAt(pc);
      const b = v4.lineAt(pc);
      expect(b?.line).toBe(a?.line);
      expect(b?.file.endsWith('dbg.c')).toBe(true);
    }
  });
});

describe('DebugInfo queries on hello.elf', () => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(PROGRAMS, 'hello.elf')));
  const info = new DebugInfo(bytes, loadElf(bytes));

  it('resolves file names with their include directories', () => {
    expect(info.warnings).toEqual([]);
    expect(info.files.some((f) => f.endsWith('/test/programs/hello.c'))).toBe(true);
    expect(info.files.some((f) => f.endsWith('rt/crt0.S'))).toBe(true);
    expect(info.files.some((f) => f.endsWith('rt/rt.c'))).toBe(true);
  });

  it('maps the entry point to crt0.S and a line back to its address', () => {
    const at = info.lineAt(0x80000000)!;
    expect(path.basename(at.file)).toBe('crt0.S');
    expect(at.line).toBe(25);
    const bp = info.breakpointLocations('/elsewhere/rt/crt0.S', 27)!;
    expect(bp).toEqual({ line: 27, addresses: [0x80000008] });
  });

  it('moves a breakpoint on a line without code to the next line with code', () => {
    const bp = info.breakpointLocations('crt0.S', 26)!;
    expect(bp.line).toBe(27);
  });

  it('finds functions by name and by pc', () => {
    const main = info.functionNamed('main')!;
    expect(main.end).toBeGreaterThan(main.start);
    expect(info.functionAt(main.start + 2)?.name).toBe('main');
    expect(info.functionAt(0x10)).toBeUndefined();
  });

  it('has no line for addresses outside every sequence', () => {
    expect(info.lineAt(0x10)).toBeUndefined();
    expect(info.breakpointLocations('nosuchfile.c', 1)).toBeUndefined();
  });
});
