/**
 * Debug information of one ELF: line table (pc <-> file:line), call frame information and function
 * ranges. Pure: bytes and the loaded image in, queries out. Missing or damaged sections leave the
 * corresponding queries empty and add a warning; they never make loading fail.
 */
import type { ElfImage } from '../loader/elf';
import { CallFrameInfo, parseFrameSection, type Fde } from './frame';
import { parseLineSection, type LineRow } from './line';
import { DwarfError } from './reader';
import { parseUnits, type Subprogram } from './units';
import { debugSections, sectionAddress } from './sections';

export interface SourceLine {
  file: string;
  line: number;
  column: number;
  /** Start address of the line-table row covering the pc. */
  address: number;
  /** A row at `address` is a recommended breakpoint location (is_stmt): see isStatementStart. */
  isStmt: boolean;
}

export interface FunctionRange {
  name: string;
  start: number;
  /** First address after the function. */
  end: number;
}

/**
 * One address range of the line table: [start, end) belongs to `row`, the last row at `start` (the
 * one that describes the instruction there, as objdump and addr2line report it).
 */
interface Span {
  start: number;
  end: number;
  row: LineRow;
}

export class DebugInfo {
  readonly warnings: string[] = [];
  /** Every row of every line program, in program order. */
  readonly rows: LineRow[] = [];
  /** Files that have line rows, as recorded. */
  readonly files: string[];
  readonly cfi: CallFrameInfo;
  readonly functions: FunctionRange[];
  private readonly spans: Span[] = [];
  /**
   * Rows marked is_stmt that describe code, sorted by address (program order within one address).
   * Every one counts, including one that a later row at the same address follows (GCC emits a
   * statement row and then a non-statement row for the same instruction, its "views"): as GDB's
   * find_line_common, which looks at each is_stmt entry of the line table, not at the last entry per
   * address. A row at its sequence's end address describes no instruction and is left out, as GDB's
   * buildsym drops the entries that an end-of-sequence marker at the same address follows.
   */
  private readonly stmtRows: LineRow[] = [];
  private readonly stmtStarts = new Set<number>();

  /**
   * `mapPath` turns a file name as the compiler recorded it into where the source is now (the
   * adapter looks on disk: a program built elsewhere and committed keeps its build paths).
   */
  constructor(bytes: Uint8Array, image: ElfImage, mapPath: (file: string) => string = (f) => f) {
    const sec = debugSections(bytes, image);
    const strings = { str: sec.get('.debug_str'), lineStr: sec.get('.debug_line_str') };
    // Compilation directories (DWARF 4 line tables need them) and subprogram ranges.
    const compDirs = new Map<number, string>();
    let subprograms: Subprogram[] = [];
    const infoSec = sec.get('.debug_info');
    const abbrev = sec.get('.debug_abbrev');
    if (infoSec !== undefined && abbrev !== undefined) {
      try {
        const parsed = parseUnits(infoSec, abbrev, strings);
        for (const u of parsed.units) if (u.stmtList !== undefined && u.compDir !== undefined) compDirs.set(u.stmtList, u.compDir);
        subprograms = parsed.subprograms;
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(e.message);
      }
    }
    const line = sec.get('.debug_line');
    if (line !== undefined) {
      try {
        const mapped = new Map<string, string>();
        for (const p of parseLineSection(line, strings, compDirs)) {
          for (const r of p.rows) {
            let m = mapped.get(r.file);
            if (m === undefined) mapped.set(r.file, (m = mapPath(r.file)));
            r.file = m;
          }
          this.rows.push(...p.rows);
        }
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(e.message);
      }
    }
    this.files = [...new Set(this.rows.filter((r) => !r.endSequence).map((r) => r.file))];
    this.buildSpans();

    const fdes: Fde[] = [];
    for (const [name, isEh] of [['.debug_frame', false], ['.eh_frame', true]] as const) {
      const s = sec.get(name);
      if (s === undefined) continue;
      try {
        fdes.push(...parseFrameSection(s, isEh, sectionAddress(image, name)));
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.warnings.push(e.message);
      }
    }
    this.cfi = new CallFrameInfo(fdes);

    // Functions: sized symbols, plus DWARF subprograms that no symbol covers.
    const fromSymbols = image.symbols
      .filter((s) => s.type === 'func' && s.size > 0)
      .map((s) => ({ name: s.name, start: s.value >>> 0, end: (s.value + s.size) >>> 0 }));
    const covered = (pc: number) => fromSymbols.some((f) => f.start <= pc && pc < f.end);
    const fromDwarf = subprograms.filter((p) => !covered(p.low)).map((p) => ({ name: p.name, start: p.low, end: p.high }));
    this.functions = [...fromSymbols, ...fromDwarf].sort((a, b) => a.start - b.start);
  }

