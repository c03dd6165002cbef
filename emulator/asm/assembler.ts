/**
 * A GNU as (binutils 2.40) compatible RISC-V assembler: GNU syntax in, a relocatable ELF32 object out
 * (elf-writer.ts). One pass builds sections out of pieces (fixed bytes, relaxable branches, alignment);
 * branch lengths are then relaxed to a fixpoint as gas' relax_segment / riscv_relax_frag do; fixups
 * become bytes and R_RISCV_* relocations (RISC-V ELF psABI, "Relocations").
 */
import { csrNumber } from '../isa/csr-names';
import { ABI_NAMES } from '../isa/registers';
import { archString, modifyArch, parseArch, type Arch } from './arch';
import {
  encB, encCB, encCI, encCJ, encCK, encCL, encCLW, encCLWSP, encCSWSP, encI, encJ, encS, encU,
} from './encode';
import { StmtError, type AsmError } from './errors';
import { Cursor, describe, expression, type Resolver, type SymRef, type Value } from './expr';
import { splitStatements, tokenize, type RawStatement, type Token } from './lexer';
import { operandForms, operandSyntax } from './syntax';
import { BY_NAME, type Entry } from './table';
import { writeObject, type ObjReloc, type ObjSection, type ObjSymbol } from './elf-writer';
import { R } from './relocs';

export interface AsmOptions {
  /** File name for messages and the line table. */
  file?: string;
  /** -march (default rv32imac_zicsr_zifencei_zicbom). */
  march?: string;
  /** Linker relaxation (R_RISCV_RELAX / R_RISCV_ALIGN); GNU's default is on (-mrelax). */
  relax?: boolean;
  /** Emit a DWARF 5 .debug_line line table for the source (as gas -g --gdwarf-5). */
  debugLine?: boolean;
  /** The compilation directory named in the line table (gas: the working directory). */
  compDir?: string;
  /** Reads a `.include`d file (the path as written, and the including file); undefined if not found. */
  include?: (path: string, from: string) => string | undefined;
}

export interface AsmResult {
  /** The object file, or undefined when there were errors. */
  object?: Uint8Array;
  errors: AsmError[];
}

export const DEFAULT_MARCH = 'rv32imac_zicsr_zifencei_zicbom';

// ---------------------------------------------------------------------------------------------
// Model

interface Sym extends SymRef {
  name: string;
  /** Name in the ELF symbol table (numeric local labels become .L<n>^B<k>, fake labels ".L0 "). */
  elfName: string;
  kind: 'undef' | 'label' | 'equ';
  section?: Section;
  piece?: Piece;
  off?: number;
  equ?: Value;
  bind: 'local' | 'global' | 'weak';
  type: number;
  size?: Value;
  /** Referenced by an emitted relocation. */
  usedInReloc: boolean;
  order: number;
  line: number;
  col: number;
  /** Internal (.L, fake, mapping) symbols are dropped unless a relocation needs them. */
  internal: boolean;
  mapping?: boolean;
  sectionSym?: boolean;
  /** `.set alias, label+k`: a label at another label's address (relocations name the alias, as gas). */
  aliasOf?: Sym;
  aliasAdd?: number;
  /** A mapping symbol added at layout time, at this section offset. */
  fixedAddr?: number;
  /** `.comm`: a common symbol (SHN_COMMON), allocated by the linker. */
  common?: { size: number; align: number };
}

type Piece =
  | { kind: 'bytes'; data: number[]; addr: number }
  | {
    kind: 'branch'; addr: number; size: number; word: number; rvc: boolean; jump: boolean;
    target: Value & { kind: 'sym' }; line: number; col: number;
  }
  | { kind: 'align'; addr: number; size: number; pow: number; max: number; fill: number; code: boolean };

interface Fixup {
  piece: Piece;
  off: number;
  type: number;
  value: Value;
  relax: boolean;
  line: number;
  col: number;
}

interface Section {
  name: string;
  type: number;
  flags: number;
  align: number;
  pieces: Piece[];
  fixups: Fixup[];
  sym: Sym;
  code: boolean;
  mapState?: 'x' | 'd';
  mapArch?: string;
  entsize?: number;
  /** Line table rows: a label at each source line's first instruction (for -g). */
  rows: { sym: Sym; line: number }[];
  /** Extra ELF relocations (R_RISCV_ALIGN) recorded at piece offsets. */
  aligns: { piece: Piece; off: number; addend: number }[];
}

const SHT_PROGBITS = 1, SHT_NOBITS = 8;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2;

const REGS = new Map<string, number>();
for (let i = 0; i < 32; i++) {
  REGS.set(`x${i}`, i);
  REGS.set(ABI_NAMES[i]!, i);
}
REGS.set('fp', 8);

const NOP = 0x00000013, C_NOP = 0x0001;

/** An entry's operands do not fit (not an Error: thrown often while trying entries, so no stack). */
class Mismatch {
  constructor(readonly message: string, readonly col: number) {}
}

interface OptState { rvc: boolean; relax: boolean; arch: Arch; pic: boolean }

interface MacroDef { params: { name: string; def?: string }[]; body: { line: number; text: string; col: number }[] }

// ---------------------------------------------------------------------------------------------

class Assembler implements Resolver {
  readonly errors: AsmError[] = [];
  readonly sections: Section[] = [];
  readonly syms = new Map<string, Sym>();
  readonly extraSyms: Sym[] = [];
  symOrder = 0;
  cur!: Section;
  opt: OptState;
  optStack: OptState[] = [];
  readonly initialRvc: boolean;
  debugLine = false;
  everRvc = false;
  sectionStack: Section[] = [];
  previous?: Section;
  readonly attrs = new Map<number, number | string>();
  usedPriv = false;
  fbCount = new Map<string, number>();
  line = 0;
  macros = new Map<string, MacroDef>();
  macroDepth = 0;
  macroCounter = 0;

  include?: (path: string, from: string) => string | undefined;
  includeDepth = 0;
  readonly mainFile: string;

  constructor(public file: string, march: string, relax: boolean) {
    this.mainFile = file;
    const arch = parseArch(march);
    this.opt = { rvc: arch.exts.has('c'), relax, arch, pic: false };
    this.initialRvc = this.opt.rvc;
    this.switchSection('.text');
    this.switchSection('.data');
    this.switchSection('.bss');
    this.switchSection('.text');
  }

  // ---- errors ------------------------------------------------------------------------------
  error(message: string, col: number, line = this.line): void {
    this.errors.push({ file: this.file, line, column: col, message });
  }

  // ---- sections ----------------------------------------------------------------------------
  switchSection(name: string, flagsText?: string, typeText?: string): void {
    let s = this.sections.find((x) => x.name === name);
    if (!s) {
      let type = SHT_PROGBITS, flags = 0;
      if (name === '.text' || name.startsWith('.text.')) flags = SHF_ALLOC | SHF_EXECINSTR;
      // As bfd's special sections for ELF (gas 2.40 gives .sdata/.sbss/.srodata no default flags).
      else if (name === '.data' || name.startsWith('.data.')) flags = SHF_ALLOC | SHF_WRITE;
      else if (name === '.bss' || name.startsWith('.bss.')) { flags = SHF_ALLOC | SHF_WRITE; type = SHT_NOBITS; }
      else if (name === '.rodata' || name.startsWith('.rodata.')) flags = SHF_ALLOC;
      else if (name.startsWith('.init') || name.startsWith('.fini')) flags = SHF_ALLOC | SHF_EXECINSTR;
      if (flagsText !== undefined) {
        flags = 0;
        for (const ch of flagsText) {
          if (ch === 'a') flags |= SHF_ALLOC;
          else if (ch === 'w') flags |= SHF_WRITE;
          else if (ch === 'x') flags |= SHF_EXECINSTR;
          else if (ch === 'M') flags |= 0x10;
          else if (ch === 'S') flags |= 0x20;
          else if (ch === 'G') flags |= 0x200;
          else if (ch === 'T') flags |= 0x400;
        }
      }
      if (typeText === 'nobits') type = SHT_NOBITS;
      else if (typeText === 'progbits') type = SHT_PROGBITS;
      const sym = this.newSym(name, name, true);
      sym.kind = 'label';
      sym.sectionSym = true;
      s = {
        name, type, flags, align: name === '.text' ? (this.opt.rvc ? 2 : 4) : 1, pieces: [], fixups: [], sym,
        code: (flags & SHF_EXECINSTR) !== 0, aligns: [], rows: [],
      };
      sym.section = s;
      this.sections.push(s);
    }
    this.cur = s;
  }

  bytesPiece(): Piece & { kind: 'bytes' } {
    const last = this.cur.pieces[this.cur.pieces.length - 1];
    if (last && last.kind === 'bytes') return last;
    const p: Piece & { kind: 'bytes' } = { kind: 'bytes', data: [], addr: 0 };
    this.cur.pieces.push(p);
    return p;
  }

  emitBytes(bytes: number[]): { piece: Piece; off: number } {
    if (this.cur.type === SHT_NOBITS && bytes.some((b) => b !== 0)) {
      throw new StmtError(`section '${this.cur.name}' holds no data (nobits): only zeros can be reserved there`, 1);
    }
    const p = this.bytesPiece();
    const off = p.data.length;
    for (const b of bytes) p.data.push(b & 0xff);
    return { piece: p, off };
  }

  mapping(state: 'x' | 'd'): void {
    const s = this.cur;
    if (!s.code) return;
    const arch = this.archName();
    if (state === 'x') {
      if (s.mapArch !== arch) {
        this.addMappingSym(`$x${arch}`);
        s.mapArch = arch;
      } else if (s.mapState !== 'x') this.addMappingSym('$x');
    } else if (s.mapState !== 'd') this.addMappingSym('$d');
    s.mapState = state;
  }

  private archCache?: { arch: Arch; name: string };
  archName(): string {
    if (this.archCache?.arch !== this.opt.arch) this.archCache = { arch: this.opt.arch, name: archString(this.opt.arch) };
    return this.archCache.name;
  }

  addMappingSym(name: string): void {
    const sym = this.newSym(name, name, false);
    sym.mapping = true;
    this.place(sym);
  }

  // ---- symbols -----------------------------------------------------------------------------
  newSym(name: string, elfName: string, internal: boolean): Sym {
    const s: Sym = {
      name, elfName, kind: 'undef', bind: 'local', type: STT_NOTYPE, usedInReloc: false, order: this.symOrder++,
      line: this.line, col: 1, internal,
    };
    this.extraSyms.push(s);
    return s;
  }

