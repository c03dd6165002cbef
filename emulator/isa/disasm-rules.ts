/**
 * How binutils 2.40's objdump spells each instruction: for every base mnemonic (32-bit) and every
 * compressed form (16-bit, by `cname`), an ordered list of rules; the first whose condition holds gives
 * the printed mnemonic and an operand template. The aliases are the assembler-handbook pseudo-
 * instructions (unprivileged spec ch. 25, tables 25.2-25.3) in the order binutils 2.40 prefers them,
 * established against the real objdump (test/unit/isa/disasm*.test.ts).
 *
 * Operand template letters (everything else is copied):
 *   d rd  s rs1  t rs2         S rs1 of a jalr (objdump then annotates a known target address)
 *   i imm (decimal)            j imm of addi/jalr (decimal; annotated when rs1 != x0 has a known value)
 *   o load offset (decimal, annotated)   q store offset (decimal, annotated)
 *   > shift amount (0x hex)    u U-type immediate >> 12 (0x hex)
 *   p branch target  a jump target (absolute hex address, plus <symbol> when one is known)
 *   E CSR name or number       Z CSR uimm5 (the rs1 field, decimal)
 *   P fence predecessor set    Q fence successor set   A .aq/.rl suffix of an AMO
 */
import type { Insn } from './insn';

export interface Rule {
  /** When absent the rule always applies. */
  readonly when?: (i: Insn) => boolean;
  /** Printed mnemonic ('@counter': rdcycle & co.; a trailing 'A': the AMO ordering suffix). */
  readonly mn: string;
  /** Operand template ('' for none). */
  readonly tpl: string;
}

/** A rule from "mnemonic operands" text. */
function r(out: string, when?: (i: Insn) => boolean): Rule {
  const sp = out.indexOf(' ');
  const mn = sp < 0 ? out : out.slice(0, sp);
  const tpl = sp < 0 ? '' : out.slice(sp + 1);
  return when ? { mn, tpl, when } : { mn, tpl };
}
const plain = (name: string, ops: string): Rule[] => [r(ops ? `${name} ${ops}` : name)];

/** rdcycle & co. (unprivileged spec 25, table 25.3; Zicntr). */
const COUNTER_ALIAS: Readonly<Record<number, string>> = {
  0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret', 0xc80: 'rdcycleh', 0xc81: 'rdtimeh', 0xc82: 'rdinstreth',
};
export const counterAlias = (csr: number): string | undefined => COUNTER_ALIAS[csr];

const FENCE_RAW_OK = (i: Insn): boolean => (i.raw & 0x000f8f80) === 0; // rd = rs1 = 0

