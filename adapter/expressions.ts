/**
 * Expressions of the Debug Console, breakpoint conditions and logpoints: C-like integer expressions
 * over registers (x0..x31, ABI names, fp, pc), CSRs (by name), symbols and memory:
 *   a0 == 5    x10 > 3 && pc != 0x80000010    *(uint32*)0x80001000    counter + 1    &values
 * Values are 32-bit; comparisons are unsigned unless a cast to a signed type is used (int32/int).
 * An object symbol of 1, 2 or 4 bytes evaluates to its contents (as in C); `&sym` is its address.
 * What the hart runs (hypervisor debugging): `$vmid` (hgatp.VMID while V=1, -1 in the host),
 * `$host` (1 while V=0) and `$guest` (1 while V=1); in breakpoint conditions and logpoints also
 * without `$` (`vmid == 2 && a0 == 3`), after registers, CSRs and symbols of the same name.
 */
import { ABI_NAMES } from '../emulator/isa/registers';

/** What an expression may read; supplied by the session for one hart. */
export interface EvalContext {
  reg(i: number): number;
  pc(): number;
  csr(name: string): number | undefined;
  symbol(name: string): { address: number; size: number; isObject: boolean } | undefined;
  /** Reads `size` bytes (1, 2, 4) at a physical address; throws EvalError when unreadable. */
  load(addr: number, size: number): number;
  /** hgatp.VMID of the hart while it runs a guest (V=1), undefined in the host (V=0). */
  vmid?(): number | undefined;
  /** Whether guest `vmid` has a symbol table of its own (`symbols`); without one it runs the main program's. */
  ownsSymbols?(vmid: number): boolean;
  /** `vmid`, `host` and `guest` without `$` name what the hart runs (breakpoint conditions, logpoints). */
  bareVmNames?: boolean;
}

export class EvalError extends Error {}

export interface EvalResult {
  value: number;
  /** Signedness for display. */
  signed: boolean;
  /** Address of the memory the value came from (a dereference or an object symbol). */
  address?: number;
}

