/**
 * Breakpoint addresses of C lines whose is_stmt row shares its address with a later non-statement
 * row (GCC 12 at -Og emits such pairs, its location "views"): the breakpoint goes to the lowest
 * address of any is_stmt row of the line, as GDB's find_pcs_for_symtab_line. Against
 * examples/cvm/cvm-guest.elf: GNU objdump --dwarf=decodedline is the oracle when the toolchain is
 * installed, the committed addresses (taken from it) otherwise.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugInfo } from '../../../emulator/debug-info';
import { loadElf } from '../../../emulator/loader/elf';
import { HAS_TOOLCHAIN } from '../../oracles';

const ELF = path.resolve(__dirname, '../../../examples/cvm/cvm-guest.elf');
const GUEST_C = path.resolve(__dirname, '../../../examples/cvm/guest/guest.c');

/**
 * The 13 lines of guest.c whose only is_stmt rows are followed by a non-statement row at the same
 * address, with their breakpoint address (objdump --dwarf=decodedline of the committed ELF; take
 * them again if `make` in examples/cvm rebuilds it).
 */
const SHARED_ADDRESS: [line: number, address: number][] = [
  [49, 0x8000026e], [52, 0x80000282], [53, 0x80000298], [57, 0x800002a2], [70, 0x8000032c],
  [72, 0x8000033a], [80, 0x80000384], [83, 0x800003c8], [84, 0x800003d8], [86, 0x80000448],
  [90, 0x800003de], [97, 0x80000438], [105, 0x800004be],
];

const bytes = new Uint8Array(fs.readFileSync(ELF));
const info = new DebugInfo(bytes, loadElf(bytes));

interface OracleRow { line: number; address: number; stmt: boolean }

/** guest.c's rows as objdump decodes them, one array per sequence (its end address last, line -1). */
function objdumpSequences(): OracleRow[][] {
  const text = execFileSync('riscv64-unknown-elf-objdump', ['--dwarf=decodedline', ELF], { encoding: 'utf8' });
  const out: OracleRow[][] = [];
  let seq: OracleRow[] | undefined;
  for (const l of text.split('\n')) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/.exec(l);
    if (!m) continue;
    if (m[2] === '-') {
      if (seq) out.push([...seq, { line: -1, address: Number(m[3]), stmt: false }]);
      seq = undefined;
      continue;
    }
    if (m[1] !== 'guest.c') continue;
    (seq ??= []).push({ line: Number(m[2]), address: Number(m[3]), stmt: m[4] !== undefined });
  }
  return out;
}

/** Per line of guest.c with a statement: the lowest address of its is_stmt rows that describe code. */
function oracleBreakpoints(): Map<number, number> {
  const want = new Map<number, number>();
  for (const seq of objdumpSequences()) {
    const end = seq[seq.length - 1]!.address;
    for (const r of seq) {
      if (r.line < 0 || !r.stmt || r.address >= end) continue;
      const prev = want.get(r.line);
      if (prev === undefined || r.address < prev) want.set(r.line, r.address);
    }
  }
  return want;
}

describe('breakpoints on lines whose is_stmt row shares its address with a non-statement row', () => {
  it.each(SHARED_ADDRESS)('guest.c:%i resolves to its is_stmt address', (line, address) => {
    expect(info.breakpointLocations(GUEST_C, line)).toEqual({ line, addresses: [address] });
  });

  it('lists those lines among the lines with code', () => {
    const lines = info.linesWithCode(GUEST_C, 1, 200);
    for (const [line] of SHARED_ADDRESS) expect(lines).toContain(line);
  });

  it('keeps the line shown at such an address: the last row there (as objdump and addr2line)', () => {
    // 0x80000438: 97 (stmt), 98 (stmt), 98 (stmt), 97; the instruction is line 97's `same = 1`.
    expect(info.lineAt(0x80000438)).toMatchObject({ line: 97, address: 0x80000438, isStmt: true });
    expect(info.isStatementStart(0x80000438)).toBe(true);
    // 0x80000384: 80 (stmt), 81 (stmt), 81 (stmt), 81: a breakpoint on line 80 stops showing 81, as in GDB.
    expect(info.lineAt(0x80000384)?.line).toBe(81);
    expect(info.lineAt(0x8000032c)).toMatchObject({ line: 70, isStmt: true });
    // Inside a row's range, not at its start: not a statement start.
    expect(info.isStatementStart(0x80000290)).toBe(false);
  });

  it("puts a function breakpoint after the prologue when the body's first line shares an address", () => {
    // paging_on: line 47 at 0x80000268, line 49 (stmt, then a non-statement row) at 0x8000026e.
    expect(info.bodyStart(info.functionNamed('paging_on')!)).toBe(0x8000026e);
  });
});

describe.skipIf(!HAS_TOOLCHAIN)('breakpoint addresses of guest.c against objdump --dwarf=decodedline', () => {
  const want = HAS_TOOLCHAIN ? oracleBreakpoints() : new Map<number, number>();

  it('agrees with the committed addresses of the 13 lines', () => {
    for (const [line, address] of SHARED_ADDRESS) expect({ line, address: want.get(line) }).toEqual({ line, address });
  });

  it('resolves every statement line of guest.c to the lowest address of its is_stmt rows', () => {
    expect(want.size).toBe(41);
    for (const [line, address] of want) {
      expect({ line, at: info.breakpointLocations(GUEST_C, line) }).toEqual({ line, at: { line, addresses: [address] } });
    }
    expect(info.linesWithCode(GUEST_C, 1, 200)).toEqual([...want.keys()].sort((a, b) => a - b));
  });
});
