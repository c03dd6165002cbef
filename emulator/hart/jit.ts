/**
 * Block compiler: turns a hot decoded block into one JS function (via `new Function`), with the
 * common RV32IM operations inlined as source templates, constants folded in, and the TLB fast paths
 * open-coded. Everything else calls the instruction's table handler, so behaviour stays defined by
 * the handler table; test/unit/cpu/jit.test.ts runs programs both ways and compares.
 *
 * Protocol of the compiled function `(h, lim) => retired`: it is entered only when the block fits in
 * `lim`; it adds what it retired to h.retired itself and leaves h.pc at the next instruction, after
 * taking any exception (like the interpreter). A block whose last instruction branches back to its own
 * start loops inside the function while whole iterations fit in `lim` and nothing needs attention.
 */
import { Cause } from '../csr/bits';
import type { Block } from './codecache';
import { divS, divU, mulh, mulhsu, mulhu, remS, remU, INT_HANDLERS } from './exec-int';
import { MEM_HANDLERS } from './exec-mem';
import type { Hart } from './hart';
import { loadInto, storeValue } from './memory';
import { takeTrap } from './trap';
import { X_SINK, type DInsn } from './types';

export type Compiled = (h: Hart, lim: number) => number;

const BRANCH_COND: Record<string, string> = {
  beq: 'x[A] === x[B]', bne: 'x[A] !== x[B]', blt: 'x[A] < x[B]', bge: 'x[A] >= x[B]',
  bltu: '(x[A] >>> 0) < (x[B] >>> 0)', bgeu: '(x[A] >>> 0) >= (x[B] >>> 0)',
};

const ALU: Record<string, string> = {
  addi: '(x[A] + I) | 0', slti: 'x[A] < I ? 1 : 0', sltiu: '(x[A] >>> 0) < (I >>> 0) ? 1 : 0',
  xori: 'x[A] ^ I', ori: 'x[A] | I', andi: 'x[A] & I', slli: 'x[A] << I', srli: 'x[A] >>> I', srai: 'x[A] >> I',
  add: '(x[A] + x[B]) | 0', sub: '(x[A] - x[B]) | 0', sll: 'x[A] << x[B]', slt: 'x[A] < x[B] ? 1 : 0',
  sltu: '(x[A] >>> 0) < (x[B] >>> 0) ? 1 : 0', xor: 'x[A] ^ x[B]', srl: 'x[A] >>> x[B]', sra: 'x[A] >> x[B]',
  or: 'x[A] | x[B]', and: 'x[A] & x[B]', mul: 'Math.imul(x[A], x[B])', mulh: 'mulh(x[A], x[B])',
  mulhsu: 'mulhsu(x[A], x[B])', mulhu: 'mulhu(x[A] >>> 0, x[B] >>> 0)', div: 'divS(x[A], x[B])',
  divu: 'divU(x[A], x[B])', rem: 'remS(x[A], x[B])', remu: 'remU(x[A], x[B])', lui: 'I',
};

const LOADS: Record<string, [string, number, boolean]> = {
  lb: ['getInt8(o)', 1, true], lbu: ['getUint8(o)', 1, false], lh: ['getInt16(o, true)', 2, true],
  lhu: ['getUint16(o, true)', 2, false], lw: ['getInt32(o, true)', 4, true],
};
const STORES: Record<string, [string, number]> = {
  sb: ['setInt8(o, x[B])', 1], sh: ['setInt16(o, x[B], true)', 2], sw: ['setInt32(o, x[B], true)', 4],
};

const fill = (t: string, d: DInsn): string =>
  t.replace(/x\[A\]/g, d.rs1 === 0 ? '0' : `x[${d.rs1}]`).replace(/x\[B\]/g, d.rs2 === 0 ? '0' : `x[${d.rs2}]`).replace(/\bI\b/g, `(${d.imm})`);

/** Whether `d` runs its own table handler (not replaced by `illegal` because of the ISA). */
function native(d: DInsn): boolean {
  const name = d.insn.name;
  return d.fn === INT_HANDLERS[name] || d.fn === MEM_HANDLERS[name];
}

