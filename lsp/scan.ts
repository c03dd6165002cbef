/**
 * A tolerant scanner for GNU as RISC-V source: every token with its position and role (label,
 * mnemonic, directive, register, CSR, symbol, ...), the symbol definitions (labels, `.equ`/`.set`/`=`,
 * macros) and numeric local labels. It never fails: the assembler (analysis.ts) owns the errors, this
 * owns positions, which the assembler does not expose. Statement syntax follows the GNU as manual,
 * "Syntax" (`#` and C comments, `;` separators, `name:` labels), as emulator/asm/lexer.ts does.
 */
import { csrNumber } from '../emulator/isa/csr-names';
import { REGISTER_NUMBERS } from './isa-docs';

export type TokKind =
  | 'label' | 'localLabel' | 'mnemonic' | 'directive' | 'macro' | 'register' | 'csr' | 'symbol' | 'localRef'
  | 'number' | 'string' | 'comment' | 'reloc' | 'operator' | 'keyword' | 'macroParam' | 'section';

export interface Tok {
  kind: TokKind;
  /** 0-based line and UTF-16 columns [start, end), as LSP positions count. */
  line: number;
  start: number;
  end: number;
  text: string;
  /** For symbol definitions: what defines it. */
  def?: 'label' | 'equ' | 'macro';
  /** The statement's mnemonic or directive (lower case), for operands. */
  head?: string;
}

export interface LocalLabel { n: string; tok: Tok }

export interface DocModel {
  tokens: Tok[];
  /** Definitions by name (a `.set` symbol may be defined several times). */
  defs: Map<string, Tok[]>;
  /** Numeric local labels (`1:`) in source order. */
  locals: LocalLabel[];
  lineCount: number;
}

/** Mnemonics whose identifier operands name CSRs. */
const CSR_OPS = new Set(['csrr', 'csrw', 'csrs', 'csrc', 'csrwi', 'csrsi', 'csrci', 'csrrw', 'csrrs', 'csrrc',
  'csrrwi', 'csrrsi', 'csrrci']);
/** Directives whose operands are keywords or names rather than symbols. */
const KEYWORD_DIRECTIVES = new Set(['.option', '.attribute', '.insn', '.ident', '.file', '.cfi_startproc', '.cfi_endproc']);
const DEF_DIRECTIVES = new Set(['.equ', '.set', '.equiv', '.eqv']);
const SECTION_DIRECTIVES = new Set(['.section', '.pushsection']);