  private buildSpans(): void {
    let seq: LineRow[] = [];
    for (const r of this.rows) {
      seq.push(r);
      if (!r.endSequence) continue;
      for (let i = 0; i + 1 < seq.length; i++) {
        const row = seq[i]!;
        const next = seq[i + 1]!;
        if (row.isStmt && row.address < r.address) {
          this.stmtStarts.add(row.address);
          this.stmtRows.push(row);
        }
        // Several rows at one address: the last one describes the instruction there.
        if (next.address > row.address) this.spans.push({ start: row.address, end: next.address, row });
      }
      seq = [];
    }
    this.spans.sort((a, b) => a.start - b.start);
    this.stmtRows.sort((a, b) => a.address - b.address); // stable: program order within one address
  }

  /** The source line of the instruction at `pc`. */
  lineAt(pc: number): SourceLine | undefined {
    pc >>>= 0;
    let lo = 0;
    let hi = this.spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.spans[mid]!;
      if (pc < s.start) hi = mid - 1;
      else if (pc >= s.end) lo = mid + 1;
      else return { file: s.row.file, line: s.row.line, column: s.row.column, address: s.start, isStmt: this.stmtStarts.has(s.start) };
    }
    return undefined;
  }

  /** True when a line-table row that is a recommended breakpoint location (is_stmt) starts at `pc`. */
  isStatementStart(pc: number): boolean {
    return this.stmtStarts.has(pc >>> 0);
  }

  /**
   * The files of the line table that `path` names: the same path, else the same trailing path
   * components (a program built elsewhere, or a relative name), longest match first.
   */
  matchFiles(path: string): string[] {
    const norm = (p: string) => p.replace(/\\/g, '/').split('/').filter((c) => c !== '' && c !== '.');
    const want = norm(path);
    let best = 0;
    let out: string[] = [];
    for (const f of this.files) {
      const have = norm(f);
      let n = 0;
      while (n < want.length && n < have.length && want[want.length - 1 - n] === have[have.length - 1 - n]) n++;
      if (n === 0) continue;
      if (n > best) {
        best = n;
        out = [f];
      } else if (n === best) {
        out.push(f);
      }
    }
    return out;
  }

  /**
   * Where a breakpoint on `file`:`line` goes: the first line at or after `line` that has code (as
   * debuggers move a breakpoint on a blank line down), and per function the lowest address of an
   * is_stmt row of that line (GDB's find_pcs_for_symtab_line). The line shown when the breakpoint
   * stops is lineAt's, which can be another line at the same address (GDB reports one there too).
   * Undefined when no later line of the file has code.
   */
  breakpointLocations(file: string, line: number): { line: number; addresses: number[] } | undefined {
    const files = new Set(this.matchFiles(file));
    if (files.size === 0) return undefined;
    let actual = Infinity;
    for (const r of this.stmtRows) {
      if (files.has(r.file) && r.line >= line && r.line < actual) actual = r.line;
    }
    if (actual === Infinity) return undefined;
    const perFunction = new Map<string, number>();
    for (const r of this.stmtRows) {
      if (r.line !== actual || !files.has(r.file)) continue;
      const key = this.functionAt(r.address)?.name ?? `@${r.address}`;
      if (!perFunction.has(key)) perFunction.set(key, r.address); // stmtRows is sorted: the first is the lowest
    }
    return { line: actual, addresses: [...perFunction.values()].sort((a, b) => a - b) };
  }

  /**
   * Where a function's body starts (GDB's breakpoint address for a function): the lowest address
   * after the function's start with an is_stmt row for a line other than the function's first line,
   * or the function's start without one.
   */
  bodyStart(fn: FunctionRange): number {
    const first = this.lineAt(fn.start);
    if (first === undefined) return fn.start;
    for (const r of this.stmtRows) {
      if (r.address <= fn.start) continue;
      if (r.address >= fn.end) break;
      if (r.line !== first.line || r.file !== first.file) return r.address;
    }
    return fn.start;
  }

  /** Lines from `from` to `to` (inclusive) of `file` that have a statement (where breakpoints can go). */
  linesWithCode(file: string, from: number, to: number): number[] {
    const files = new Set(this.matchFiles(file));
    const out = new Set<number>();
    for (const r of this.stmtRows) {
      if (files.has(r.file) && r.line >= from && r.line <= to) out.add(r.line);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** The function (symbol with a size) containing `pc`. */
  functionAt(pc: number): FunctionRange | undefined {
    pc >>>= 0;
    let best: FunctionRange | undefined;
    for (const f of this.functions) {
      if (f.start > pc) break;
      if (pc < f.end) best = f;
    }
    return best;
  }

  functionNamed(name: string): FunctionRange | undefined {
    return this.functions.find((f) => f.name === name);
  }
}
