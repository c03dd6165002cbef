/**
 * GNU as expressions (GNU as manual, "Expressions"; operator ranks as binutils gas/expr.c op_rank):
 * unary - ~ ! bind tightest; then * / % << >>; then | & ^ ! (or-not); then + -; then == != <> < > <= >=
 * (true is -1, false 0); then &&; then || (these give 1/0). Arithmetic is 64-bit signed, as gas on a
 * 64-bit host. A value is a constant, a symbol plus addend, or a difference of two symbols plus addend.
 */
import { StmtError } from './errors';
import type { Token } from './lexer';

/** A symbol as the expression evaluator sees it (owned by the assembler). */
export interface SymRef {
  readonly name: string;
}

export type Value =
  | { kind: 'const'; v: bigint }
  | { kind: 'sym'; sym: SymRef; add: bigint }
  | { kind: 'diff'; a: SymRef; b: SymRef; add: bigint };

export const constant = (v: bigint): Value => ({ kind: 'const', v: BigInt.asIntN(64, v) });

/** How the parser looks up names: returns the symbol's current value (constant for a known .equ). */
export interface Resolver {
  symbol(name: string, col: number): Value;
  localRef(n: bigint, dir: 'f' | 'b', col: number): Value;
  /** The location counter `.`. */
  dot(col: number): Value;
}

/** A cursor over a statement's tokens. */
export class Cursor {
  i = 0;
  constructor(readonly toks: Token[], readonly endCol: number) {}
  peek(k = 0): Token | undefined {
    return this.toks[this.i + k];
  }
  next(): Token | undefined {
    return this.toks[this.i++];
  }
  atEnd(): boolean {
    return this.i >= this.toks.length;
  }
  isOp(text: string, k = 0): boolean {
    const t = this.toks[this.i + k];
    return t !== undefined && t.kind === 'op' && t.text === text;
  }
  col(): number {
    return this.peek()?.col ?? this.endCol;
  }
  expectOp(text: string, what: string): void {
    if (!this.isOp(text)) throw new StmtError(`expected '${text}' ${what}, found ${describe(this.peek())}`, this.col());
    this.i++;
  }
}

export function describe(t: Token | undefined): string {
  if (!t) return 'end of line';
  if (t.kind === 'str') return 'a string';
  return `'${t.kind === 'pct' ? '%' + t.text : t.text}'`;
}

const RANKS: Record<string, number> = {
  '*': 9, '/': 9, '%': 9, '<<': 9, '>>': 9,
  '|': 8, '&': 8, '^': 8, '!': 8,
  '+': 6, '-': 6,
  '==': 5, '!=': 5, '<>': 5, '<': 5, '>': 5, '<=': 5, '>=': 5,
  '&&': 3, '||': 2,
};

function needConst(v: Value, op: string, col: number): bigint {
  if (v.kind !== 'const') throw new StmtError(`operator '${op}' needs constant operands (a symbol's address is not known until link time)`, col);
  return v.v;
}

function binary(op: string, a: Value, b: Value, col: number): Value {
  if (op === '+') {
    if (a.kind === 'const' && b.kind === 'const') return constant(a.v + b.v);
    if (a.kind === 'const' && b.kind !== 'const') return binary('+', b, a, col);
    if (a.kind !== 'const' && b.kind === 'const') return { ...a, add: BigInt.asIntN(64, a.add + b.v) };
    throw new StmtError('cannot add two symbols', col);
  }
  if (op === '-') {
    if (b.kind === 'const') return a.kind === 'const' ? constant(a.v - b.v) : { ...a, add: BigInt.asIntN(64, a.add - b.v) };
    if (a.kind === 'sym' && b.kind === 'sym') {
      if (a.sym === b.sym) return constant(a.add - b.add);
      return { kind: 'diff', a: a.sym, b: b.sym, add: BigInt.asIntN(64, a.add - b.add) };
    }
    throw new StmtError('cannot subtract a symbol from this expression', col);
  }
  const x = needConst(a, op, col), y = needConst(b, op, col);
  switch (op) {
    case '*': return constant(x * y);
    case '/': if (y === 0n) throw new StmtError('division by zero', col); return constant(x / y);
    case '%': if (y === 0n) throw new StmtError('division by zero', col); return constant(x % y);
    case '<<': return constant(y >= 64n || y < 0n ? 0n : x << y);
    case '>>': return constant(y >= 64n || y < 0n ? (x < 0n ? -1n : 0n) : x >> y);
    case '|': return constant(x | y);
    case '&': return constant(x & y);
    case '^': return constant(x ^ y);
    case '!': return constant(x | ~y);
    case '==': return constant(x === y ? -1n : 0n);
    case '!=': case '<>': return constant(x !== y ? -1n : 0n);
    case '<': return constant(x < y ? -1n : 0n);
    case '>': return constant(x > y ? -1n : 0n);
    case '<=': return constant(x <= y ? -1n : 0n);
    case '>=': return constant(x >= y ? -1n : 0n);
    case '&&': return constant(x !== 0n && y !== 0n ? 1n : 0n);
    case '||': return constant(x !== 0n || y !== 0n ? 1n : 0n);
  }
  throw new StmtError(`unknown operator '${op}'`, col);
}

function primary(c: Cursor, r: Resolver): Value {
  const t = c.next();
  if (!t) throw new StmtError('expected an expression, found end of line', c.endCol);
  switch (t.kind) {
    case 'num': return constant(t.value!);
    case 'lref': return r.localRef(t.value!, t.dir!, t.col);
    case 'id': return t.text === '.' ? r.dot(t.col) : r.symbol(t.text, t.col);
    case 'op':
      if (t.text === '(') {
        const v = expression(c, r);
        c.expectOp(')', 'to close the parenthesis');
        return v;
      }
      if (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+') {
        const v = primary(c, r);
        if (t.text === '+') return v;
        const x = needConst(v, t.text, t.col);
        return constant(t.text === '-' ? -x : t.text === '~' ? ~x : x === 0n ? 1n : 0n);
      }
      break;
    default:
      break;
  }
  throw new StmtError(`expected an expression, found ${describe(t)}`, t.col);
}

function climb(c: Cursor, r: Resolver, minRank: number): Value {
  let lhs = primary(c, r);
  for (;;) {
    const t = c.peek();
    if (!t || t.kind !== 'op') break;
    const rank = RANKS[t.text];
    if (rank === undefined || rank < minRank) break;
    c.next();
    const rhs = climb(c, r, rank + 1);
    lhs = binary(t.text, lhs, rhs, t.col);
  }
  return lhs;
}

/** Parse one expression at the cursor. */
export function expression(c: Cursor, r: Resolver): Value {
  return climb(c, r, 0);
}