type Tok = { k: 'num'; v: number } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '!', '~', '(', ')'];

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(0x[0-9a-f]+|0b[01]+|\d+)u?/i.exec(s.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[1]!.toLowerCase().startsWith('0b') ? parseInt(num[1]!.slice(2), 2) : num[1]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_$.][\w$.]*/.exec(s.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new EvalError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

const TYPES: Record<string, { size: number; signed: boolean }> = {
  uint8: { size: 1, signed: false }, u8: { size: 1, signed: false }, uint8_t: { size: 1, signed: false }, char: { size: 1, signed: true },
  int8: { size: 1, signed: true }, i8: { size: 1, signed: true }, int8_t: { size: 1, signed: true },
  uint16: { size: 2, signed: false }, u16: { size: 2, signed: false }, uint16_t: { size: 2, signed: false }, short: { size: 2, signed: true },
  int16: { size: 2, signed: true }, i16: { size: 2, signed: true }, int16_t: { size: 2, signed: true },
  uint32: { size: 4, signed: false }, u32: { size: 4, signed: false }, uint32_t: { size: 4, signed: false }, unsigned: { size: 4, signed: false },
  int32: { size: 4, signed: true }, i32: { size: 4, signed: true }, int32_t: { size: 4, signed: true }, int: { size: 4, signed: true },
};

const BINARY: [string[], (a: EvalResult, b: EvalResult) => number][][] = [
  [[['||'], (a, b) => (a.value !== 0 || b.value !== 0 ? 1 : 0)]],
  [[['&&'], (a, b) => (a.value !== 0 && b.value !== 0 ? 1 : 0)]],
  [[['|'], (a, b) => a.value | b.value]],
  [[['^'], (a, b) => a.value ^ b.value]],
  [[['&'], (a, b) => a.value & b.value]],
  [[['=='], (a, b) => (a.value >>> 0 === b.value >>> 0 ? 1 : 0)], [['!='], (a, b) => (a.value >>> 0 !== b.value >>> 0 ? 1 : 0)]],
  [[['<', '<=', '>', '>='], () => 0]], // handled in compare()
  [[['<<'], (a, b) => a.value << (b.value & 31)], [['>>'], (a, b) => (a.signed ? a.value >> (b.value & 31) : a.value >>> (b.value & 31))]],
  [[['+'], (a, b) => a.value + b.value], [['-'], (a, b) => a.value - b.value]],
  [[['*'], (a, b) => Math.imul(a.value, b.value)], [['/'], (a, b) => div(a, b, false)], [['%'], (a, b) => div(a, b, true)]],
];

function div(a: EvalResult, b: EvalResult, rem: boolean): number {
  if (b.value === 0) throw new EvalError('division by zero');
  const signed = a.signed && b.signed;
  const x = signed ? a.value | 0 : a.value >>> 0;
  const y = signed ? b.value | 0 : b.value >>> 0;
  return rem ? x % y : Math.trunc(x / y);
}

function compare(op: string, a: EvalResult, b: EvalResult): number {
  const signed = a.signed && b.signed;
  const x = signed ? a.value | 0 : a.value >>> 0;
  const y = signed ? b.value | 0 : b.value >>> 0;
  const r = op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  return r ? 1 : 0;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly ctx: EvalContext) {}

  parse(): EvalResult {
    if (this.toks.length === 0) throw new EvalError('empty expression');
    const r = this.binary(0);
    if (this.i < this.toks.length) throw new EvalError(`unexpected '${this.toks[this.i]!.v}'`);
    return r;
  }

  private peekOp(): string | undefined {
    const t = this.toks[this.i];
    return t?.k === 'op' ? t.v : undefined;
  }

  private expect(op: string): void {
    if (this.peekOp() !== op) throw new EvalError(`expected '${op}'`);
    this.i++;
  }

  private binary(level: number): EvalResult {
    if (level >= BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = this.peekOp();
      const entry = op === undefined ? undefined : BINARY[level]!.find(([ops]) => ops.includes(op));
      if (op === undefined || entry === undefined) return left;
      this.i++;
      const right = this.binary(level + 1);
      const v = level === 6 ? compare(op, left, right) : entry[1](left, right);
      const isBool = level <= 1 || level === 5 || level === 6;
      left = { value: v | 0, signed: isBool ? true : left.signed && right.signed };
    }
  }

  /** `(type*)` or `(type)` at the cursor: returns the type and whether it is a pointer. */
  private cast(): { size: number; signed: boolean; pointer: boolean } | undefined {
    const a = this.toks[this.i];
    const b = this.toks[this.i + 1];
    if (this.peekOp() !== '(' || b?.k !== 'id' || !(b.v in TYPES)) return undefined;
    void a;
    let j = this.i + 2;
    let pointer = false;
    const t = this.toks[j];
    if (t?.k === 'op' && t.v === '*') { pointer = true; j++; }
    const close = this.toks[j];
    if (close?.k !== 'op' || close.v !== ')') return undefined;
    this.i = j + 1;
    return { ...TYPES[b.v]!, pointer };
  }

  private unary(): EvalResult {
    const op = this.peekOp();
    if (op === '-' || op === '!' || op === '~' || op === '+') {
      this.i++;
      const v = this.unary();
      const value = op === '-' ? -v.value : op === '!' ? (v.value === 0 ? 1 : 0) : op === '~' ? ~v.value : v.value;
      return { value: value | 0, signed: op === '!' ? true : v.signed };
    }
    if (op === '&') {
      this.i++;
      const t = this.toks[this.i];
      if (t?.k !== 'id') throw new EvalError("'&' needs a symbol name");
      this.i++;
      const s = this.ctx.symbol(t.v);
      if (!s) throw new EvalError(`no symbol '${t.v}'`);
      return { value: s.address | 0, signed: false };
    }
    if (op === '*') {
      this.i++;
      const c = this.cast();
      const type = c?.pointer ? c : { size: 4, signed: false };
      const addr = this.unary();
      const a = addr.value >>> 0;
      const raw = this.ctx.load(a, type.size);
      const shift = 32 - 8 * type.size;
      const value = type.signed ? (raw << shift) >> shift : type.size === 4 ? raw | 0 : raw;
      return { value, signed: type.signed, address: a };
    }
    const c = this.cast();
    if (c) {
      const v = this.unary();
      if (c.pointer) return { value: v.value, signed: false };
      const shift = 32 - 8 * c.size;
      return { value: c.signed ? (v.value << shift) >> shift : c.size === 4 ? v.value : v.value & ((1 << (8 * c.size)) - 1), signed: c.signed };
    }
    return this.primary();
  }

  private primary(): EvalResult {
    const t = this.toks[this.i++];
    if (t === undefined) throw new EvalError('the expression ends too early');
    if (t.k === 'num') return { value: t.v | 0, signed: t.v <= 0x7fffffff };
    if (t.k === 'op') {
      if (t.v !== '(') throw new EvalError(`unexpected '${t.v}'`);
      const r = this.binary(0);
      this.expect(')');
      return r;
    }
    return lookup(t.v, this.ctx);
  }
}