const ID = /[A-Za-z_.$][A-Za-z0-9_.$]*/y;
const NUM = /(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([fb](?![A-Za-z0-9_.$]))?/y;
const LABEL = /\s*([A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:(?!=)/y;
const OPS = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!',
  '(', ')', ',', '<', '>', '=', '@'];

export function isRegister(name: string): boolean {
  return REGISTER_NUMBERS.has(name);
}

/** Scan a whole document. */
export function scan(text: string): DocModel {
  const tokens: Tok[] = [];
  const lines = text.split('\n');
  let inBlock = false;
  let macroDepth = 0;
  const macroParams: string[][] = [];
  lines.forEach((raw, line) => {
    // 1. Cut the line into comment tokens and statement pieces.
    const pieces: { from: number; to: number }[] = [];
    const comments: [number, number][] = [];
    const comment = (a: number, b: number): void => {
      tokens.push({ kind: 'comment', line, start: a, end: b, text: raw.slice(a, b) });
      comments.push([a, b]);
    };
    let i = 0, from = 0;
    while (i < raw.length) {
      if (inBlock) {
        const e = raw.indexOf('*/', i);
        const to = e < 0 ? raw.length : e + 2;
        comment(i, to);
        i = to;
        if (e >= 0) inBlock = false;
        continue;
      }
      const c = raw.charCodeAt(i);
      if (c === 34 /* " */) {
        let j = i + 1;
        while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
        i = j + 1;
        continue;
      }
      if (c === 39 /* ' */) { i += raw[i + 1] === '\\' ? 3 : 2; continue; }
      if (c === 35 /* # */) {
        comment(i, raw.length);
        pieces.push({ from, to: i });
        from = raw.length;
        break;
      }
      if (c === 47 /* / */ && raw[i + 1] === '*') {
        const e = raw.indexOf('*/', i + 2);
        const to = e < 0 ? raw.length : e + 2;
        comment(i, to);
        i = to;
        if (e < 0) inBlock = true;
        continue;
      }
      if (c === 59 /* ; */) { pieces.push({ from, to: i }); from = i + 1; }
      i++;
    }
    if (from < raw.length) pieces.push({ from, to: raw.length });
    // Statements see comments as spaces, so that positions stay those of the line.
    let masked = raw;
    for (const [a, b] of comments) masked = masked.slice(0, a) + ' '.repeat(b - a) + masked.slice(b);
    // 2. Each statement: labels, head, operands.
    for (const p of pieces) {
      const r = statement(masked, p.from, p.to, line, tokens, macroDepth > 0 ? macroParams[macroParams.length - 1]! : []);
      if (r.head === '.macro') { macroDepth++; macroParams.push(r.params); }
      if (r.head === '.endm' && macroDepth > 0) { macroDepth--; macroParams.pop(); }
    }
  });
  const defs = new Map<string, Tok[]>();
  const locals: LocalLabel[] = [];
  for (const t of tokens) {
    if (t.kind === 'localLabel') locals.push({ n: String(Number(t.text)), tok: t });
    else if (t.def) {
      const l = defs.get(t.text);
      if (l) l.push(t); else defs.set(t.text, [t]);
    }
  }
  // A macro's invocations look like mnemonics until the macro is known.
  for (const t of tokens) if (t.kind === 'mnemonic' && defs.get(t.text)?.some((d) => d.def === 'macro')) t.kind = 'macro';
  return { tokens, defs, locals, lineCount: lines.length };
}

function statement(s: string, from: number, to: number, line: number, out: Tok[], params: string[]): { head?: string; params: string[] } {
  let i = from;
  // Labels.
  for (;;) {
    LABEL.lastIndex = i;
    const m = LABEL.exec(s);
    if (!m || m.index + m[0].length > to) break;
    const name = m[1]!;
    const start = s.indexOf(name, i);
    if (/^[0-9]+$/.test(name)) out.push({ kind: 'localLabel', line, start, end: start + name.length, text: name });
    else out.push({ kind: 'label', line, start, end: start + name.length, text: name, def: 'label' });
    i = m.index + m[0].length;
  }
  while (i < to && /\s/.test(s[i]!)) i++;
  if (i >= to) return { params: [] };
  ID.lastIndex = i;
  const hm = ID.exec(s);
  if (!hm || hm.index !== i) { operands(s, i, to, line, out, undefined, params); return { params: [] }; }
  const word = hm[0];
  const end = i + word.length;
  // `name = expr` and `name .equ`-style assignments.
  const after = s.slice(end, to).trimStart();
  if (after.startsWith('=') && !after.startsWith('==')) {
    out.push({ kind: 'symbol', line, start: i, end, text: word, def: 'equ' });
    operands(s, s.indexOf('=', end) + 1, to, line, out, '=', params);
    return { params: [] };
  }
  const head = word.toLowerCase();
  if (word.startsWith('.')) {
    out.push({ kind: 'directive', line, start: i, end, text: word });
    if (head === '.macro') {
      // `.macro name a, b=1`: the name is a definition, the rest are parameters.
      const names: string[] = [];
      const re = /[A-Za-z_.$][A-Za-z0-9_.$]*/g;
      re.lastIndex = end;
      let m: RegExpExecArray | null, first = true;
      while ((m = re.exec(s)) && m.index < to) {
        const prev = s.slice(end, m.index);
        if (first) { out.push({ kind: 'symbol', line, start: m.index, end: m.index + m[0].length, text: m[0], def: 'macro' }); first = false; continue; }
        if (/=\s*$/.test(prev.slice(prev.lastIndexOf(',') + 1))) continue; // a default value
        names.push(m[0]);
        out.push({ kind: 'macroParam', line, start: m.index, end: m.index + m[0].length, text: m[0] });
      }
      return { head, params: names };
    }
    operands(s, end, to, line, out, head, params);
    return { head, params: [] };
  }
  out.push({ kind: 'mnemonic', line, start: i, end, text: word });
  operands(s, end, to, line, out, head, params);
  return { head, params: [] };
}

function operands(s: string, from: number, to: number, line: number, out: Tok[], head: string | undefined, params: string[]): void {
  let i = from, index = 0;
  const push = (kind: TokKind, start: number, end: number, extra: Partial<Tok> = {}): void => {
    out.push({ kind, line, start, end, text: s.slice(start, end), head, ...extra });
  };
  while (i < to) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < to && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      push('string', i, Math.min(j + 1, to));
      i = j + 1;
      continue;
    }
    if (c === "'") { const n = s[i + 1] === '\\' ? 3 : 2; push('number', i, Math.min(i + n, to)); i += n; continue; }
    if (c === '\\') {
      // A macro parameter use (`\reg`, `\@`).
      const m = /\\([A-Za-z_.$][A-Za-z0-9_.$]*|@|\(\))/y;
      m.lastIndex = i;
      const r = m.exec(s);
      if (r) { push('macroParam', i, i + r[0].length); i += r[0].length; continue; }
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      NUM.lastIndex = i;
      const m = NUM.exec(s)!;
      let j = i + m[0].length;
      while (j < to && /[A-Za-z0-9_.$]/.test(s[j]!)) j++; // a bad number: one token all the same
      push(m[2] && j === i + m[0].length ? 'localRef' : 'number', i, j);
      i = j;
      continue;
    }
    if (/[A-Za-z_.$]/.test(c)) {
      ID.lastIndex = i;
      const w = ID.exec(s)![0];
      const j = i + w.length;
      const prevOp = out.length > 0 && out[out.length - 1]!.line === line && out[out.length - 1]!.text === '@';
      let kind: TokKind = 'symbol';
      if (head && SECTION_DIRECTIVES.has(head) && index === 0) kind = 'section';
      else if (prevOp || (head && KEYWORD_DIRECTIVES.has(head)) || head === 'fence') kind = 'keyword';
      else if (w === '.') kind = 'operator';
      else if (isRegister(w)) kind = 'register';
      else if (head && CSR_OPS.has(head) && csrNumber(w) !== undefined) kind = 'csr';
      else if (params.includes(w)) kind = 'macroParam';
      const def = kind === 'symbol' && head && DEF_DIRECTIVES.has(head) && index === 0 ? 'equ' as const : undefined;
      push(kind, i, j, def ? { def } : {});
      i = j;
      continue;
    }
    if (c === '%') {
      const m = /%[a-z_0-9]+/y;
      m.lastIndex = i;
      const r = m.exec(s);
      if (r) { push('reloc', i, i + r[0].length); i += r[0].length; continue; }
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (op === ',') index++;
    push('operator', i, i + (op?.length ?? 1));
    i += op?.length ?? 1;
  }
}

/** The token at a position (end inclusive, so a cursor just after a word still finds it). */
export function tokenAt(model: DocModel, line: number, character: number): Tok | undefined {
  let best: Tok | undefined;
  for (const t of model.tokens) {
    if (t.line !== line) continue;
    if (character >= t.start && character <= t.end && t.kind !== 'operator' && t.kind !== 'comment') {
      if (!best || character < t.end) best = t;
    }
  }
  return best;
}

/** The numeric local label (`1:`) that `1b`/`1f` at `ref` refers to. */
export function resolveLocal(model: DocModel, ref: Tok): LocalLabel | undefined {
  const n = String(Number(ref.text.slice(0, -1)));
  const dir = ref.text.slice(-1);
  const before = (t: Tok): boolean => t.line < ref.line || (t.line === ref.line && t.start < ref.start);
  const cands = model.locals.filter((l) => l.n === n);
  if (dir === 'b') return cands.filter((l) => before(l.tok)).pop();
  return cands.find((l) => !before(l.tok));
}