export function compileBlock(b: Block, misalignBits: number): Compiled {
  const n = b.n;
  const offs: number[] = [];
  let off = 0;
  for (const d of b.insns) {
    offs.push(off);
    off += d.len;
  }
  const endOff = off;
  const last = b.insns[n - 1]!;
  const lastName = last.insn.name;
  const loops = !b.bpStart && native(last) && (lastName in BRANCH_COND || lastName === 'jal') && offs[n - 1]! + last.imm === 0;
  const ret = (k: string): string => `{ h.curBlock = null; h.retired += ${k}; return done + ${k}; }`;
  const exit = (k: number, next: number): string =>
    `if (r !== 0) { if (r === 2) { h.pc = (pc0 + ${offs[k]}) >>> 0; h.curBlock = null; h.retired += ${k}; ` +
    `takeTrap(h, h.trapCause, false, h.trapTval); return done + ${k}; } if (r !== 1) h.pc = (pc0 + ${next}) >>> 0; ${ret(String(k + 1))} }`;
  const misaligned = (t: string, k: number): string => misalignBits === 0 ? '' :
    `if ((${t} & ${misalignBits}) !== 0) { h.pc = (pc0 + ${offs[k]}) >>> 0; h.raise(${Cause.InsnMisaligned}, ${t}); r = 2; ${exit(k, 0)} }`;
  const body: string[] = [];
  b.insns.forEach((d, k) => {
    const name = d.insn.name;
    const here = offs[k]!;
    const next = here + d.len;
    const rd = d.rd === X_SINK ? 32 : d.rd;
    if (!native(d)) {
      body.push(`h.pc = (pc0 + ${here}) >>> 0; r = F[${k}](h, D[${k}]); ${exit(k, next)}`);
    } else if (name in ALU) {
      if (d.rd !== X_SINK) body.push(`x[${rd}] = ${fill(ALU[name]!, d)};`);
    } else if (name === 'auipc') {
      if (d.rd !== X_SINK) body.push(`x[${rd}] = (pc0 + ${here + d.imm}) | 0;`);
    } else if (name in LOADS) {
      const [get, size, signed] = LOADS[name]!;
      body.push(`a = ${fill('(x[A] + I) | 0', d)}; v = a >>> 12; s = v & 255; o = a & 4095;` +
        `if (lTag[s] === v${size > 1 ? ` && o <= ${4096 - size}` : ''}) x[${rd}] = lMem[s].${get}; ` +
        `else { h.pc = (pc0 + ${here}) >>> 0; r = loadInto(h, ${rd}, a, ${size}, ${signed}); ${exit(k, next)} }`);
    } else if (name in STORES) {
      const [set, size] = STORES[name]!;
      body.push(`a = ${fill('(x[A] + I) | 0', d)}; v = a >>> 12; s = v & 255; o = a & 4095;` +
        `if (sTag[s] === v${size > 1 ? ` && o <= ${4096 - size}` : ''}) sMem[s].${fill(set, d)}; ` +
        `else { h.pc = (pc0 + ${here}) >>> 0; r = storeValue(h, a, ${size}, ${fill('x[B]', d)}); ${exit(k, next)} }`);
    } else if (name === 'fence') {
      // no-op
    } else if (name === 'jal' || name === 'jalr') {
      body.push(name === 'jal' ? `t = (pc0 + ${here + d.imm}) >>> 0;` : `t = (${fill('x[A] + I', d)}) & ~1; t >>>= 0;`);
      body.push(misaligned('t', k));
      if (d.rd !== X_SINK) body.push(`x[${rd}] = (pc0 + ${next}) | 0;`);
      if (loops) body.push(`if (done + ${2 * n} <= lim && h.attention === 0) { done += ${n}; h.retired += ${n}; continue; }`);
      body.push(`h.pc = t; ${ret(String(n))}`);
    } else if (name in BRANCH_COND) {
      body.push(`if (${fill(BRANCH_COND[name]!, d)}) { t = (pc0 + ${here + d.imm}) >>> 0; ${misaligned('t', k)}`);
      if (loops) body.push(`if (done + ${2 * n} <= lim && h.attention === 0) { done += ${n}; h.retired += ${n}; continue; }`);
      body.push(`h.pc = t; ${ret(String(n))} }`);
      body.push(`h.pc = (pc0 + ${endOff}) >>> 0; ${ret(String(n))}`);
    } else {
      body.push(`h.pc = (pc0 + ${here}) >>> 0; r = F[${k}](h, D[${k}]); ${exit(k, next)}`);
    }
  });
  const lastKind = lastName in BRANCH_COND || lastName === 'jal' || lastName === 'jalr';
  if (!lastKind || !native(last)) body.push(`h.pc = (pc0 + ${endOff}) >>> 0; ${ret(String(n))}`);
  const src = `return function block(h, lim) {
  const x = h.x, lTag = h.lTag, lMem = h.lMem, sTag = h.sTag, sMem = h.sMem;
  const pc0 = h.pc;
  h.curBlock = B; h.blockPc = pc0;
  let done = 0, r = 0, a = 0, v = 0, s = 0, o = 0, t = 0;
  for (;;) {
${body.join('\n')}
  }
};`;
  const make = new Function('B', 'F', 'D', 'takeTrap', 'loadInto', 'storeValue', 'mulh', 'mulhsu', 'mulhu',
    'divS', 'divU', 'remS', 'remU', src) as (...args: unknown[]) => Compiled;
  return make(b, b.insns.map((d) => d.fn), b.insns, takeTrap, loadInto, storeValue, mulh, mulhsu, mulhu,
    divS, divU, remS, remU);
}