/** 32-bit instructions, by base mnemonic. */
export const RULES32: Readonly<Record<string, readonly Rule[]>> = {
  lui: plain('lui', 'd,u'),
  auipc: plain('auipc', 'd,u'),
  jal: [r('j a', (i) => i.rd === 0), r('jal a', (i) => i.rd === 1), r('jal d,a')],
  jalr: [
    r('ret', (i) => i.rd === 0 && i.rs1 === 1 && i.imm === 0),
    r('jr S', (i) => i.rd === 0 && i.imm === 0),
    r('jr o(s)', (i) => i.rd === 0),
    r('jalr S', (i) => i.rd === 1 && i.imm === 0),
    r('jalr o(s)', (i) => i.rd === 1),
    r('jalr d,S', (i) => i.imm === 0),
    r('jalr d,o(s)'),
  ],
  beq: [r('beqz s,p', (i) => i.rs2 === 0), r('beq s,t,p')],
  bne: [r('bnez s,p', (i) => i.rs2 === 0), r('bne s,t,p')],
  blt: [r('bltz s,p', (i) => i.rs2 === 0), r('bgtz t,p', (i) => i.rs1 === 0), r('blt s,t,p')],
  bge: [r('blez t,p', (i) => i.rs1 === 0), r('bgez s,p', (i) => i.rs2 === 0), r('bge s,t,p')],
  bltu: plain('bltu', 's,t,p'),
  bgeu: plain('bgeu', 's,t,p'),
  lb: plain('lb', 'd,o(s)'),
  lh: plain('lh', 'd,o(s)'),
  lw: plain('lw', 'd,o(s)'),
  lbu: plain('lbu', 'd,o(s)'),
  lhu: plain('lhu', 'd,o(s)'),
  sb: plain('sb', 't,q(s)'),
  sh: plain('sh', 't,q(s)'),
  sw: plain('sw', 't,q(s)'),
  addi: [
    r('nop', (i) => i.rd === 0 && i.rs1 === 0 && i.imm === 0),
    r('li d,i', (i) => i.rs1 === 0),
    r('mv d,s', (i) => i.imm === 0),
    r('add d,s,j'),
  ],
  slti: plain('slti', 'd,s,i'),
  sltiu: [r('seqz d,s', (i) => i.imm === 1), r('sltiu d,s,i')],
  xori: [r('not d,s', (i) => i.imm === -1), r('xor d,s,i')],
  ori: plain('or', 'd,s,i'),
  andi: [r('zext.b d,s', (i) => i.imm === 255), r('and d,s,i')],
  slli: plain('sll', 'd,s,>'),
  srli: plain('srl', 'd,s,>'),
  srai: plain('sra', 'd,s,>'),
  add: plain('add', 'd,s,t'),
  sub: [r('neg d,t', (i) => i.rs1 === 0), r('sub d,s,t')],
  sll: plain('sll', 'd,s,t'),
  slt: [r('sltz d,s', (i) => i.rs2 === 0), r('sgtz d,t', (i) => i.rs1 === 0), r('slt d,s,t')],
  sltu: [r('snez d,t', (i) => i.rs1 === 0), r('sltu d,s,t')],
  xor: plain('xor', 'd,s,t'),
  srl: plain('srl', 'd,s,t'),
  sra: plain('sra', 'd,s,t'),
  or: plain('or', 'd,s,t'),
  and: plain('and', 'd,s,t'),
  // FENCE (2.7): binutils prints only fm = 0 (or the exact FENCE.TSO) with rd = rs1 = 0.
  fence: [
    r('fence', (i) => FENCE_RAW_OK(i) && i.imm === 0x0ff),
    r('fence P,Q', (i) => FENCE_RAW_OK(i) && i.imm >> 8 === 0),
    r('fence.tso', (i) => FENCE_RAW_OK(i) && i.imm === 0x833),
  ],
  'fence.i': [r('fence.i', (i) => (i.raw & 0xffff8f80) === 0)],
  ecall: plain('ecall', ''),
  ebreak: plain('ebreak', ''),
  // Zicsr (ch. 9) and its pseudo-instructions; binutils 2.40 prints csrrXi with rd = x0 as csrX, and
  // with rd != x0 under the register-form mnemonic.
  csrrw: [r('unimp', (i) => i.raw === 0xc0001073), r('csrw E,s', (i) => i.rd === 0), r('csrrw d,E,s')],
  csrrs: [
    r('@counter d', (i) => i.rs1 === 0 && counterAlias(i.csr) !== undefined),
    r('csrr d,E', (i) => i.rs1 === 0),
    r('csrs E,s', (i) => i.rd === 0),
    r('csrrs d,E,s'),
  ],
  csrrc: [r('csrc E,s', (i) => i.rd === 0), r('csrrc d,E,s')],
  csrrwi: [r('csrw E,Z', (i) => i.rd === 0), r('csrrw d,E,Z')],
  csrrsi: [r('csrs E,Z', (i) => i.rd === 0), r('csrrs d,E,Z')],
  csrrci: [r('csrc E,Z', (i) => i.rd === 0), r('csrrc d,E,Z')],
  ...Object.fromEntries(['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu']
    .map((n) => [n, plain(n, 'd,s,t')])),
  'lr.w': plain('lr.wA', 'd,(s)'),
  'sc.w': plain('sc.wA', 'd,t,(s)'),
  ...Object.fromEntries(['swap', 'add', 'xor', 'and', 'or', 'min', 'max', 'minu', 'maxu']
    .map((op) => [`amo${op}.w`, plain(`amo${op}.wA`, 'd,t,(s)')])),
  'cbo.clean': plain('cbo.clean', '(s)'),
  'cbo.flush': plain('cbo.flush', '(s)'),
  'cbo.inval': plain('cbo.inval', '(s)'),
  mret: plain('mret', ''),
  sret: plain('sret', ''),
  wfi: plain('wfi', ''),
  ...Object.fromEntries(['sfence.vma', 'hfence.vvma', 'hfence.gvma'].map((n) => [n, [
    r(n, (i) => i.rs1 === 0 && i.rs2 === 0), r(`${n} s`, (i) => i.rs2 === 0), r(`${n} s,t`),
  ]])),
  ...Object.fromEntries(['hlv.b', 'hlv.bu', 'hlv.h', 'hlv.hu', 'hlvx.hu', 'hlv.w', 'hlvx.wu']
    .map((n) => [n, plain(n, 'd,(s)')])),
  ...Object.fromEntries(['hsv.b', 'hsv.h', 'hsv.w'].map((n) => [n, plain(n, 't,(s)')])),
  // vmscope's confidential-VM instructions (emulator/cvm/README.md).
  rmpupdate: plain('rmpupdate', 'd,s,t'),
  pvalidate: plain('pvalidate', 'd,s,t'),
  'cinval.all': plain('cinval.all', ''),
};