  lookup(name: string): Sym {
    let s = this.syms.get(name);
    if (!s) {
      s = this.newSym(name, name, name.startsWith('.L'));
      this.syms.set(name, s);
    }
    return s;
  }

  place(sym: Sym): void {
    const p = this.bytesPiece();
    sym.kind = 'label';
    sym.section = this.cur;
    sym.piece = p;
    sym.off = p.data.length;
  }

  defineLabel(name: string, col: number): void {
    const s = this.lookup(name);
    if (s.kind !== 'undef') {
      this.error(`symbol '${name}' is already defined (at line ${s.line})`, col);
      return;
    }
    s.line = this.line;
    s.col = col;
    this.place(s);
  }

  // Resolver
  symbol(name: string): Value {
    const s = this.lookup(name);
    // Constants are substituted; a symbol set to an address stays itself (relocations name it).
    if (s.kind === 'equ' && s.equ && s.equ.kind !== 'sym') return s.equ;
    return { kind: 'sym', sym: s, add: 0n };
  }

  localRef(n: bigint, dir: 'f' | 'b', col: number): Value {
    const key = n.toString();
    const count = this.fbCount.get(key) ?? 0;
    if (dir === 'b' && count === 0) throw new StmtError(`local label '${key}b' refers back to '${key}:', which is not defined before this line`, col);
    const k = dir === 'b' ? count : count + 1;
    const sym = this.lookup(fbName(key, k));
    if (sym.kind === 'undef' && sym.col === 1) { sym.line = this.line; sym.col = col; }
    return { kind: 'sym', sym, add: 0n };
  }

  dot(): Value {
    const s = this.newSym('.', '.L0 ', true);
    this.place(s);
    return { kind: 'sym', sym: s, add: 0n };
  }

  // ---- driver ------------------------------------------------------------------------------
  /** Assemble a list of raw statements (the file, or a macro's expanded body). */
  runLines(stmts: RawStatement[]): void {
    // Conditional assembly (.if/.ifdef/.ifndef/.else/.elseif/.endif), per list of statements.
    const conds: { active: boolean; taken: boolean; parentActive: boolean; line: number; col: number }[] = [];
    const active = (): boolean => conds.length === 0 || conds[conds.length - 1]!.active;
    for (let i = 0; i < stmts.length; i++) {
      const st = stmts[i]!;
      this.line = st.line;
      const { labels, rest, col } = splitLabels(st.text, st.col);
      const word = /^\s*(\.[A-Za-z]+)/.exec(rest)?.[1]?.toLowerCase();
      if (word !== undefined && COND_DIRECTIVES.has(word)) {
        if (active()) for (const l of labels) this.label(l.name, l.col);
        try {
          this.conditional(word, { line: st.line, text: rest, col }, conds, active());
        } catch (e) {
          if (e instanceof StmtError) this.error(e.message, e.column);
          else throw e;
        }
        continue;
      }
      if (!active()) continue;
      for (const l of labels) this.label(l.name, l.col);
      if (rest.trim().length === 0) continue;
      try {
        i += this.statement(tokenize(rest, col), col + rest.length, stmts, i);
      } catch (e) {
        if (e instanceof StmtError) this.error(e.message, e.column);
        else throw e;
      }
    }
    for (const c of conds) this.error('.if without a matching .endif', c.col, c.line);
  }