const REG_ALIASES: ReadonlyMap<string, number> = new Map([
  ...ABI_NAMES.map((n, i) => [n, i] as [string, number]),
  ...Array.from({ length: 32 }, (_, i) => [`x${i}`, i] as [string, number]),
  ['fp', 8],
]);

/** Register number of a name (x0..x31, ABI names, fp), or undefined. */
export function registerNumber(name: string): number | undefined {
  return REG_ALIASES.get(name.toLowerCase());
}

function lookup(name: string, ctx: EvalContext): EvalResult {
  // `$vmid` and co. are the debugger's whatever the program names; bare `vmid` comes after the program's names.
  const dollar = name.startsWith('$') ? vmName(name, ctx) : undefined;
  if (dollar !== undefined) return dollar;
  const reg = registerNumber(name);
  if (reg !== undefined) return { value: ctx.reg(reg), signed: false };
  if (name.toLowerCase() === 'pc') return { value: ctx.pc(), signed: false };
  const csr = ctx.csr(name.toLowerCase());
  if (csr !== undefined) return { value: csr, signed: false };
  const s = ctx.symbol(name);
  if (s !== undefined) {
    if (s.isObject && (s.size === 1 || s.size === 2 || s.size === 4)) {
      const raw = ctx.load(s.address, s.size);
      return { value: raw | 0, signed: true, address: s.address };
    }
    return { value: s.address | 0, signed: false, address: s.address };
  }
  const vm = name.startsWith('$') ? undefined : vmName(name, ctx);
  if (vm !== undefined) return vm;
  throw new EvalError(`'${name}' is not a register, CSR or symbol`);
}

/** What the hart runs: `$vmid` (-1 in the host), `$host`, `$guest`; bare where the context allows it. */
function vmName(name: string, ctx: EvalContext): EvalResult | undefined {
  const bare = name.startsWith('$') ? name.slice(1) : ctx.bareVmNames ? name : undefined;
  if (bare !== 'vmid' && bare !== 'host' && bare !== 'guest') return undefined;
  if (ctx.vmid === undefined) throw new EvalError(`'${name}' needs a hart to look at`);
  const vmid = ctx.vmid();
  const value = bare === 'vmid' ? vmid ?? -1 : (bare === 'guest') === (vmid !== undefined) ? 1 : 0;
  return { value, signed: true };
}

export function evaluate(expr: string, ctx: EvalContext): EvalResult {
  return new Parser(tokenize(expr), ctx).parse();
}

/** Logpoint text: `{expr}` is replaced by the expression's value (decimal); `{{`/`}}` are braces. */
export function interpolate(template: string, ctx: EvalContext): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, expr: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    try {
      const r = evaluate(expr!, ctx);
      return String(r.signed ? r.value | 0 : r.value >>> 0);
    } catch (e) {
      return `<${(e as Error).message}>`;
    }
  });
}

/** How values are shown: hex, then decimal (signed when negative as a 32-bit signed value). */
export function formatValue(v: number): string {
  const u = v >>> 0;
  return `0x${u.toString(16).padStart(8, '0')} (${(v | 0) < 0 ? `${u} / ${v | 0}` : u})`;
}
