/** The adapter's expression language (conditions, logpoints, Debug Console), without a client. */
import { describe, expect, it } from 'vitest';
import { evaluate, interpolate, type EvalContext } from '../../adapter/expressions';
import { parseHitCondition } from '../../adapter/breakpoints';

const regs = new Int32Array(32);
regs[10] = 5;
regs[11] = -1;
const mem = new Map<number, number>([[0x80001000, 0x78], [0x80001001, 0x56], [0x80001002, 0x34], [0x80001003, 0x12]]);
const ctx: EvalContext = {
  reg: (i) => regs[i]!,
  pc: () => 0x80000010,
  csr: (n) => (n === 'mstatus' ? 0x1800 : undefined),
  symbol: (n) => (n === 'counter' ? { address: 0x80001000, size: 4, isObject: true } : n === 'main' ? { address: 0x80000100, size: 20, isObject: false } : undefined),
  load: (a, size) => {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | (mem.get(a + i) ?? 0);
    return v;
  },
};
const ev = (s: string) => evaluate(s, ctx).value >>> 0;

describe('adapter expressions', () => {
  it.each([
    ['a0 == 5', 1], ['x10 > 3 && pc != 0x80000010', 0], ['x10 > 3 || pc != 0x80000010', 1], ['a1', 0xffffffff],
    ['a1 > 5', 1], ['(int)a1 < 0', 1], ['(mstatus >> 11) & 3', 3], ['*(uint32*)0x80001000', 0x12345678],
    ['*(u8*)0x80001001', 0x56], ['*(int8*)0x80001000', 0x78], ['counter', 0x12345678], ['&counter', 0x80001000],
    ['main + 4', 0x80000104], ['-1', 0xffffffff], ['7 / 2 * 2 + 7 % 2', 7], ['1 << 31', 0x80000000], ['~0 ^ 0xff', 0xffffff00],
    ['fp', 0], ['!a0', 0], ['0b101', 5],
  ])('%s = %d', (expr, want) => {
    expect(ev(expr as string)).toBe(want);
  });

  it.each([['1 +', /ends too early/], ['foo', /not a register, CSR or symbol/], ['1 / 0', /division by zero/], ['a0 @ 1', /unexpected '@'/], ['(1', /expected '\)'/]])(
    'rejects %s', (expr, message) => {
      expect(() => evaluate(expr as string, ctx)).toThrow(message as RegExp);
    });

  it('interpolates logpoint messages', () => {
    expect(interpolate('a0={a0} a1={(int)a1} {{literal}} {nope}', ctx)).toBe("a0=5 a1=-1 {literal} <'nope' is not a register, CSR or symbol>");
  });

  it('parses hit conditions', () => {
    const at = (s: string) => [1, 2, 3, 4, 5, 6].filter(parseHitCondition(s) as (h: number) => boolean);
    expect(at('3')).toEqual([3, 4, 5, 6]);
    expect(at('== 3')).toEqual([3]);
    expect(at('% 2')).toEqual([2, 4, 6]);
    expect(at('< 3')).toEqual([1, 2]);
    expect(parseHitCondition('often')).toMatch(/not understood/);
  });
});