  conditional(word: string, st: RawStatement, conds: { active: boolean; taken: boolean; parentActive: boolean; line: number; col: number }[], active: boolean): void {
    const at = st.text.indexOf(word.slice(1)) - 1;
    const col = st.col + Math.max(0, at);
    const rest = st.text.slice(at + word.length);
    const cond = (): boolean => {
      const toks = tokenize(rest, col + word.length);
      const c = new Cursor(toks, col + st.text.length);
      if (word === '.ifdef' || word === '.ifndef') {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after ${word}, found ${describe(t)}`, t?.col ?? c.endCol);
        this.expectEnd(c);
        const s = this.syms.get(t.text);
        const defined = s !== undefined && s.kind !== 'undef';
        return word === '.ifdef' ? defined : !defined;
      }
      const v = expression(c, this);
      this.expectEnd(c);
      if (v.kind !== 'const') throw new StmtError(`${word} needs an expression with a constant value`, col);
      return word === '.ifeq' ? v.v === 0n : v.v !== 0n;
    };
    if (word === '.else' || word === '.elseif') {
      const top = conds[conds.length - 1];
      if (!top) throw new StmtError(`${word} without a matching .if`, col);
      const take = !top.taken && top.parentActive && (word === '.else' || cond());
      top.active = take;
      top.taken ||= take;
      return;
    }
    if (word === '.endif') {
      if (!conds.pop()) throw new StmtError('.endif without a matching .if', col);
      return;
    }
    let take: boolean;
    try {
      take = active && cond();
    } catch (e) {
      // Even a bad condition opens a block (all of whose branches are skipped), so its .endif matches.
      conds.push({ active: false, taken: true, parentActive: active, line: st.line, col });
      throw e;
    }
    conds.push({ active: take, taken: take, parentActive: active, line: st.line, col });
  }

  /** `name:` or a numeric local label `N:` (instances numbered from 1, named .LN^B<k> as gas). */
  label(name: string, col: number): void {
    if (/^[0-9]+$/.test(name)) {
      const key = String(Number(name));
      const k = (this.fbCount.get(key) ?? 0) + 1;
      this.fbCount.set(key, k);
      this.defineLabel(fbName(key, k), col);
    } else this.defineLabel(name, col);
  }

  /** One statement after its labels; returns how many following statements it consumed (.macro bodies). */
  statement(toks: Token[], endCol: number, stmts: RawStatement[], idx: number): number {
    const head = toks[0];
    if (!head) return 0;
    if (head.kind === 'id' && toks[1]?.kind === 'op' && toks[1].text === '=') {
      const c = new Cursor(toks.slice(2), endCol);
      this.setSymbol(head.text, expression(c, this), head.col);
      this.expectEnd(c);
      return 0;
    }
    if (head.kind !== 'id') throw new StmtError(`expected an instruction or directive, found ${describe(head)}`, head.col);
    const name = head.text.toLowerCase();
    const c = new Cursor(toks.slice(1), endCol);
    if (name.startsWith('.')) return this.directive(name, c, head, stmts, idx);
    const mac = this.macros.get(head.text);
    if (mac) { this.expandMacro(head.text, mac, c); return 0; }
    this.instruction(name, c, head.col);
    return 0;
  }

  expectEnd(c: Cursor): void {
    if (!c.atEnd()) throw new StmtError(`junk at end of line: ${describe(c.peek())}`, c.col());
  }

  setSymbol(name: string, v: Value, col: number): void {
    const s = this.lookup(name);
    if (s.kind === 'label') { this.error(`symbol '${name}' is already defined as a label (at line ${s.line})`, col); return; }
    s.kind = 'equ';
    s.equ = v;
    s.line = this.line;
    s.col = col;
  }

  // ---- directives --------------------------------------------------------------------------
  directive(name: string, c: Cursor, head: Token, stmts: RawStatement[], idx: number): number {
    const constExpr = (what: string): number => {
      const col = c.col();
      const v = expression(c, this);
      if (v.kind !== 'const') throw new StmtError(`${what} must be a constant known at this point`, col);
      return Number(v.v);
    };
    switch (name) {
      case '.text': case '.data': case '.bss':
        this.previous = this.cur;
        this.switchSection(name);
        if (!c.atEnd()) constExpr('subsection');
        break;
      case '.section': case '.pushsection': {
        const t = c.next();
        if (!t || (t.kind !== 'id' && t.kind !== 'str')) throw new StmtError(`expected a section name after ${name}, found ${describe(t)}`, t?.col ?? c.endCol);
        let flags: string | undefined, type: string | undefined, entsize: number | undefined;
        if (c.isOp(',')) {
          c.next();
          const f = c.next();
          if (!f || f.kind !== 'str') throw new StmtError(`expected section flags as a string like "ax", found ${describe(f)}`, f?.col ?? c.endCol);
          flags = f.text;
          if (c.isOp(',')) {
            c.next();
            if (c.isOp('@') || c.isOp('%')) c.next();
            const ty = c.next();
            if (!ty || ty.kind !== 'id') throw new StmtError(`expected a section type like @progbits or @nobits, found ${describe(ty)}`, ty?.col ?? c.endCol);
            type = ty.text;
            if (c.isOp(',') && flags.includes('M')) { c.next(); entsize = constExpr('the entry size'); }
            // A group name and linkage (G flag) are accepted and not modelled.
            while (!c.atEnd()) c.next();
          }
        }
        if (name === '.pushsection') this.sectionStack.push(this.cur);
        this.previous = this.cur;
        this.switchSection(t.text, flags, type);
        if (entsize !== undefined) this.cur.entsize = entsize;
        break;
      }
      case '.popsection': {
        const s = this.sectionStack.pop();
        if (!s) throw new StmtError('.popsection without a matching .pushsection', head.col);
        this.previous = this.cur;
        this.cur = s;
        break;
      }
      case '.previous': {
        if (!this.previous) throw new StmtError('.previous with no previous section', head.col);
        const p = this.previous;
        this.previous = this.cur;
        this.cur = p;
        break;
      }
      case '.globl': case '.global': case '.weak': case '.local':
        for (;;) {
          const t = c.next();
          if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after ${name}, found ${describe(t)}`, t?.col ?? c.endCol);
          const s = this.lookup(t.text);
          s.bind = name === '.weak' ? 'weak' : name === '.local' ? 'local' : 'global';
          if (c.atEnd()) break;
          c.expectOp(',', 'between symbol names');
        }
        return 0;
      case '.type': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after .type, found ${describe(t)}`, t?.col ?? c.endCol);
        c.expectOp(',', 'after the symbol name');
        if (c.isOp('%') || c.peek()?.text === '@') c.next();
        const ty = c.next();
        const s = this.lookup(t.text);
        if (ty?.text === 'function') s.type = STT_FUNC;
        else if (ty?.text === 'object') s.type = STT_OBJECT;
        else if (ty?.text !== 'notype') throw new StmtError(`unknown symbol type ${describe(ty)}: expected @function, @object or @notype`, ty?.col ?? c.endCol);
        return 0;
      }
      case '.size': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after .size, found ${describe(t)}`, t?.col ?? c.endCol);
        c.expectOp(',', 'after the symbol name');
        this.lookup(t.text).size = expression(c, this);
        break;
      }
      case '.equ': case '.set': case '.equiv': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after ${name}, found ${describe(t)}`, t?.col ?? c.endCol);
        c.expectOp(',', 'after the symbol name');
        if (name === '.equiv' && this.syms.get(t.text)?.kind !== undefined && this.syms.get(t.text)!.kind !== 'undef') {
          throw new StmtError(`symbol '${t.text}' is already defined`, t.col);
        }
        this.setSymbol(t.text, expression(c, this), t.col);
        break;
      }
      case '.byte': case '.half': case '.hword': case '.short': case '.2byte': case '.word': case '.long': case '.4byte':
      case '.dword': case '.quad': case '.8byte': {
        const size = { '.byte': 1, '.half': 2, '.hword': 2, '.short': 2, '.2byte': 2, '.word': 4, '.long': 4, '.4byte': 4, '.dword': 8, '.quad': 8, '.8byte': 8 }[name]!;
        if (c.atEnd()) break;
        for (;;) {
          const col = c.col();
          const v = expression(c, this);
          this.data(v, size, col);
          if (c.atEnd()) break;
          c.expectOp(',', 'between values');
        }
        break;
      }
      case '.ascii': case '.asciz': case '.string': {
        for (;;) {
          const t = c.next();
          if (!t || t.kind !== 'str') throw new StmtError(`expected a string after ${name}, found ${describe(t)}`, t?.col ?? c.endCol);
          this.mapping('d');
          const bytes = [...t.text].map((ch) => ch.charCodeAt(0));
          if (name !== '.ascii') bytes.push(0);
          this.emitBytes(bytes);
          if (c.atEnd()) break;
          c.expectOp(',', 'between strings');
        }
        break;
      }
      case '.zero': case '.space': case '.skip': {
        const n = constExpr('the size');
        let fill = 0;
        if (name !== '.zero' && c.isOp(',')) { c.next(); fill = constExpr('the fill value'); }
        if (n < 0) throw new StmtError(`${name} size is negative (${n})`, head.col);
        this.mapping('d');
        this.emitBytes(new Array<number>(n).fill(fill & 0xff));
        break;
      }
      case '.align': case '.p2align': case '.balign': {
        // Arguments may be left empty (`.p2align 2,,4`): split at top-level commas.
        const args: (number | undefined)[] = [];
        let group: Token[] = [];
        let level = 0;
        const flush = (): void => {
          if (group.length === 0) { args.push(undefined); return; }
          const gc = new Cursor(group, c.endCol);
          const v = expression(gc, this);
          this.expectEnd(gc);
          if (v.kind !== 'const') throw new StmtError(`${name} argument ${args.length + 1} must be a constant`, group[0]!.col);
          args.push(Number(v.v));
          group = [];
        };
        for (const t of c.toks.slice(c.i)) {
          if (t.kind === 'op' && t.text === '(') level++;
          if (t.kind === 'op' && t.text === ')') level--;
          if (t.kind === 'op' && t.text === ',' && level === 0) flush();
          else group.push(t);
        }
        flush();
        c.i = c.toks.length;
        const [a, fill, max] = args;
        if (a === undefined) throw new StmtError(`${name} needs an alignment`, head.col);
        let pow: number;
        if (name === '.balign') {
          if (a !== 0 && (a & (a - 1)) !== 0) throw new StmtError(`alignment ${a} is not a power of 2`, head.col);
          pow = a === 0 ? 0 : Math.log2(a);
        } else pow = a;
        if (pow > 31) throw new StmtError(`alignment too large: ${pow} (at most 31)`, head.col);
        this.align(pow, fill, max);
        return 0;
      }
      case '.option': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected an option after .option (rvc, norvc, push, pop, relax, norelax, arch), found ${describe(t)}`, t?.col ?? c.endCol);
        switch (t.text) {
          case 'rvc': this.opt = { ...this.opt, rvc: true, arch: modifyArch(this.opt.arch, '+c') }; this.everRvc = true; break;
          case 'norvc': this.opt = { ...this.opt, rvc: false, arch: modifyArch(this.opt.arch, '-c') }; break;
          case 'relax': this.opt = { ...this.opt, relax: true }; break;
          case 'norelax': this.opt = { ...this.opt, relax: false }; break;
          case 'push': this.optStack.push(this.opt); break;
          case 'pop': {
            const o = this.optStack.pop();
            if (!o) throw new StmtError('.option pop without a matching .option push', t.col);
            this.opt = o;
            break;
          }
          case 'pic': this.opt = { ...this.opt, pic: true }; break;
          case 'nopic': this.opt = { ...this.opt, pic: false }; break;
          case 'csr-check': case 'no-csr-check': break;
          case 'arch': {
            c.expectOp(',', 'after arch');
            const spec = c.toks.slice(c.i).map((x) => (x.kind === 'op' ? x.text : x.text)).join('').replace(/,/g, ',');
            c.i = c.toks.length;
            try {
              const arch = modifyArch(this.opt.arch, spec.replace(/([+-])/g, ',$1').replace(/^,/, ''));
              this.opt = { ...this.opt, arch, rvc: arch.exts.has('c') };
            } catch (e) {
              throw new StmtError((e as Error).message, t.col);
            }
            return 0;
          }
          default: throw new StmtError(`unknown .option '${t.text}': expected rvc, norvc, push, pop, relax, norelax, pic, nopic or arch`, t.col);
        }
        break;
      }
      case '.macro': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a macro name after .macro, found ${describe(t)}`, t?.col ?? c.endCol);
        const params: MacroDef['params'] = [];
        while (!c.atEnd()) {
          if (c.isOp(',')) { c.next(); continue; }
          const p = c.next()!;
          if (p.kind !== 'id') throw new StmtError(`expected a parameter name, found ${describe(p)}`, p.col);
          let def: string | undefined;
          if (c.isOp('=')) { c.next(); def = c.next()?.text; }
          params.push({ name: p.text, def });
        }
        const body: MacroDef['body'] = [];
        let depth = 1, j = idx + 1;
        for (; j < stmts.length; j++) {
          const w = stmts[j]!.text.trim().split(/\s+/)[0]!.toLowerCase();
          if (w === '.macro') depth++;
          if (w === '.endm') { depth--; if (depth === 0) break; }
          body.push(stmts[j]!);
        }
        if (j >= stmts.length) throw new StmtError(`.macro '${t.text}' has no matching .endm`, head.col);
        this.macros.set(t.text, { params, body });
        return j - idx;
      }
      case '.insn': this.insnDirective(c, head.col); return 0;
      case '.comm': case '.lcomm': {
        const t = c.next();
        if (!t || t.kind !== 'id') throw new StmtError(`expected a symbol name after ${name}, found ${describe(t)}`, t?.col ?? c.endCol);
        c.expectOp(',', 'after the symbol name');
        const size = constExpr('the size');
        let align = 1;
        while (align * 2 <= Math.min(size, 8)) align *= 2;
        if (name === '.comm' && c.isOp(',')) { c.next(); align = constExpr('the alignment'); }
        const sym = this.lookup(t.text);
        if (sym.kind !== 'undef') throw new StmtError(`symbol '${t.text}' is already defined`, t.col);
        sym.type = STT_OBJECT;
        sym.size = { kind: 'const', v: BigInt(size) };
        if (name === '.comm') {
          sym.common = { size, align };
          if (sym.bind === 'local') sym.bind = 'global';
        } else {
          const saved = this.cur;
          this.switchSection('.bss');
          this.align(Math.log2(align), undefined, undefined);
          this.place(sym);
          this.emitBytes(new Array<number>(size).fill(0));
          this.cur = saved;
        }
        break;
      }
      case '.include': {
        const t = c.next();
        if (!t || t.kind !== 'str') throw new StmtError(`expected a file name in quotes after .include, found ${describe(t)}`, t?.col ?? c.endCol);
        this.expectEnd(c);
        const text = this.include?.(t.text, this.file);
        if (text === undefined) throw new StmtError(`cannot find include file '${t.text}'`, t.col);
        if (this.includeDepth > 20) throw new StmtError(`.include '${t.text}' nests too deeply (recursive include?)`, t.col);
        const saved = { file: this.file, line: this.line };
        this.file = t.text;
        this.includeDepth++;
        try {
          this.runLines(splitStatements(text));
        } finally {
          this.includeDepth--;
          this.file = saved.file;
          this.line = saved.line;
        }
        return 0;
      }
      case '.rept': case '.irp': case '.irpc': {
        // The body runs to the matching .endr (nesting counted).
        let depth = 1, j = idx + 1;
        const body: RawStatement[] = [];
        for (; j < stmts.length; j++) {
          const w = /^\s*(\.[A-Za-z]+)/.exec(stmts[j]!.text)?.[1]?.toLowerCase();
          if (w === '.rept' || w === '.irp' || w === '.irpc') depth++;
          if (w === '.endr') { depth--; if (depth === 0) break; }
          body.push(stmts[j]!);
        }
        if (j >= stmts.length) throw new StmtError(`${name} has no matching .endr`, head.col);
        if (name === '.rept') {
          const n = constExpr('the repeat count');
          this.expectEnd(c);
          for (let k = 0; k < n; k++) this.runLines(body);
        } else {
          const p = c.next();
          if (!p || p.kind !== 'id') throw new StmtError(`expected a parameter name after ${name}, found ${describe(p)}`, p?.col ?? c.endCol);
          const values: string[] = [];
          let cur: Token[] = [];
          if (c.isOp(',')) c.next();
          while (!c.atEnd()) {
            const t = c.next()!;
            if (t.kind === 'op' && t.text === ',') { values.push(tokenText(cur)); cur = []; } else cur.push(t);
          }
          values.push(tokenText(cur));
          const items = name === '.irpc' ? [...values.join('')] : values;
          const re = new RegExp(`\\\\${p.text.replace(/[.$]/g, '\\$&')}(?![A-Za-z0-9_.$])`, 'g');
          for (const v of items) this.runLines(body.map((b) => ({ ...b, text: b.text.replace(re, v).replace(/\\\(\)/g, '') })));
        }
        return j - idx;
      }
      case '.endr': throw new StmtError('.endr without a matching .rept or .irp', head.col);
      case '.endm': throw new StmtError('.endm without a matching .macro', head.col);
      case '.attribute': {
        // RISC-V ELF psABI "Attributes": by name or number; arch also sets the instruction set.
        const t = c.next();
        const names: Record<string, number> = { stack_align: 4, arch: 5, unaligned_access: 6, priv_spec: 8, priv_spec_minor: 10, priv_spec_revision: 12 };
        const tag = t?.kind === 'num' ? Number(t.value) : t?.kind === 'id' ? names[t.text] : undefined;
        if (tag === undefined) throw new StmtError(`unknown attribute ${describe(t)}: expected stack_align, arch, unaligned_access, priv_spec, priv_spec_minor, priv_spec_revision or a number`, t?.col ?? c.endCol);
        c.expectOp(',', 'after the attribute');
        const v = c.peek();
        const isString = tag === 5 || (tag >= 32 && tag % 2 === 1);
        if (isString) {
          if (!v || v.kind !== 'str') throw new StmtError(`attribute ${tag} takes a string, found ${describe(v)}`, v?.col ?? c.endCol);
          c.next();
          if (tag === 5) {
            try {
              const arch = parseArch(v.text);
              this.opt = { ...this.opt, arch, rvc: arch.exts.has('c') };
              if (this.opt.rvc) this.everRvc = true;
            } catch (e) {
              throw new StmtError((e as Error).message, v.col);
            }
          } else this.attrs.set(tag, v.text);
        } else this.attrs.set(tag, constExpr(`attribute ${tag}`));
        break;
      }
      // Accepted without effect: CFI (no .eh_frame/.debug_frame yet), compiler line directives.
      case '.ident': {
        // gas: a .comment section (SHF_MERGE|SHF_STRINGS) starting with a NUL, then each string.
        const t = c.next();
        if (!t || t.kind !== 'str') throw new StmtError(`expected a string after .ident, found ${describe(t)}`, t?.col ?? c.endCol);
        const saved = this.cur;
        const fresh = !this.sections.some((x) => x.name === '.comment');
        this.switchSection('.comment', 'MS', 'progbits');
        this.cur.entsize = 1;
        this.emitBytes([...(fresh ? [0] : []), ...[...t.text].map((ch) => ch.charCodeAt(0)), 0]);
        this.cur = saved;
        break;
      }
      case '.file': {
        // `.file "name"` names the source in an STT_FILE symbol; `.file N "name"` (DWARF) is ignored.
        const t = c.peek();
        if (t?.kind === 'str') {
          c.next();
          const sym = this.newSym(`.file ${t.text}`, t.text, false);
          sym.kind = 'equ';
          sym.equ = { kind: 'const', v: 0n };
          sym.type = 4;
          sym.order = -1;
        } else c.i = c.toks.length;
        break;
      }
      case '.loc': case '.cfi_startproc': case '.cfi_endproc': case '.cfi_sections':
      case '.cfi_def_cfa_offset': case '.cfi_offset': case '.cfi_restore': case '.cfi_remember_state':
      case '.cfi_restore_state': case '.cfi_def_cfa': case '.cfi_def_cfa_register': case '.cfi_rel_offset':
      case '.end': case '.hidden': case '.protected': case '.internal':
        c.i = c.toks.length;
        break;
      default:
        throw new StmtError(`unknown directive '${head.text}'`, head.col);
    }
    this.expectEnd(c);
    return 0;
  }

  expandMacro(name: string, mac: MacroDef, c: Cursor): void {
    if (this.macroDepth > 100) throw new StmtError(`macro '${name}' expands too deeply (recursion?)`, 1);
    // Arguments: comma-separated token runs, as text.
    const args: string[] = [];
    let cur: Token[] = [];
    const text = tokenText;
    while (!c.atEnd()) {
      const t = c.next()!;
      if (t.kind === 'op' && t.text === ',') { args.push(text(cur)); cur = []; } else cur.push(t);
    }
    if (cur.length > 0 || args.length > 0) args.push(text(cur));
    const values = new Map<string, string>();
    mac.params.forEach((p, k) => values.set(p.name, args[k] !== undefined && args[k] !== '' ? args[k]! : p.def ?? ''));
    const n = this.macroCounter++;
    const body = mac.body.map((b) => ({
      line: this.line, col: b.col,
      text: b.text.replace(/\\([A-Za-z_.$][A-Za-z0-9_.$]*|@|\(\))/g, (all, p: string) =>
        (p === '@' ? String(n) : p === '()' ? '' : values.has(p) ? values.get(p)! : all)),
    }));
    const saved = this.line;
    this.macroDepth++;
    try {
      this.runLines(body);
    } finally {
      this.macroDepth--;
      this.line = saved;
    }
  }

  data(v: Value, size: number, col: number): void {
    this.mapping('d');
    if (v.kind === 'const') {
      const bytes: number[] = [];
      let x = BigInt.asUintN(64, v.v);
      for (let k = 0; k < size; k++) { bytes.push(Number(x & 0xffn)); x >>= 8n; }
      this.emitBytes(bytes);
      return;
    }
    const at = this.emitBytes(new Array<number>(size).fill(0));
    if (v.kind === 'sym') {
      if (size !== 4) throw new StmtError(`a ${size}-byte value cannot hold a symbol's address (only .word/.long can, with R_RISCV_32)`, col);
      this.cur.fixups.push({ piece: at.piece, off: at.off, type: R.R_RISCV_32, value: v, relax: false, line: this.line, col });
    } else {
      const t = size === 1 ? R.R_RISCV_ADD8 : size === 2 ? R.R_RISCV_ADD16 : size === 4 ? R.R_RISCV_ADD32 : R.R_RISCV_ADD64;
      this.cur.fixups.push({ piece: at.piece, off: at.off, type: t, value: v, relax: false, line: this.line, col });
    }
  }

  align(pow: number, fill: number | undefined, max: number | undefined): void {
    const s = this.cur;
    const bytes = 2 ** pow;
    s.align = Math.max(s.align, bytes);
    const codeAlign = s.code && fill === undefined;
    const minInsn = this.opt.rvc ? 2 : 4;
    // gas riscv_frag_align_code: no alignment below the instruction size, relaxing or not.
    if (codeAlign && bytes <= minInsn) return;
    if (codeAlign && this.opt.relax) {
      // gas riscv_frag_align_code: worst-case nops plus R_RISCV_ALIGN for the linker to trim.
      const worst = bytes - minInsn;
      if (worst <= 0) return;
      this.mapping('x');
      const at = this.emitBytes(nops(worst));
      s.aligns.push({ piece: at.piece, off: at.off, addend: worst });
      return;
    }
    this.mapping(codeAlign ? 'x' : 'd');
    s.pieces.push({ kind: 'align', addr: 0, size: 0, pow, max: max ?? bytes, fill: fill ?? 0, code: codeAlign });
  }

  // ---- instructions ------------------------------------------------------------------------
  instruction(name: string, c: Cursor, col: number): void {
    const entries = BY_NAME.get(name);
    if (!entries) throw new StmtError(`unrecognized instruction '${name}'`, col);
    const exts = this.opt.arch.exts;
    // The most telling failure: from a 32-bit form rather than a compressed one, then the one that
    // got furthest through the operands.
    let best: { message: string; col: number; rank: number } | undefined;
    let anyEnabled = false;
    for (const e of entries) {
      if (e.rvc ? !this.opt.rvc : !exts.has(e.ext === 'm' ? 'zmmul' : e.ext) && !(e.ext === 'm' && exts.has('m'))) continue;
      anyEnabled = true;
      const cur = new Cursor(c.toks, c.endCol);
      let built: Built;
      try {
        built = this.parseOperands(e, cur);
        if (!cur.atEnd()) throw new Mismatch(`junk after the operands: ${describe(cur.peek())}`, cur.col());
        this.checkMatch(e, built);
      } catch (err) {
        if (err instanceof Mismatch || err instanceof StmtError) {
          const rank = (e.rvc && !name.startsWith('c.') ? 0 : 1000) + cur.i;
          const errCol = (err instanceof Mismatch ? err.col : err.column) || col;
          if (!best || rank >= best.rank) best = { message: err.message, col: errCol, rank };
          continue;
        }
        throw err;
      }
      this.emitInsn(e, built, col);
      return;
    }
    if (!anyEnabled) {
      const ext = entries[0]!.ext;
      throw new StmtError(`instruction '${name}' needs the '${ext}' extension, which -march/.option arch does not enable (current: ${archString(this.opt.arch)})`, col);
    }
    const forms = operandForms(name, entries);
    throw new StmtError(`${best ? best.message + '; ' : ''}'${name}' expects ${forms.map((f) => (f ? `'${name} ${f}'` : `'${name}' with no operands`)).join(' or ')}`, best?.col ?? col);
  }

  checkMatch(e: Entry, b: Built): void {
    const w = b.word;
    const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, crs2 = (w >>> 2) & 31;
    const bad = (why: string): never => { throw new Mismatch(why, 0); };
    switch (e.check) {
      case 'rd_nonzero': if (rd === 0) bad('rd must not be x0 in this form'); break;
      case 'c_add': if (rd === 0 || crs2 === 0) bad('the compressed form needs rd and rs2 other than x0'); break;
      case 'c_nop': if (rd !== 0) bad('operands do not fit this form'); break;
      case 'c_lui': if (rd === 0 || rd === 2) bad('c.lui needs rd other than x0 and sp'); break;
      case 'c_addi16sp': if (rd !== 2) bad('c.addi16sp needs sp'); break;
      case 'slli': if (rd === 0) bad('c.slli needs rd other than x0'); break;
      case 'rs1_nonzero': if (rs1 === 0) bad('the temporary register must not be x0'); break;
      default: break;
    }
  }

  parseOperands(e: Entry, c: Cursor): Built {
    const b: Built = { word: e.match, fix: [] };
    const f = e.fmt;
    const fail = (msg: string, col = c.col()): never => { throw new Mismatch(msg, col); };
    const reg = (): number => {
      const t = c.peek();
      if (!t || t.kind !== 'id' || !REGS.has(t.text)) fail(`expected a register, found ${describe(t)}`);
      c.next();
      return REGS.get(t!.text)!;
    };
    const cReg = (): number => {
      const col = c.col();
      const r = reg();
      if (r < 8 || r > 15) fail('register must be one of x8-x15 for the compressed form', col);
      return r - 8;
    };
    const imm = (): { v?: number; pct?: string; value: Value; col: number } => {
      const col = c.col();
      const t = c.peek();
      if (t && t.kind === 'id' && REGS.has(t.text)) fail(`expected an immediate, found register '${t.text}'`);
      if (t && t.kind === 'pct') {
        c.next();
        c.expectOp('(', `after %${t.text}`);
        const value = expression(c, this);
        c.expectOp(')', `to close %${t.text}(`);
        return { pct: t.text, value, col };
      }
      const value = expression(c, this);
      if (value.kind === 'const') {
        const n = Number(BigInt.asIntN(64, value.v));
        return { v: n, value, col };
      }
      return { value, col };
    };
    const constImm = (lo: number, hi: number, what: string): number => {
      const x = imm();
      if (x.v === undefined || x.pct) fail(`${what} must be a constant`, x.col);
      if (x.v! < lo || x.v! > hi) fail(`${what} ${x.v} is out of range (${lo}..${hi})`, x.col);
      return x.v!;
    };
    /** Offset before "(reg)": empty means 0 (gas riscv_handle_implicit_zero_offset). */
    const implicitZero = (): boolean => c.isOp('(') && c.peek(1)?.kind === 'id' && REGS.has(c.peek(1)!.text) && c.isOp(')', 2);
    const lo12 = (stype: boolean): void => {
      if (implicitZero()) return;
      const x = imm();
      if (x.pct) {
        const type = x.pct === 'lo' ? (stype ? R.R_RISCV_LO12_S : R.R_RISCV_LO12_I)
          : x.pct === 'pcrel_lo' ? (stype ? R.R_RISCV_PCREL_LO12_S : R.R_RISCV_PCREL_LO12_I)
            : x.pct === 'tprel_lo' ? (stype ? R.R_RISCV_TPREL_LO12_S : R.R_RISCV_TPREL_LO12_I) : -1;
        if (type < 0) fail(`%${x.pct} cannot be used in a 12-bit immediate (use %lo, %pcrel_lo or %tprel_lo)`, x.col);
        if (x.value.kind === 'const' && x.pct === 'lo') {
          const v = Number(BigInt.asIntN(32, x.value.v));
          const lo = ((v & 0xfff) ^ 0x800) - 0x800;
          b.word |= stype ? encS(lo) : encI(lo);
          return;
        }
        b.fix.push({ type, value: x.value, at: 0 });
        return;
      }
      if (x.v === undefined) fail('expected a constant 12-bit immediate or %lo()/%pcrel_lo() (a symbol needs %lo or la/lla)', x.col);
      if (x.v! < -2048 || x.v! > 2047) fail(`immediate ${x.v} is out of range (-2048..2047)`, x.col);
      b.word |= stype ? encS(x.v!) : encI(x.v!);
    };
    const target = (): Value & { kind: 'sym' } => {
      const x = imm();
      if (x.pct) fail(`%${x.pct} cannot be a branch or jump target`, x.col);
      if (x.value.kind !== 'sym') fail('branch/jump target must be a label or symbol (plus or minus a constant)', x.col);
      return x.value as Value & { kind: 'sym' };
    };

    let k = 0;
    while (k < f.length) {
      const ch = f[k]!;
      if (ch === ',') { c.expectOp(',', 'between operands'); k++; continue; }
      if (ch === '(' || ch === ')') {
        if (!c.isOp(ch)) fail(`expected '${ch}', found ${describe(c.peek())}`);
        c.next(); k++; continue;
      }
      if (ch === 'C') {
        const op = f[k + 1]!;
        k += 2;
        switch (op) {
          case 's': b.word |= cReg() << 7; break;
          case 't': b.word |= cReg() << 2; break;
          case 'w': { const col = c.col(); const r = cReg(); if (r !== ((b.word >>> 7) & 7)) fail('the compressed form needs the destination to be the same register as the first source', col); break; }
          case 'U': { const col = c.col(); const r = reg(); if (r !== ((b.word >>> 7) & 31)) fail('the compressed form needs rs1 = rd', col); break; }
          case 'V': b.word |= reg() << 2; break;
          case 'c': { const col = c.col(); if (reg() !== 2) fail('expected sp', col); break; }
          case 'z': { const col = c.col(); if (reg() !== 0) fail('expected zero', col); break; }
          case 'j': { const v = constImm(-32, 31, 'immediate'); if (v === 0) fail('immediate must be non-zero'); b.word |= encCI(v); break; }
          case 'o': b.word |= encCI(constImm(-32, 31, 'immediate')); break;
          case 'u': case 'v': {
            const x = imm();
            if (x.v === undefined || x.pct) fail('c.lui immediate must be a constant');
            let v = x.v!;
            if (op === 'v') {
              if ((v & 0xfff) !== 0) fail('not a multiple of 4096');
              v = (v >>> 12) & 0xfffff;
              if (x.v! > 0xffffffff || x.v! < -0x80000000) fail('out of range');
            }
            if (v <= 0 || v >= 0x100000 || (v >= 32 && v < 0x100000 - 32)) fail('c.lui immediate out of range');
            b.word |= encCI(v);
            break;
          }
          case 'K': { const v = constImm(1, 1020, 'immediate'); if (v & 3) fail('immediate must be a multiple of 4'); b.word |= encCK(v); break; }
          case 'L': { const v = constImm(-512, 496, 'immediate'); if (v === 0 || v & 15) fail('immediate must be a non-zero multiple of 16'); b.word |= encCL(v); break; }
          case 'm': case 'M': case 'k': {
            if (implicitZero()) break;
            const v = constImm(0, op === 'k' ? 124 : 252, 'offset');
            if (v & 3) fail('offset must be a multiple of 4');
            b.word |= op === 'm' ? encCLWSP(v) : op === 'M' ? encCSWSP(v) : encCLW(v);
            break;
          }
          case '>': { const v = constImm(1, 31, 'shift amount'); b.word |= encCI(v); break; }
          case 'p': case 'a': b.target = target(); break;
          default: throw new Error(`asm table: unknown operand C${op}`);
        }
        continue;
      }
      k++;
      switch (ch) {
        case 'd': b.word |= reg() << 7; break;
        case 's': b.word |= reg() << 15; break;
        case 't': b.word |= reg() << 20; break;
        case 'j': lo12(false); break;
        case 'o': lo12(false); break;
        case 'q': lo12(true); break;
        case 'u': {
          const x = imm();
          if (x.pct) {
            const type = x.pct === 'hi' ? R.R_RISCV_HI20 : x.pct === 'pcrel_hi' ? R.R_RISCV_PCREL_HI20 : x.pct === 'tprel_hi' ? R.R_RISCV_TPREL_HI20 : -1;
            if (type < 0) fail(`%${x.pct} cannot be used in a 20-bit upper immediate (use %hi or %pcrel_hi)`, x.col);
            if (x.value.kind === 'const' && x.pct === 'hi') { b.word |= encU(((Number(BigInt.asIntN(32, x.value.v)) + 0x800) >>> 12) & 0xfffff); break; }
            b.fix.push({ type, value: x.value, at: 0 });
            break;
          }
          if (x.v === undefined) fail('expected a constant 0..0xfffff or %hi()/%pcrel_hi()', x.col);
          if (x.v! < 0 || x.v! > 0xfffff) fail(`upper immediate ${x.v} is out of range (0..1048575)`, x.col);
          b.word |= encU(x.v!);
          break;
        }
        case 'a': case 'p': b.target = target(); break;
        case '>': b.word |= constImm(0, 31, 'shift amount') << 20; break;
        case 'E': {
          const t = c.peek();
          let n: number | undefined;
          if (t && t.kind === 'id' && !this.syms.has(t.text)) {
            n = csrNumber(t.text);
            if (n === undefined) fail(`unknown CSR '${t.text}'`);
            c.next();
          } else n = constImm(0, 4095, 'CSR number');
          b.word |= (n! << 20) >>> 0;
          break;
        }
        case 'Z': b.word |= constImm(0, 31, '5-bit CSR immediate') << 15; break;
        case 'P': case 'Q': {
          const t = c.peek();
          let bits = 0;
          if (t && t.kind === 'id' && /^[iorw]+$/.test(t.text)) {
            for (const x of t.text) bits |= { i: 8, o: 4, r: 2, w: 1 }[x as 'i']!;
            c.next();
          } else if (t && t.kind === 'num' && t.value === 0n) c.next();
          else fail(`expected a fence set of i, o, r, w, found ${describe(t)}`);
          b.word |= bits << (ch === 'P' ? 24 : 20);
          break;
        }
        case '0': if (c.peek()?.kind === 'num' && c.peek()!.value === 0n && c.isOp('(', 1)) c.next(); break;
        case 'z': { const x = imm(); if (x.v !== 0) fail('expected 0'); break; }
        case 'c': case 'B': case 'A': case 'I': {
          const x = imm();
          if (x.pct) fail(`%${x.pct} is not allowed here`, x.col);
          if (ch === 'I') {
            if (x.v === undefined) fail('li needs a constant (use la for an address)', x.col);
            if (x.v! > 0xffffffff || x.v! < -0x80000000) fail(`constant ${x.v} does not fit in 32 bits`, x.col);
          } else if ((ch === 'c' || ch === 'A') && x.value.kind === 'const') fail('expected a symbol', x.col);
          b.imm = x.value;
          break;
        }
        default: throw new Error(`asm table: unknown operand ${ch}`);
      }
    }
    return b;
  }

  emitInsn(e: Entry, b: Built, col: number): void {
    this.mapping('x');
    // gas records line rows for code sections only (and here: for the main file only).
    if (this.debugLine && this.cur.code && this.file === this.mainFile) {
      const rows = this.cur.rows;
      if (rows.length === 0 || rows[rows.length - 1]!.line !== this.line) rows.push({ sym: this.fakeLabel(), line: this.line });
    }
    if (this.opt.rvc) this.everRvc = true;
    if (!e.rvc && (b.word & 0x7f) === 0x73 && (((b.word >>> 12) & 7) !== 0 || PRIV_OPS.has(b.word >>> 25))) this.usedPriv = true;
    if (e.macro) { this.macro(e, b, col); return; }
    if (b.target) {
      const jump = e.rvc ? (b.word & 0xe003) === 0xa001 || (b.word & 0xe003) === 0x2001 : (b.word & 0x7f) === 0x6f;
      const size = e.rvc ? 2 : 4;
      // jal is never relaxed to a compressed form by gas 2.40; c.jal given explicitly stays 2 bytes.
      this.cur.pieces.push({ kind: 'branch', addr: 0, size, word: b.word, rvc: !!e.rvc, jump, target: b.target, line: this.line, col });
      return;
    }
    const at = this.emitWord(b.word, e.rvc ? 2 : 4);
    for (const fx of b.fix) this.cur.fixups.push({ piece: at.piece, off: at.off, type: fx.type, value: fx.value, relax: this.opt.relax && RELAXABLE.has(fx.type), line: this.line, col });
  }

  /**
   * `.insn`: an instruction given by its fields (gas "RISC-V Instruction Formats": r, i, s, u with an
   * opcode name like CUSTOM_0 or a number, funct3/funct7 constants) or by its value (`.insn VALUE`,
   * `.insn LENGTH, VALUE`). Never compressed, as gas.
   */
  insnDirective(c: Cursor, col: number): void {
    const t = c.peek();
    const formats: Record<string, string[]> = { r: ['d,s,t'], i: ['d,s,j', 'd,o(s)'], s: ['t,q(s)'], u: ['d,u'] };
    const constant = (lo: number, hi: number, what: string): number => {
      const at = c.col();
      const v = expression(c, this);
      if (v.kind !== 'const' || v.v < BigInt(lo) || v.v > BigInt(hi)) throw new StmtError(`${what} must be a constant from ${lo} to ${hi}`, at);
      return Number(v.v);
    };
    if (t && t.kind === 'id' && (formats[t.text] || ['b', 'sb', 'j', 'uj', 'r4', 'cr', 'ci', 'ciw', 'ca', 'cb', 'cj', 'cl', 'cs', 'css'].includes(t.text))) {
      c.next();
      const fmts = formats[t.text];
      if (!fmts) throw new StmtError(`.insn format '${t.text}' is not supported yet (supported: r, i, s, u, or a raw value)`, t.col);
      const o = c.peek();
      let opcode: number;
      if (o && o.kind === 'id' && OPCODE_NAMES[o.text] !== undefined) { c.next(); opcode = OPCODE_NAMES[o.text]!; } else opcode = constant(0, 127, 'the opcode');
      if ((opcode & 3) !== 3) throw new StmtError(`opcode 0x${opcode.toString(16)} is not a 32-bit major opcode (low bits must be 11)`, o?.col ?? col);
      let match = opcode;
      if (t.text !== 'u') { c.expectOp(',', 'after the opcode'); match |= constant(0, 7, 'funct3') << 12; }
      if (t.text === 'r') { c.expectOp(',', 'after funct3'); match |= constant(0, 127, 'funct7') << 25; }
      c.expectOp(',', 'before the operands');
      let best: { message: string; col: number } | undefined;
      for (const fmt of fmts) {
        const cur = new Cursor(c.toks, c.endCol);
        cur.i = c.i;
        try {
          const b = this.parseOperands({ name: '.insn', ext: 'i', fmt, match: match >>> 0 }, cur);
          if (!cur.atEnd()) throw new Mismatch(`junk after the operands: ${describe(cur.peek())}`, cur.col());
          c.i = cur.i;
          this.emitInsn({ name: '.insn', ext: 'i', fmt, match: match >>> 0 }, b, col);
          return;
        } catch (err) {
          if (err instanceof Mismatch) { best = { message: err.message, col: err.col }; continue; }
          if (err instanceof StmtError) { best = { message: err.message, col: err.column }; continue; }
          throw err;
        }
      }
      throw new StmtError(`${best!.message}; '.insn ${t.text}' expects ${fmts.map((f) => `'${operandSyntax(f)}'`).join(' or ')} after the opcode and function fields`, best!.col);
    }
    const first = constant(-(2 ** 31), 2 ** 32 - 1, '.insn value');
    let len = (first & 3) === 3 ? 4 : 2, value = first;
    if (c.isOp(',')) { c.next(); len = first; value = constant(-(2 ** 31), 2 ** 32 - 1, '.insn value'); }
    if (len !== 2 && len !== 4) throw new StmtError(`.insn length ${len} is not supported (2 or 4)`, col);
    if ((len === 2 && ((value & 3) === 3 || value >>> 16 !== 0)) || (len === 4 && (value & 3) !== 3)) {
      throw new StmtError(`.insn value 0x${(value >>> 0).toString(16)} conflicts with the instruction length (${len})`, col);
    }
    this.expectEnd(c);
    this.emitInsn({ name: '.insn', ext: 'i', fmt: '', match: value >>> 0, rvc: len === 2 }, { word: value >>> 0, fix: [] }, col);
  }

  emitWord(w: number, len: number): { piece: Piece; off: number } {
    return this.emitBytes(len === 2 ? [w & 0xff, (w >>> 8) & 0xff] : [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]);
  }

  /** Assemble a synthesized instruction (macro expansions go through the same table, so they compress as gas). */
  synth(name: string, ops: (number | string)[]): void {
    const toks: Token[] = [];
    ops.forEach((o, i) => {
      if (i > 0) toks.push({ kind: 'op', text: ',', col: 0 });
      if (typeof o === 'string') toks.push({ kind: 'id', text: o, col: 0 });
      else if (o < 0) { toks.push({ kind: 'op', text: '-', col: 0 }); toks.push({ kind: 'num', text: '', value: BigInt(-o), col: 0 }); }
      else toks.push({ kind: 'num', text: '', value: BigInt(o), col: 0 });
    });
    this.instruction(name, new Cursor(toks, 0), 0);
  }

  fakeLabel(): Sym {
    const s = this.newSym('.L0 ', '.L0 ', true);
    this.place(s);
    return s;
  }

  pcrelPair(hiReg: number, value: Value, lo: { word: number; stype: boolean }, col: number, hiType: number = R.R_RISCV_PCREL_HI20): void {
    const label = this.fakeLabel();
    const relax = this.opt.relax;
    const a = this.emitWord(0x17 | (hiReg << 7), 4);
    // gas pairs no R_RISCV_RELAX with a GOT access's high part.
    this.cur.fixups.push({ piece: a.piece, off: a.off, type: hiType, value, relax: relax && hiType !== R.R_RISCV_GOT_HI20, line: this.line, col });
    const l = this.emitWord(lo.word, 4);
    this.cur.fixups.push({
      piece: l.piece, off: l.off, type: lo.stype ? R.R_RISCV_PCREL_LO12_S : R.R_RISCV_PCREL_LO12_I,
      value: { kind: 'sym', sym: label, add: 0n }, relax, line: this.line, col,
    });
  }

  loadConst(rd: number, v: number): void {
    const lower = ((v & 0xfff) ^ 0x800) - 0x800;
    const upper = (v - lower) | 0;
    let hiReg = 0;
    if (upper !== 0) {
      this.synth('lui', [`x${rd}`, (upper >>> 12) & 0xfffff]);
      hiReg = rd;
    }
    if (lower !== 0 || hiReg === 0) this.synth('addi', [`x${rd}`, `x${hiReg}`, lower]);
  }

  macro(e: Entry, b: Built, col: number): void {
    const rd = (b.word >>> 7) & 31, rs1 = (b.word >>> 15) & 31, rs2 = (b.word >>> 20) & 31;
    const v = b.imm!;
    switch (e.macro) {
      case 'li': this.loadConst(rd, Number(BigInt.asIntN(32, (v as { v: bigint }).v))); return;
      case 'la': case 'lla':
        if (v.kind === 'const') { this.loadConst(rd, Number(BigInt.asIntN(32, v.v))); return; }
        if (e.macro === 'la' && this.opt.pic) {
          // Position-independent la loads the address from the GOT (auipc + lw).
          this.pcrelPair(rd, v, { word: 0x2003 | (rd << 7) | (rd << 15), stype: false }, col, R.R_RISCV_GOT_HI20);
          return;
        }
        this.pcrelPair(rd, v, { word: 0x13 | (rd << 7) | (rd << 15), stype: false }, col);
        return;
      case 'lx': this.pcrelPair(rd, v, { word: (e.match | (rd << 7) | (rd << 15)) >>> 0, stype: false }, col); return;
      case 'sx': this.pcrelPair(rs1, v, { word: (e.match | (rs2 << 20) | (rs1 << 15)) >>> 0, stype: true }, col); return;
      case 'call': case 'tail': case 'jump': {
        const temp = e.macro === 'jump' ? rs1 : e.macro === 'tail' ? 6 : e.fmt === 'd,c' ? rd : 1;
        const dest = e.macro === 'call' ? (e.fmt === 'd,c' ? rd : 1) : 0;
        const a = this.emitWord(0x17 | (temp << 7), 4);
        this.cur.fixups.push({ piece: a.piece, off: a.off, type: R.R_RISCV_CALL_PLT, value: v, relax: this.opt.relax, line: this.line, col });
        this.emitWord(0x67 | (dest << 7) | (temp << 15), 4);
        return;
      }
      default: throw new Error(`macro ${e.macro}`);
    }
  }

  // ---- layout, relaxation, output ----------------------------------------------------------
  symAddr(s: Sym): number | undefined {
    if (s.fixedAddr !== undefined) return s.fixedAddr;
    if (s.aliasOf) return this.symAddr(s.aliasOf)! + s.aliasAdd!;
    if (s.kind === 'label') return s.sectionSym ? 0 : s.piece!.addr + s.off!;
    return undefined;
  }

  layout(s: Section): void {
    let addr = 0;
    for (const p of s.pieces) {
      p.addr = addr;
      if (p.kind === 'bytes') addr += p.data.length;
      else if (p.kind === 'branch') addr += p.size;
      else {
        const a = 2 ** p.pow;
        const pad = (a - (addr % a)) % a;
        p.size = pad > p.max ? 0 : pad;
        addr += p.size;
      }
    }
  }

  branchLength(s: Section, p: Piece & { kind: 'branch' }): number {
    // gas relaxed_branch_length.
    let length = p.jump ? 4 : 8;
    const sym = this.resolveSym(p.target.sym as Sym);
    if (sym.kind === 'label' && sym.section === s && sym.bind !== 'weak') {
      const val = this.symAddr(sym)! + Number(p.target.add) - p.addr;
      const rvcRange = p.jump ? 4096 : 512;
      if (p.rvc && val >= -rvcRange / 2 && val < rvcRange / 2) length = 2;
      else if (val >= -4096 && val < 4096) length = 4;
      else if (!p.jump && p.rvc) length = 6;
    }
    return length;
  }

  resolveSym(s: Sym): Sym {
    let cur = s;
    for (let i = 0; i < 10 && cur.kind === 'equ' && cur.equ?.kind === 'sym' && cur.equ.add === 0n; i++) cur = cur.equ.sym as Sym;
    return cur;
  }

  relax(s: Section): void {
    for (let iter = 0; iter < 100; iter++) {
      this.layout(s);
      let changed = false;
      for (const p of s.pieces) {
        if (p.kind !== 'branch') continue;
        const n = this.branchLength(s, p);
        if (n !== p.size && (iter < 50 || n > p.size)) { p.size = n; changed = true; }
      }
      if (!changed) break;
    }
    this.layout(s);
  }

  /**
   * The DWARF 5 line table gas -g --gdwarf-5 writes (DWARF 5 sec. 6.2): one sequence per code section
   * with rows, addresses advanced by DW_LNS_fixed_advance_pc with R_RISCV_ADD16/SUB16 pairs (so that
   * linker relaxation keeps it right), strings in .debug_line_str.
   */
  buildLineTable(file: string, compDir: string): void {
    const code = this.sections.filter((s) => s.rows.length > 0);
    if (code.length === 0) return;
    const ends = new Map<Section, Sym>();
    for (const s of code) { this.cur = s; ends.set(s, this.fakeLabel()); }
    this.switchSection('.debug_line', '');
    const line = this.cur;
    this.switchSection('.debug_line_str', '');
    const str = this.cur;
    str.flags = 0x30; // SHF_MERGE | SHF_STRINGS
    str.entsize = 1;
    const enc = (t: string): number[] => [...new TextEncoder().encode(t), 0];
    this.emitBytes([...enc(compDir), ...enc(file)]);
    const dirOff = 0, fileOff = enc(compDir).length;
    this.cur = line;
    const uleb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; o.push(b); } while (n); return o; };
    const sleb = (n: number): number[] => {
      const o: number[] = [];
      for (;;) { const b = n & 0x7f; n >>= 7; if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) { o.push(b); return o; } o.push(b | 0x80); }
    };
    const u16 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff];
    const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
    const strp = (off: number): void => {
      const at = this.emitBytes([0, 0, 0, 0]);
      line.fixups.push({ piece: at.piece, off: at.off, type: R.R_RISCV_32, value: { kind: 'sym', sym: str.sym, add: BigInt(off) }, relax: false, line: 0, col: 0 });
    };
    const start = this.emitBytes(u32(0)); // unit_length, patched below
    const headerStart = this.bytesPiece().data.length;
    this.emitBytes([...u16(5), 4, 0]);
    const hlen = this.emitBytes(u32(0)); // header_length, patched below
    const afterHlen = this.bytesPiece().data.length;
    // min_inst_length, max_ops, default_is_stmt, line_base, line_range, opcode_base, opcode lengths.
    this.emitBytes([1, 1, 1, (-5) & 0xff, 14, 13, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]);
    this.emitBytes([1, ...uleb(1), ...uleb(0x1f), ...uleb(1)]); // directories: (path, line_strp) x 1
    strp(dirOff);
    this.emitBytes([2, ...uleb(1), ...uleb(0x1f), ...uleb(2), ...uleb(0x0f), ...uleb(2)]); // files: (path, line_strp), (directory_index, udata)
    strp(fileOff); this.emitBytes([0]);
    strp(fileOff); this.emitBytes([0]);
    const progStart = this.bytesPiece().data.length;
    for (const s of code) {
      const rows = s.rows;
      this.emitBytes([0, 5, 2]);
      const sa = this.emitBytes(u32(0));
      line.fixups.push({ piece: sa.piece, off: sa.off, type: R.R_RISCV_32, value: { kind: 'sym', sym: rows[0]!.sym, add: 0n }, relax: false, line: 0, col: 0 });
      let cur = 1;
      const advance = (from: Sym, to: Sym): void => {
        this.emitBytes([9]);
        const at = this.emitBytes(u16(0));
        line.fixups.push({ piece: at.piece, off: at.off, type: R.R_RISCV_ADD16, value: { kind: 'diff', a: to, b: from, add: 0n }, relax: false, line: 0, col: 0 });
      };
      rows.forEach((r, i) => {
        const delta = r.line - cur;
        cur = r.line;
        if (i === 0) {
          if (delta + 5 < 14 && delta + 5 >= 0) this.emitBytes([delta + 5 + 13]);
          else this.emitBytes([3, ...sleb(delta), 1]);
          return;
        }
        if (delta !== 0) this.emitBytes([3, ...sleb(delta)]);
        advance(rows[i - 1]!.sym, r.sym);
        this.emitBytes([1]);
      });
      advance(rows[rows.length - 1]!.sym, ends.get(s)!);
      this.emitBytes([0, 1, 1]);
    }
    const p = this.bytesPiece();
    const total = p.data.length - headerStart;
    p.data.splice(start.off, 4, ...u32(total));
    p.data.splice(hlen.off, 4, ...u32(progStart - afterHlen));
  }

  /** gas riscv_add_odd_padding_symbol: an odd byte of code padding is data ($d), then code again ($x). */
  oddPadding(s: Section, at: number, size: number): void {
    if (size % 2 === 0) return;
    const add = (name: string, addr: number): void => {
      const sym = this.newSym(name, name, false);
      sym.mapping = true;
      sym.kind = 'label';
      sym.section = s;
      sym.fixedAddr = addr;
    };
    add('$d', at);
    if (size > 1) add('$x', at + 1);
  }

  /** Symbols set to a label (plus a constant) become labels at that address. */
  resolveAliases(): void {
    for (const s of this.syms.values()) {
      if (s.kind !== 'equ' || s.equ?.kind !== 'sym') continue;
      const t = this.resolveSym(s.equ.sym as Sym);
      if (t.kind !== 'label' || t === s) continue;
      s.kind = 'label';
      s.section = t.section;
      s.aliasOf = t;
      s.aliasAdd = Number(s.equ.add);
    }
  }

  finish(): Uint8Array | undefined {
    this.resolveAliases();
    for (const s of this.sections) this.relax(s);
    const objSections: ObjSection[] = [];
    const relocsBySection = new Map<Section, ObjReloc[]>();
    for (const s of this.sections) {
      const size = s.pieces.length === 0 ? 0 : (() => { const l = s.pieces[s.pieces.length - 1]!; return l.addr + (l.kind === 'bytes' ? l.data.length : l.size); })();
      // gas pads the end of a code section to its alignment (write.c SUB_SEGMENT_ALIGN).
      const total = s.code && s.align > 1 ? Math.ceil(size / s.align) * s.align : size;
      const bytes = new Uint8Array(total);
      // Without relaxation gas fills that end padding with nops (rs_align_code); with it, zeros.
      if (s.code && !this.opt.relax && total > size) {
        bytes.set(nops(total - size), size);
        this.oddPadding(s, size, total - size);
      }
      const relocs: ObjReloc[] = [];
      for (const p of s.pieces) {
        if (p.kind === 'bytes') bytes.set(p.data, p.addr);
        else if (p.kind === 'align') {
          if (p.code) { bytes.set(nops(p.size), p.addr); this.oddPadding(s, p.addr, p.size); }
          else bytes.fill(p.fill & 0xff, p.addr, p.addr + p.size);
        } else this.emitBranch(s, p, bytes, relocs);
      }
      for (const a of s.aligns) {
        relocs.push({ offset: a.piece.addr + a.off, type: R.R_RISCV_ALIGN, sym: undefined, addend: a.addend });
      }
      for (const f of s.fixups) this.applyFixup(s, f, bytes, relocs);
      relocs.sort((x, y) => x.offset - y.offset);
      relocsBySection.set(s, relocs);
      objSections.push({ name: s.name, type: s.type, flags: s.flags, align: s.align, data: bytes, relocs: [], entsize: s.entsize });
    }
    if (this.errors.length > 0) return undefined;
    // Symbols.
    const all = [...this.extraSyms].sort((a, b) => a.order - b.order);
    const symbols: ObjSymbol[] = [];
    const index = new Map<Sym, ObjSymbol>();
    for (const s of all) {
      const r = this.resolveSym(s);
      if (s.sectionSym) {
        const o: ObjSymbol = { name: '', value: 0, size: 0, type: 3, bind: 0, section: this.sections.indexOf(s.section!) };
        symbols.push(o);
        index.set(s, o);
        continue;
      }
      const keep = s.mapping || s.usedInReloc || (!s.internal && s.name !== '.') || s.bind !== 'local';
      if (!keep) continue;
      if (s.kind === 'undef' && s.bind === 'local' && !s.usedInReloc) continue;
      let section = -1, value = 0;
      if (r.kind === 'label') { section = this.sections.indexOf(r.section!); value = this.symAddr(r)!; }
      else if (s.kind === 'equ' && s.equ) {
        const v = this.evalFinal(s.equ);
        if (v.sym) { section = this.sections.indexOf(v.sym.section!); value = this.symAddr(v.sym)! + v.add; }
        else { section = -2; value = v.add; }
      }
      let size = 0;
      if (s.size) { const v = this.evalFinal(s.size); size = v.sym ? 0 : v.add; }
      if (s.common) { section = -4; value = s.common.align; }
      // An undefined symbol is global (gas: undefined references become external).
      const bind = s.bind === 'weak' ? 2 : s.bind === 'global' || section === -1 ? 1 : 0;
      const o: ObjSymbol = {
        name: s.elfName, value: value >>> 0, size, type: s.type, bind, section,
      };
      symbols.push(o);
      index.set(s, o);
    }
    objSections.forEach((os, i) => {
      const s = this.sections[i]!;
      os.relocs = relocsBySection.get(s)!.map((r) => ({ ...r, symObj: r.sym ? index.get(r.sym as Sym) : undefined }));
    });
    return writeObject(objSections, symbols, archString(this.opt.arch), this.everRvc || this.initialRvc, this.usedPriv, this.attrs);
  }

  /** A value after layout: symbol (if relocatable) + constant. */
  evalFinal(v: Value): { sym?: Sym; add: number } {
    if (v.kind === 'const') return { add: Number(BigInt.asIntN(32, v.v)) };
    if (v.kind === 'sym') {
      const s = this.resolveSym(v.sym as Sym);
      if (s.kind === 'equ' && s.equ) { const x = this.evalFinal(s.equ); return { sym: x.sym, add: x.add + Number(v.add) }; }
      return { sym: s, add: Number(BigInt.asIntN(32, v.add)) };
    }
    const a = this.evalFinal({ kind: 'sym', sym: v.a, add: 0n }), b = this.evalFinal({ kind: 'sym', sym: v.b, add: 0n });
    if (a.sym && b.sym && a.sym.kind === 'label' && b.sym.kind === 'label' && a.sym.section === b.sym.section) {
      return { add: this.symAddr(a.sym)! + a.add - this.symAddr(b.sym)! - b.add + Number(v.add) };
    }
    return { add: 0 };
  }

  emitBranch(s: Section, p: Piece & { kind: 'branch' }, bytes: Uint8Array, relocs: ObjReloc[]): void {
    const put16 = (off: number, w: number): void => { bytes[off] = w & 0xff; bytes[off + 1] = (w >>> 8) & 0xff; };
    const put32 = (off: number, w: number): void => { put16(off, w); put16(off + 2, w >>> 16); };
    let word = p.word;
    let rvc = p.rvc;
    const target = p.target;
    const fix = (off: number, type: number): void => {
      this.applyFixup(s, { piece: p, off: off - p.addr, type, value: target, relax: false, line: p.line, col: p.col }, bytes, relocs);
    };
    if (rvc && p.size !== 2) {
      // Expand the RVC branch into a RISC-V one (gas md_convert_frag_branch).
      const rs1 = 8 + ((word >>> 7) & 7);
      if ((word & 0xe003) === 0xa001) word = 0x6f;
      else if ((word & 0xe003) === 0x2001) word = 0x6f | (1 << 7);
      else if ((word & 0xe003) === 0xc001) word = 0x63 | (rs1 << 15);
      else word = 0x1063 | (rs1 << 15);
      if (p.size === 6) {
        // Invert the compressed branch and jump over the jal.
        put16(p.addr, (p.word ^ 0x2000) | encCB(6));
        put32(p.addr + 2, 0x6f);
        fix(p.addr + 2, R.R_RISCV_JAL);
        return;
      }
      rvc = false;
    }
    if (rvc) {
      put16(p.addr, word);
      fix(p.addr, p.jump ? R.R_RISCV_RVC_JUMP : R.R_RISCV_RVC_BRANCH);
      return;
    }
    if (p.size === 8 && !p.jump) {
      put32(p.addr, ((word ^ 0x1000) & ~encB(-2)) | encB(8));
      put32(p.addr + 4, 0x6f);
      fix(p.addr + 4, R.R_RISCV_JAL);
      return;
    }
    put32(p.addr, word);
    fix(p.addr, p.jump ? R.R_RISCV_JAL : R.R_RISCV_BRANCH);
  }

  applyFixup(s: Section, f: Fixup, bytes: Uint8Array, relocs: ObjReloc[]): void {
    const at = f.piece.addr + f.off;
    const err = (m: string): void => this.error(m, f.col, f.line);
    if (f.value.kind === 'diff' || (f.type >= R.R_RISCV_ADD8 && f.type <= R.R_RISCV_ADD64)) {
      const v = f.value as Value & { kind: 'diff' };
      const a = this.resolveSym(v.a as Sym), b = this.resolveSym(v.b as Sym);
      if (a.kind !== 'label' || b.kind !== 'label') { err(`cannot compute '${a.name} - ${b.name}': both must be labels defined in this file`); return; }
      const size = f.type === R.R_RISCV_ADD8 ? 1 : f.type === R.R_RISCV_ADD16 ? 2 : f.type === R.R_RISCV_ADD32 ? 4 : 8;
      // gas 2.40 keeps label differences in code sections as ADD/SUB pairs (relaxation or not).
      if (a.section === b.section && !a.section!.code) {
        let x = BigInt(this.symAddr(a)! - this.symAddr(b)!) + v.add;
        for (let k = 0; k < size; k++) { bytes[at + k] = Number(BigInt.asUintN(8, x)); x >>= 8n; }
        return;
      }
      if (b.section !== s && a.section !== b.section) { /* cross-section difference: still ADD/SUB */ }
      a.usedInReloc = b.usedInReloc = true;
      relocs.push({ offset: at, type: f.type, sym: a, addend: Number(v.add) });
      relocs.push({ offset: at, type: f.type + 4, sym: b, addend: 0 });
      return;
    }
    const v = this.evalFinal(f.value);
    if (!v.sym) {
      if (f.type === R.R_RISCV_32) { for (let k = 0; k < 4; k++) bytes[at + k] = (v.add >>> (8 * k)) & 0xff; return; }
      err('a relocation needs a symbol here');
      return;
    }
    const sym = v.sym;
    // An undefined .L symbol stays an undefined (external) symbol, as gas leaves it.
    if (sym.kind === 'undef') sym.internal = false;
    sym.usedInReloc = true;
    relocs.push({ offset: at, type: f.type, sym, addend: v.add });
    // gas pairs R_RISCV_RELAX with the fixup, carrying the same addend.
    if (f.relax) relocs.push({ offset: at, type: R.R_RISCV_RELAX, sym: undefined, addend: v.add });
    // gas md_apply_fix fills in a tentative value for pc-relative branches "to improve objdump readability".
    const S = sym.kind === 'label' ? this.symAddr(sym)! : 0;
    const delta = S + v.add - at;
    const rd32 = (): number => (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
    const wr32 = (w: number): void => { for (let k = 0; k < 4; k++) bytes[at + k] = (w >>> (8 * k)) & 0xff; };
    const rd16 = (): number => bytes[at]! | (bytes[at + 1]! << 8);
    const wr16 = (w: number): void => { bytes[at] = w & 0xff; bytes[at + 1] = (w >>> 8) & 0xff; };
    switch (f.type) {
      case R.R_RISCV_BRANCH: wr32((rd32() | encB(delta)) >>> 0); break;
      case R.R_RISCV_JAL: wr32((rd32() | encJ(delta)) >>> 0); break;
      case R.R_RISCV_RVC_BRANCH: wr16(rd16() | encCB(delta)); break;
      case R.R_RISCV_RVC_JUMP: wr16(rd16() | encCJ(delta)); break;
      // Absolute parts keep the addend in the field, as gas leaves it.
      case R.R_RISCV_LO12_I: wr32((rd32() | encI(v.add)) >>> 0); break;
      case R.R_RISCV_LO12_S: wr32((rd32() | encS(v.add)) >>> 0); break;
      case R.R_RISCV_HI20: wr32((rd32() | encU(((v.add + 0x800) >>> 12) & 0xfffff)) >>> 0); break;
      default: break;
    }
  }
}

