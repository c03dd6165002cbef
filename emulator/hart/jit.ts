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
import { FETCH_COUNT, FETCH_SPLIT, fetchPlan, type HartCache } from './cache-path';
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

/**
 * With the cache fast path (`cache` non-null; cache-path.ts) the block also reports its fetches and
 * its TLB-served loads and stores: a hit on an L1 set's MRU line is counted inline, anything else
 * calls the model. Fetches that only count (FETCH_COUNT) are added up at each exit.
 */
export function compileBlock(b: Block, misalignBits: number, cache: HartCache | null = null): Compiled {
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
  // Fetches counted without a check up to and including instruction k (cache-path.ts fetchPlan).
  const plan = cache === null ? null : fetchPlan(b, b.off, cache.iLine);
  const counted: number[] = [];
  if (plan !== null) plan.reduce((acc, p, k) => (counted[k] = acc + (p === FETCH_COUNT ? 1 : 0)), 0);
  // Fetch hits are summed in `fh` (checked ones as they happen, counted ones statically) and stored once, at the exit.
  const pend = (k: number): string => (plan === null ? '' : `iPend[fa] += fh${counted[k]! > 0 ? ` + ${counted[k]}` : ''}; `);
  // Another turn of a block that loops: this turn's counted fetches join fh.
  const more = (): string => (plan !== null && counted[n - 1]! > 0 ? `fh += ${counted[n - 1]}; ` : '');
  const ret = (k: number): string => `{ ${pend(k - 1)}h.curBlock = null; h.retired += ${k}; return done + ${k}; }`;
  const exit = (k: number, next: number): string =>
    `if (r !== 0) { if (r === 2) { ${pend(k)}h.pc = (pc0 + ${offs[k]}) >>> 0; h.curBlock = null; h.retired += ${k}; ` +
    `takeTrap(h, h.trapCause, false, h.trapTval); return done + ${k}; } if (r !== 1) h.pc = (pc0 + ${next}) >>> 0; ${ret(k + 1)} }`;
  const misaligned = (t: string, k: number): string => misalignBits === 0 ? '' :
    `if ((${t} & ${misalignBits}) !== 0) { h.pc = (pc0 + ${offs[k]}) >>> 0; h.raise(${Cause.InsnMisaligned}, ${t}); r = 2; ${exit(k, 0)} }`;
  // One inline L1D check: the access at RAM offset q (kind 1 load, 2 store) under tag ct.
  const dcheck = (kind: number, size: number, tags: string): string => {
    const c = cache!;
    const inLine = size > 1 ? ` && (q & ${c.dLine - 1}) <= ${c.dLine - size}` : '';
    const dirty = kind === 2 ? ' && dDirty[c] === 1' : '';
    return `q = ${tags === 'l' ? 'lPage' : 'sPage'}[s] * 4096 + o; ct = ${tags}Ct[s]; ln = q >>> ${c.dShift}; c = ln & ${c.dSets}; ` +
      `if (dKey[c] === ln * 256 + ct${inLine}${dirty}) dPend[ct >>> 1]++; else hc.access(h.id, ${kind}, q, ${size}, ct); `;
  };
  const fetch = (k: number, len: number): string => {
    if (plan === null || plan[k] === FETCH_COUNT) return '';
    const c = cache!;
    const check = (o: number, size: number): string => `q = fb + ${o}; ln = q >>> ${c.iShift}; c = ln & ${c.iSets}; ` +
      `if (iKey[c] === ln * 256 + fct) fh++; else hc.access(h.id, 0, q, ${size}, fct); `;
    if (plan[k] !== FETCH_SPLIT) return check(offs[k]!, len);
    // One check per line, as the model accesses them (cacheFetchSplit).
    const second = offs[k]! + c.iLine - ((b.off + offs[k]!) % c.iLine);
    return check(offs[k]!, 1) + check(second, 1);
  };
  const body: string[] = [];
  b.insns.forEach((d, k) => {
    const name = d.insn.name;
    const here = offs[k]!;
    const next = here + d.len;
    const rd = d.rd === X_SINK ? 32 : d.rd;
    const f = fetch(k, d.len);
    if (f !== '') body.push(f);
    if (!native(d)) {
      body.push(`h.pc = (pc0 + ${here}) >>> 0; r = F[${k}](h, D[${k}]); ${exit(k, next)}`);
    } else if (name in ALU) {
      if (d.rd !== X_SINK) body.push(`x[${rd}] = ${fill(ALU[name]!, d)};`);
    } else if (name === 'auipc') {
      if (d.rd !== X_SINK) body.push(`x[${rd}] = (pc0 + ${here + d.imm}) | 0;`);
    } else if (name in LOADS) {
      const [get, size, signed] = LOADS[name]!;
      const check = cache === null ? '' : dcheck(1, size, 'l');
      body.push(`a = ${fill('(x[A] + I) | 0', d)}; v = a >>> 12; s = v & 255; o = a & 4095;` +
        `if (lTag[s] === v${size > 1 ? ` && o <= ${4096 - size}` : ''}) { ${check}x[${rd}] = lMem[s].${get}; } ` +
        `else { h.pc = (pc0 + ${here}) >>> 0; r = loadInto(h, ${rd}, a, ${size}, ${signed}); ${exit(k, next)} }`);
    } else if (name in STORES) {
      const [set, size] = STORES[name]!;
      const check = cache === null ? '' : dcheck(2, size, 's');
      body.push(`a = ${fill('(x[A] + I) | 0', d)}; v = a >>> 12; s = v & 255; o = a & 4095;` +
        `if (sTag[s] === v${size > 1 ? ` && o <= ${4096 - size}` : ''}) { ${check}sMem[s].${fill(set, d)}; } ` +
        `else { h.pc = (pc0 + ${here}) >>> 0; r = storeValue(h, a, ${size}, ${fill('x[B]', d)}); ${exit(k, next)} }`);
    } else if (name === 'fence') {
      // no-op
    } else if (name === 'jal' || name === 'jalr') {
      body.push(name === 'jal' ? `t = (pc0 + ${here + d.imm}) >>> 0;` : `t = (${fill('x[A] + I', d)}) & ~1; t >>>= 0;`);
      body.push(misaligned('t', k));
      if (d.rd !== X_SINK) body.push(`x[${rd}] = (pc0 + ${next}) | 0;`);
      if (loops) body.push(`if (done + ${2 * n} <= lim && h.attention === 0) { ${more()}done += ${n}; h.retired += ${n}; continue; }`);
      body.push(`h.pc = t; ${ret(n)}`);
    } else if (name in BRANCH_COND) {
      body.push(`if (${fill(BRANCH_COND[name]!, d)}) { t = (pc0 + ${here + d.imm}) >>> 0; ${misaligned('t', k)}`);
      if (loops) body.push(`if (done + ${2 * n} <= lim && h.attention === 0) { ${more()}done += ${n}; h.retired += ${n}; continue; }`);
      body.push(`h.pc = t; ${ret(n)} }`);
      body.push(`h.pc = (pc0 + ${endOff}) >>> 0; ${ret(n)}`);
    } else {
      body.push(`h.pc = (pc0 + ${here}) >>> 0; r = F[${k}](h, D[${k}]); ${exit(k, next)}`);
    }
  });
  const lastKind = lastName in BRANCH_COND || lastName === 'jal' || lastName === 'jalr';
  if (!lastKind || !native(last)) body.push(`h.pc = (pc0 + ${endOff}) >>> 0; ${ret(n)}`);
  // The cache fast path's state, only what this block's code uses (short blocks run often).
  const inlined = b.insns.filter((d) => native(d));
  const loads = inlined.some((d) => d.insn.name in LOADS);
  const stores = inlined.some((d) => d.insn.name in STORES);
  const cacheVars = cache === null ? '' : `
  const hc = h.cache, iKey = hc.iKey, iPend = hc.iPend, fb = h.fetchBase, fct = h.fetchCt, fa = fct >>> 1;
  let q = 0, ct = 0, ln = 0, c = 0, fh = 0;${loads || stores ? '\n  const dKey = hc.dKey, dPend = hc.dPend;' : ''}${loads ? '\n  const lPage = h.lPage, lCt = h.lCt;' : ''}${stores ? '\n  const sPage = h.sPage, sCt = h.sCt, dDirty = hc.dDirty;' : ''}`;
  const src = `return function block(h, lim) {
  const x = h.x, lTag = h.lTag, lMem = h.lMem, sTag = h.sTag, sMem = h.sMem;
  const pc0 = h.pc;
  h.curBlock = B; h.blockPc = pc0;
  let done = 0, r = 0, a = 0, v = 0, s = 0, o = 0, t = 0;${cacheVars}
  for (;;) {
${body.join('\n')}
  }
};`;
  const make = new Function('B', 'F', 'D', 'takeTrap', 'loadInto', 'storeValue', 'mulh', 'mulhsu', 'mulhu',
    'divS', 'divU', 'remS', 'remU', src) as (...args: unknown[]) => Compiled;
  return make(b, b.insns.map((d) => d.fn), b.insns, takeTrap, loadInto, storeValue, mulh, mulhsu, mulhu,
    divS, divU, remS, remU);
}
