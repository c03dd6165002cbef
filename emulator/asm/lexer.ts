/**
 * Tokens of one GNU as statement (GNU as manual, "Syntax": symbols, numbers, strings, characters,
 * operators). Comments (`#` to end of line, C block comments) and statement separators (`;`) are
 * removed before tokenizing, by splitStatements.
 */
import { StmtError } from './errors';

export type TokKind = 'id' | 'num' | 'str' | 'op' | 'lref' | 'pct';
export interface Token {
  kind: TokKind;
  /** Identifier / operator text, the string's decoded bytes (as a latin-1 string), '%hi' for pct. */
  text: string;
  /** Numeric value (num), or the label number (lref). */
  value?: bigint;
  /** 'f' or 'b' for a numeric local label reference. */
  dir?: 'f' | 'b';
  /** 1-based column in the source line. */
  col: number;
}

const ID_START = /[A-Za-z_.$]/;
const ID_CHAR = /[A-Za-z0-9_.$]/;
const OPS = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!',
  '(', ')', ',', '<', '>', '=', '@'];

/** Decode one backslash escape starting at s[i] (the char after '\'); returns [char code, next index]. */
function escape(s: string, i: number, col: number): [number, number] {
  const c = s[i];
  if (c === undefined) throw new StmtError('unterminated escape sequence', col);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27, '\\': 92, '"': 34, "'": 39 };
  if (c in simple) return [simple[c]!, i + 1];
  if (/[0-7]/.test(c)) {
    let j = i, v = 0;
    while (j < s.length && j < i + 3 && /[0-7]/.test(s[j]!)) v = v * 8 + Number(s[j++]);
    return [v & 0xff, j];
  }
  if (c === 'x' || c === 'X') {
    let j = i + 1, v = 0;
    while (j < s.length && /[0-9a-fA-F]/.test(s[j]!)) v = v * 16 + parseInt(s[j++]!, 16);
    return [v & 0xff, j];
  }
  return [c.charCodeAt(0), i + 1];
}

/** Tokenize `s`, whose first character is at column `col0`. */
export function tokenize(s: string, col0: number): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    const col = col0 + i;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { i++; continue; }
    if (/[0-9]/.test(c)) {
      let j = i;
      // Local label reference: digits followed by f or b and not by more identifier characters.
      while (j < s.length && /[0-9]/.test(s[j]!)) j++;
      if ((s[j] === 'f' || s[j] === 'b') && !(s[j + 1] !== undefined && ID_CHAR.test(s[j + 1]!)) &&
          !(s[i] === '0' && j === i + 1 && s[j] === 'b' && /[01]/.test(s[j + 1] ?? ''))) {
        out.push({ kind: 'lref', text: s.slice(i, j + 1), value: BigInt(s.slice(i, j)), dir: s[j] as 'f' | 'b', col });
        i = j + 1;
        continue;
      }
      let m: RegExpExecArray | null;
      const rest = s.slice(i);
      let v: bigint;
      if ((m = /^0[xX]([0-9a-fA-F]+)/.exec(rest))) v = BigInt('0x' + m[1]);
      else if ((m = /^0[bB]([01]+)/.exec(rest))) v = BigInt('0b' + m[1]);
      else if ((m = /^0([0-7]+)/.exec(rest))) v = BigInt('0o' + m[1]);
      else if ((m = /^[0-9]+/.exec(rest))) v = BigInt(m[0]);
      else throw new StmtError(`bad number`, col);
      const end = i + m[0].length;
      if (end < s.length && ID_CHAR.test(s[end]!)) {
        throw new StmtError(`bad number '${s.slice(i, end + 1)}': unexpected '${s[end]}'`, col);
      }
      out.push({ kind: 'num', text: m[0], value: v, col });
      i = end;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < s.length && ID_CHAR.test(s[j]!)) j++;
      out.push({ kind: 'id', text: s.slice(i, j), col });
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1, str = '';
      for (;;) {
        if (j >= s.length) throw new StmtError('unterminated string: expected a closing \'"\'', col);
        const d = s[j]!;
        if (d === '"') { j++; break; }
        if (d === '\\') { const [code, nj] = escape(s, j + 1, col0 + j); str += String.fromCharCode(code); j = nj; continue; }
        // Source is UTF-8: emit its bytes.
        const bytes = new TextEncoder().encode(d);
        for (const b of bytes) str += String.fromCharCode(b);
        j++;
      }
      out.push({ kind: 'str', text: str, col });
      i = j;
      continue;
    }
    if (c === "'") {
      // Character constant: 'c (GNU) or 'c' (accepted too).
      let j = i + 1, code: number;
      if (s[j] === '\\') [code, j] = escape(s, j + 1, col0 + j);
      else if (j < s.length) { code = s.charCodeAt(j); j++; } else throw new StmtError('missing character after \'', col);
      if (s[j] === "'") j++;
      out.push({ kind: 'num', text: s.slice(i, j), value: BigInt(code), col });
      i = j;
      continue;
    }
    if (c === '%' && /^%[a-z_0-9]+\s*\(/.test(s.slice(i))) {
      const m = /^%([a-z_0-9]+)/.exec(s.slice(i))!;
      out.push({ kind: 'pct', text: m[1]!, col });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new StmtError(`unexpected character '${c}'`, col);
    out.push({ kind: 'op', text: op, col });
    i += op.length;
  }
  return out;
}

export interface RawStatement {
  line: number;
  /** Text of the statement; `col` is the 1-based column of its first character. */
  text: string;
  col: number;
}

/**
 * Split source into statements: strips `#` and block comments (outside strings), splits at `;` and
 * newlines. Block comments may span lines.
 */
export function splitStatements(src: string): RawStatement[] {
  const out: RawStatement[] = [];
  const lines = src.split('\n');
  let inBlock = false;
  lines.forEach((raw, idx) => {
    let cur = '', start = 0, i = 0;
    const push = (end: number): void => {
      out.push({ line: idx + 1, text: cur, col: start + 1 });
      cur = '';
      start = end;
    };
    while (i < raw.length) {
      if (inBlock) {
        const e = raw.indexOf('*/', i);
        if (e < 0) { cur += ' '.repeat(raw.length - i); i = raw.length; break; }
        cur += ' '.repeat(e + 2 - i);
        i = e + 2;
        inBlock = false;
        continue;
      }
      const c = raw[i]!;
      if (c === '"') {
        let j = i + 1;
        while (j < raw.length && raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
        cur += raw.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      if (c === "'") { cur += raw.slice(i, i + (raw[i + 1] === '\\' ? 3 : 2)); i += raw[i + 1] === '\\' ? 3 : 2; continue; }
      if (c === '#') break;
      if (c === '/' && raw[i + 1] === '*') { inBlock = true; cur += '  '; i += 2; continue; }
      if (c === ';') { push(i + 1); i++; continue; }
      cur += c;
      i++;
    }
    push(raw.length);
  });
  return out.filter((s) => s.text.trim().length > 0);
}