interface Built {
  word: number;
  fix: { type: number; value: Value; at: number }[];
  target?: Value & { kind: 'sym' };
  imm?: Value;
}

const RELAXABLE = new Set<number>([R.R_RISCV_GOT_HI20, R.R_RISCV_HI20, R.R_RISCV_LO12_I, R.R_RISCV_LO12_S, R.R_RISCV_PCREL_HI20, R.R_RISCV_PCREL_LO12_I,
  R.R_RISCV_PCREL_LO12_S, R.R_RISCV_CALL, R.R_RISCV_CALL_PLT, R.R_RISCV_TPREL_HI20, R.R_RISCV_TPREL_LO12_I, R.R_RISCV_TPREL_LO12_S]);

/** funct7 of SYSTEM funct3=0 instructions that are privileged (sret/wfi 0x08, mret 0x18, sfence.vma 0x09, uret 0, dret 0x3d). */
const PRIV_OPS = new Set([0x08, 0x09, 0x18, 0x3d]);

const COND_DIRECTIVES = new Set(['.if', '.ifdef', '.ifndef', '.ifeq', '.ifne', '.else', '.elseif', '.endif']);

/** gas opcode_name_list: major opcode names for `.insn`. */
const OPCODE_NAMES: Record<string, number> = {
  LOAD: 0x03, LOAD_FP: 0x07, CUSTOM_0: 0x0b, MISC_MEM: 0x0f, OP_IMM: 0x13, AUIPC: 0x17, OP_IMM_32: 0x1b,
  STORE: 0x23, STORE_FP: 0x27, CUSTOM_1: 0x2b, AMO: 0x2f, OP: 0x33, LUI: 0x37, OP_32: 0x3b, MADD: 0x43,
  MSUB: 0x47, NMSUB: 0x4b, NMADD: 0x4f, OP_FP: 0x53, OP_V: 0x57, CUSTOM_2: 0x5b, BRANCH: 0x63, JALR: 0x67,
  JAL: 0x6f, SYSTEM: 0x73, CUSTOM_3: 0x7b,
};