/** Compressed instructions, by compressed mnemonic (operands are the expanded instruction's fields). */
export const RULES16: Readonly<Record<string, readonly Rule[]>> = {
  'c.addi4spn': plain('add', 'd,s,i'),
  'c.lw': plain('lw', 'd,i(s)'),
  'c.sw': plain('sw', 't,i(s)'),
  'c.nop': [r('nop', (i) => i.imm === 0), r('c.nop i')],
  'c.addi': plain('add', 'd,s,j'),
  'c.jal': plain('jal', 'a'),
  'c.li': [r('c.li d,i', (i) => i.rd === 0), r('li d,i')],
  'c.addi16sp': plain('add', 'd,s,i'),
  'c.lui': [r('c.lui d,u', (i) => i.rd === 0), r('lui d,u')],
  'c.srli': [r('c.srli64 d', (i) => i.imm === 0), r('srl d,s,>')],
  'c.srai': [r('c.srai64 d', (i) => i.imm === 0), r('sra d,s,>')],
  'c.andi': plain('and', 'd,s,i'),
  'c.sub': plain('sub', 'd,s,t'),
  'c.xor': plain('xor', 'd,s,t'),
  'c.or': plain('or', 'd,s,t'),
  'c.and': plain('and', 'd,s,t'),
  'c.j': plain('j', 'a'),
  'c.beqz': plain('beqz', 's,p'),
  'c.bnez': plain('bnez', 's,p'),
  'c.slli': [r('c.slli64 d', (i) => i.imm === 0), r('c.slli d,>', (i) => i.rd === 0), r('sll d,s,>')],
  'c.lwsp': plain('lw', 'd,i(s)'),
  'c.swsp': plain('sw', 't,i(s)'),
  'c.jr': [r('ret', (i) => i.rs1 === 1), r('jr s')],
  'c.mv': [r('c.mv d,t', (i) => i.rd === 0), r('mv d,t')],
  'c.ebreak': plain('ebreak', ''),
  'c.jalr': plain('jalr', 's'),
  'c.add': [r('c.add d,t', (i) => i.rd === 0), r('add d,s,t')],
};