const FB_SEP = String.fromCharCode(2);

function fbName(n: string, k: number): string {
  return `.L${n}${FB_SEP}${k}`;
}

/** A symbol's name as the user wrote it: `.L1^B2` is local label `1`. */
function displayName(name: string): string {
  const i = name.indexOf(FB_SEP);
  return i > 0 ? name.slice(2, i) : name;
}

/** gas riscv_make_nops: a zero byte if odd, at most one c.nop, then 4-byte nops. */
function nops(n: number): number[] {
  const out: number[] = [];
  let i = 0;
  if (n % 2 === 1) { out.push(0); i++; }
  if ((n - i) % 4 === 2) { out.push(C_NOP & 0xff, C_NOP >>> 8); i += 2; }
  for (; i < n; i += 4) out.push(NOP & 0xff, (NOP >>> 8) & 0xff, (NOP >>> 16) & 0xff, NOP >>> 24);
  return out;
}

/** Tokens back to source text (macro and .irp arguments). */
function tokenText(ts: Token[]): string {
  // A quoted argument is substituted without its quotes, as gas does.
  return ts.map((t) => (t.kind === 'pct' ? '%' + t.text : t.text)).join(' ');
}

/**
 * Labels at the start of a statement (`name:`, `1:`), split off before tokenizing since ':' is not
 * an expression operator.
 */
function splitLabels(text: string, col: number): { labels: { name: string; col: number }[]; rest: string; col: number } {
  const labels: { name: string; col: number }[] = [];
  let s = text, c = col;
  for (;;) {
    const m = /^(\s*)([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:/.exec(s);
    if (!m || s[m[0].length] === '=' ) break;
    labels.push({ name: m[2]!, col: c + m[1]!.length });
    c += m[0].length;
    s = s.slice(m[0].length);
  }
  return { labels, rest: s, col: c };
}

/** Assemble GNU as source text into a relocatable ELF32 object. */
export function assemble(source: string, opts: AsmOptions = {}): AsmResult {
  const file = opts.file ?? '<stdin>';
  let asm: Assembler;
  try {
    asm = new Assembler(file, opts.march ?? DEFAULT_MARCH, opts.relax ?? true);
    asm.debugLine = opts.debugLine ?? false;
    asm.include = opts.include;
  } catch (e) {
    return { errors: [{ file, line: 0, column: 0, message: (e as Error).message }] };
  }
  // A UTF-8 byte order mark is not part of the source.
  asm.runLines(splitStatements(source.startsWith('\uFEFF') ? source.slice(1) : source));
  for (const [, s] of asm.syms) {
    if (s.kind === 'undef' && s.name.includes(FB_SEP)) {
      asm.error(`local label '${displayName(s.name)}f' has no definition after this reference`, s.col, s.line);
      s.internal = false;
    }
  }
  if (asm.debugLine && asm.errors.length === 0) asm.buildLineTable(file, opts.compDir ?? '.');
  const object = asm.finish();
  asm.errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return asm.errors.length > 0 ? { errors: asm.errors } : { object, errors: [] };
}
