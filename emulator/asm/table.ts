/**
 * The assembler's mnemonic table, in the order binutils 2.40's opcodes/riscv-opc.c tries them: for
 * each mnemonic the compressed forms first (used only when RVC is enabled and the operands fit), then
 * the 32-bit forms, aliases (pseudo-instructions of the unprivileged spec ch. 25 tables 25.2-25.3) and
 * macros. Encodings of real instructions come from the one opcode table (emulator/isa/opcodes.ts);
 * compressed encodings from rvc.ts' listing (spec ch. 16).
 *
 * Operand letters (as riscv-opc.c): d rd, s rs1, t rs2, j I-immediate, o(s) load offset, q(s) store
 * offset, u U-immediate, a jump target, p branch target, > shift amount, E CSR, Z 5-bit CSR immediate,
 * P/Q fence sets, 0 optional zero offset, c call target, B address (la), A symbol (lw rd,sym),
 * I li constant, z the constant 0. Compressed (C..): Cs/Ct rs1'/rs2' (x8-x15), Cw/CU the same register
 * as the destination, CV rs2, Cc sp, Cz x0, Cj/Co 6-bit immediates (non-zero / any), Cu/Cv c.lui
 * immediates, CK/CL addi4spn/addi16sp immediates, Cm/CM lwsp/swsp offsets, Ck lw/sw offset, C> shift,
 * Cp/Ca compressed branch/jump target.
 */
import { OPCODES } from '../isa/opcodes';

export type Ext = 'i' | 'm' | 'a' | 'c' | 'zicsr' | 'zifencei' | 'zicbom' | 'h';

export type MatchFn = 'rd_nonzero' | 'c_add' | 'c_nop' | 'c_lui' | 'c_addi4spn' | 'c_addi16sp' | 'slli' | 'srxi' | 'rs1_nonzero';

export interface Entry {
  name: string;
  ext: Ext;
  /** Operand format (riscv-opc.c letters), split at commas on use. */
  fmt: string;
  match: number;
  /** Macro id for pseudo-instructions that expand to several instructions. */
  macro?: 'li' | 'la' | 'lla' | 'call' | 'tail' | 'jump' | 'lx' | 'sx';
  check?: MatchFn;
  /** True for 16-bit forms. */
  rvc?: boolean;
}

const base = new Map(OPCODES.map((o) => [o.name, o.match]));
function m(name: string): number {
  const v = base.get(name);
  if (v === undefined) throw new Error(`asm table: no opcode '${name}'`);
  return v;
}
const E: Entry[] = [];
const I = (name: string, fmt: string, match: number | string, ext: Ext = 'i', check?: MatchFn): void => {
  E.push({ name, ext, fmt, match: (typeof match === 'string' ? m(match) : match) >>> 0, check });
};
const C = (name: string, fmt: string, match: number, check?: MatchFn): void => {
  E.push({ name, ext: 'c', fmt, match, check, rvc: true });
};
const M = (name: string, fmt: string, macro: Entry['macro'], match = 0, check?: MatchFn): void => {
  E.push({ name, ext: 'i', fmt, match, macro, check });
};
const RD = (r: number): number => r << 7;
const RS1 = (r: number): number => r << 15;

const IMM = (v: number): number => (v & 0xfff) << 20;

// Compressed match values (spec ch. 16 listings).
const C_ADDI4SPN = 0x0000, C_LW = 0x4000, C_SW = 0xc000, C_NOP = 0x0001, C_ADDI = 0x0001, C_LI = 0x4001,
  C_ADDI16SP = 0x6101, C_LUI = 0x6001, C_SRLI = 0x8001, C_SRAI = 0x8401, C_ANDI = 0x8801, C_SUB = 0x8c01,
  C_XOR = 0x8c21, C_OR = 0x8c41, C_AND = 0x8c61, C_J = 0xa001, C_BEQZ = 0xc001, C_BNEZ = 0xe001,
  C_SLLI = 0x0002, C_LWSP = 0x4002, C_JR = 0x8002, C_MV = 0x8002, C_EBREAK = 0x9002, C_JALR = 0x9002,
  C_ADD = 0x9002, C_SWSP = 0xc002;

// ---- binutils riscv-opc.c order ----
I('unimp', '', 0xc0001073);
C('ebreak', '', C_EBREAK);
I('ebreak', '', 'ebreak');
C('sbreak', '', C_EBREAK);
I('sbreak', '', 'ebreak');
C('ret', '', C_JR | RD(1));
I('ret', '', m('jalr') | RS1(1));
C('jr', 'd', C_JR, 'rd_nonzero');
I('jr', 's', 'jalr');
I('jr', 'o(s)', 'jalr');
I('jr', 's,j', 'jalr');
C('jalr', 'd', C_JALR, 'rd_nonzero');
I('jalr', 's', m('jalr') | RD(1));
I('jalr', 'o(s)', m('jalr') | RD(1));
I('jalr', 's,j', m('jalr') | RD(1));
I('jalr', 'd,s', 'jalr');
I('jalr', 'd,o(s)', 'jalr');
I('jalr', 'd,s,j', 'jalr');
C('j', 'Ca', C_J);
I('j', 'a', 'jal');
I('jal', 'a', m('jal') | RD(1));
I('jal', 'd,a', 'jal');
M('call', 'd,c', 'call', RS1(6));
M('call', 'c', 'call', RS1(1) | RD(1));
M('tail', 'c', 'tail', RS1(6));
M('jump', 'c,s', 'jump', 0, 'rs1_nonzero');
C('nop', '', C_NOP);
I('nop', '', 'addi');
C('lui', 'd,Cu', C_LUI, 'c_lui');
I('lui', 'd,u', 'lui');
C('li', 'd,Cv', C_LUI, 'c_lui');
C('li', 'd,Co', C_LI, 'rd_nonzero');
I('li', 'd,j', 'addi');
M('li', 'd,I', 'li');
C('mv', 'd,CV', C_MV, 'c_add');
I('mv', 'd,s', 'addi');
C('move', 'd,CV', C_MV, 'c_add');
I('move', 'd,s', 'addi');
C('andi', 'Cs,Cw,Co', C_ANDI);
I('andi', 'd,s,j', 'andi');
C('and', 'Cs,Cw,Ct', C_AND);
C('and', 'Cs,Ct,Cw', C_AND);
C('and', 'Cs,Cw,Co', C_ANDI);
I('and', 'd,s,t', 'and');
I('and', 'd,s,j', 'andi');
C('beqz', 'Cs,Cp', C_BEQZ);
I('beqz', 's,p', 'beq');
C('beq', 'Cs,Cz,Cp', C_BEQZ);
I('beq', 's,t,p', 'beq');
I('blez', 't,p', 'bge');
I('bgez', 's,p', 'bge');
I('bge', 's,t,p', 'bge');
I('bgeu', 's,t,p', 'bgeu');
I('ble', 't,s,p', 'bge');
I('bleu', 't,s,p', 'bgeu');
I('bltz', 's,p', 'blt');
I('bgtz', 't,p', 'blt');
I('blt', 's,t,p', 'blt');
I('bltu', 's,t,p', 'bltu');
I('bgt', 't,s,p', 'blt');
I('bgtu', 't,s,p', 'bltu');
C('bnez', 'Cs,Cp', C_BNEZ);
I('bnez', 's,p', 'bne');
C('bne', 'Cs,Cz,Cp', C_BNEZ);
I('bne', 's,t,p', 'bne');
C('addi', 'Ct,Cc,CK', C_ADDI4SPN, 'c_addi4spn');
C('addi', 'd,CU,Cj', C_ADDI, 'rd_nonzero');
C('addi', 'd,CU,z', C_NOP, 'c_nop');
C('addi', 'Cc,Cc,CL', C_ADDI16SP, 'c_addi16sp');
C('addi', 'd,Cz,Co', C_LI, 'rd_nonzero');
C('addi', 'd,CV,z', C_MV, 'c_add');
I('addi', 'd,s,j', 'addi');
C('add', 'd,CU,CV', C_ADD, 'c_add');
C('add', 'd,CV,CU', C_ADD, 'c_add');
C('add', 'd,CU,Co', C_ADDI, 'rd_nonzero');
C('add', 'Ct,Cc,CK', C_ADDI4SPN, 'c_addi4spn');
C('add', 'Cc,Cc,CL', C_ADDI16SP, 'c_addi16sp');
C('add', 'd,Cz,CV', C_MV, 'c_add');
I('add', 'd,s,t', 'add');
I('add', 'd,s,j', 'addi');
M('la', 'd,B', 'la', 0, 'rd_nonzero');
M('lla', 'd,B', 'lla');
I('neg', 'd,t', 'sub');
C('slli', 'd,CU,C>', C_SLLI, 'slli');
I('slli', 'd,s,>', 'slli');
C('sll', 'd,CU,C>', C_SLLI, 'slli');
I('sll', 'd,s,t', 'sll');
I('sll', 'd,s,>', 'slli');
C('srli', 'Cs,Cw,C>', C_SRLI, 'srxi');
I('srli', 'd,s,>', 'srli');
C('srl', 'Cs,Cw,C>', C_SRLI, 'srxi');
I('srl', 'd,s,t', 'srl');
I('srl', 'd,s,>', 'srli');
C('srai', 'Cs,Cw,C>', C_SRAI, 'srxi');
I('srai', 'd,s,>', 'srai');
C('sra', 'Cs,Cw,C>', C_SRAI, 'srxi');
I('sra', 'd,s,t', 'sra');
I('sra', 'd,s,>', 'srai');
C('sub', 'Cs,Cw,Ct', C_SUB);
I('sub', 'd,s,t', 'sub');
for (const [n, sz] of [['lb', 1], ['lbu', 1], ['lh', 2], ['lhu', 2]] as const) {
  void sz;
  I(n, 'd,o(s)', n);
  M(n, 'd,A', 'lx', m(n), 'rd_nonzero');
}
C('lw', 'd,Cm(Cc)', C_LWSP, 'rd_nonzero');
C('lw', 'Ct,Ck(Cs)', C_LW);
I('lw', 'd,o(s)', 'lw');
M('lw', 'd,A', 'lx', m('lw'), 'rd_nonzero');
I('not', 'd,s', m('xori') | IMM(-1));
I('ori', 'd,s,j', 'ori');
I('or', 'd,s,j', 'ori');
C('or', 'Cs,Cw,Ct', C_OR);
C('or', 'Cs,Ct,Cw', C_OR);
I('or', 'd,s,t', 'or');
I('auipc', 'd,u', 'auipc');
I('seqz', 'd,s', m('sltiu') | IMM(1));
I('snez', 'd,t', 'sltu');
I('sltz', 'd,s', 'slt');
I('sgtz', 'd,t', 'slt');
I('slti', 'd,s,j', 'slti');
I('slt', 'd,s,t', 'slt');
I('slt', 'd,s,j', 'slti');
I('sltiu', 'd,s,j', 'sltiu');
I('sltu', 'd,s,t', 'sltu');
I('sltu', 'd,s,j', 'sltiu');
I('sgt', 'd,t,s', 'slt');
I('sgtu', 'd,t,s', 'sltu');
I('sb', 't,q(s)', 'sb');
M('sb', 't,A,s', 'sx', m('sb'), 'rs1_nonzero');
I('sh', 't,q(s)', 'sh');
M('sh', 't,A,s', 'sx', m('sh'), 'rs1_nonzero');
C('sw', 'CV,CM(Cc)', C_SWSP);
C('sw', 'Ct,Ck(Cs)', C_SW);
I('sw', 't,q(s)', 'sw');
M('sw', 't,A,s', 'sx', m('sw'), 'rs1_nonzero');
I('fence', '', m('fence') | (0xff << 20));
I('fence', 'P,Q', 'fence');
I('fence.i', '', 'fence.i', 'zifencei');
I('fence.tso', '', m('fence') | (0x833 << 20));
I('rdcycle', 'd', m('csrrs') | (0xc00 << 20));
I('rdinstret', 'd', m('csrrs') | (0xc02 << 20));
I('rdtime', 'd', m('csrrs') | (0xc01 << 20));
I('rdcycleh', 'd', m('csrrs') | (0xc80 << 20));
I('rdinstreth', 'd', m('csrrs') | (0xc82 << 20));
I('rdtimeh', 'd', m('csrrs') | (0xc81 << 20));
I('ecall', '', 'ecall');
// vmscope's confidential-VM instructions (custom-0; emulator/cvm/README.md): no .option arch needed.
I('rmpupdate', 'd,s,t', 'rmpupdate');
I('pvalidate', 'd,s,t', 'pvalidate');
I('cinval.all', '', 'cinval.all');
I('scall', '', 'ecall');
I('xori', 'd,s,j', 'xori');
I('xor', 'd,s,j', 'xori');
C('xor', 'Cs,Cw,Ct', C_XOR);
C('xor', 'Cs,Ct,Cw', C_XOR);
I('xor', 'd,s,t', 'xor');
// "A" (word forms).
for (const n of ['lr.w']) {
  for (const [sfx, aqrl] of [['', 0], ['.aq', 2], ['.rl', 1], ['.aqrl', 3]] as const) I(n + sfx, 'd,0(s)', m(n) | (aqrl << 25), 'a');
}
for (const n of ['sc.w', 'amoadd.w', 'amoswap.w', 'amoand.w', 'amoor.w', 'amoxor.w', 'amomax.w', 'amomaxu.w', 'amomin.w', 'amominu.w']) {
  for (const [sfx, aqrl] of [['', 0], ['.aq', 2], ['.rl', 1], ['.aqrl', 3]] as const) I(n + sfx, 'd,t,0(s)', m(n) | (aqrl << 25), 'a');
}
// "M".
for (const n of ['mul', 'mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu']) I(n, 'd,s,t', n, 'm');
// Zicsr: pseudo-instructions first, as riscv-opc.c.
I('csrr', 'd,E', 'csrrs', 'zicsr');
I('csrwi', 'E,Z', 'csrrwi', 'zicsr');
I('csrsi', 'E,Z', 'csrrsi', 'zicsr');
I('csrci', 'E,Z', 'csrrci', 'zicsr');
I('csrw', 'E,s', 'csrrw', 'zicsr');
I('csrw', 'E,Z', 'csrrwi', 'zicsr');
I('csrs', 'E,s', 'csrrs', 'zicsr');
I('csrs', 'E,Z', 'csrrsi', 'zicsr');
I('csrc', 'E,s', 'csrrc', 'zicsr');
I('csrc', 'E,Z', 'csrrci', 'zicsr');
I('csrrwi', 'd,E,Z', 'csrrwi', 'zicsr');
I('csrrsi', 'd,E,Z', 'csrrsi', 'zicsr');
I('csrrci', 'd,E,Z', 'csrrci', 'zicsr');
I('csrrw', 'd,E,s', 'csrrw', 'zicsr');
I('csrrw', 'd,E,Z', 'csrrwi', 'zicsr');
I('csrrs', 'd,E,s', 'csrrs', 'zicsr');
I('csrrs', 'd,E,Z', 'csrrsi', 'zicsr');
I('csrrc', 'd,E,s', 'csrrc', 'zicsr');
I('csrrc', 'd,E,Z', 'csrrci', 'zicsr');
I('frcsr', 'd', m('csrrs') | (0x003 << 20), 'zicsr');
// Privileged.
I('uret', '', 0x00200073);
I('sret', '', 'sret');
I('hret', '', 0x20200073);
I('mret', '', 'mret');
I('dret', '', 0x7b200073);
I('sfence.vm', '', 0x10400073);
I('sfence.vm', 's', 0x10400073);
I('sfence.vma', '', 'sfence.vma');
I('sfence.vma', 's', 'sfence.vma');
I('sfence.vma', 's,t', 'sfence.vma');
I('wfi', '', 'wfi');
// Hypervisor (privileged spec ch. 9).
I('hfence.vvma', '', 'hfence.vvma', 'h');
I('hfence.vvma', 's', 'hfence.vvma', 'h');
I('hfence.vvma', 's,t', 'hfence.vvma', 'h');
I('hfence.gvma', '', 'hfence.gvma', 'h');
I('hfence.gvma', 's', 'hfence.gvma', 'h');
I('hfence.gvma', 's,t', 'hfence.gvma', 'h');
for (const n of ['hlv.b', 'hlv.bu', 'hlv.h', 'hlv.hu', 'hlvx.hu', 'hlv.w', 'hlvx.wu']) I(n, 'd,0(s)', n, 'h');
for (const n of ['hsv.b', 'hsv.h', 'hsv.w']) I(n, 't,0(s)', n, 'h');
// Zicbom.
for (const n of ['cbo.clean', 'cbo.flush', 'cbo.inval']) I(n, '0(s)', n, 'zicbom');
// Explicit compressed mnemonics (c.*), as riscv-opc.c's "Compressed instructions" block.
C('c.unimp', '', 0);
C('c.ebreak', '', C_EBREAK);
C('c.jr', 'd', C_JR, 'rd_nonzero');
C('c.jalr', 'd', C_JALR, 'rd_nonzero');
C('c.j', 'Ca', C_J);
C('c.jal', 'Ca', 0x2001);
C('c.beqz', 'Cs,Cp', C_BEQZ);
C('c.bnez', 'Cs,Cp', C_BNEZ);
C('c.lwsp', 'd,Cm(Cc)', C_LWSP, 'rd_nonzero');
C('c.lw', 'Ct,Ck(Cs)', C_LW);
C('c.swsp', 'CV,CM(Cc)', C_SWSP);
C('c.sw', 'Ct,Ck(Cs)', C_SW);
C('c.nop', '', C_NOP);
C('c.nop', 'Cj', C_NOP);
C('c.mv', 'd,CV', C_MV, 'c_add');
C('c.lui', 'd,Cu', C_LUI, 'c_lui');
C('c.li', 'd,Co', C_LI, 'rd_nonzero');
C('c.addi4spn', 'Ct,Cc,CK', C_ADDI4SPN, 'c_addi4spn');
C('c.addi16sp', 'Cc,CL', C_ADDI16SP, 'c_addi16sp');
C('c.addi', 'd,Co', C_ADDI, 'rd_nonzero');
C('c.add', 'd,CV', C_ADD, 'c_add');
C('c.sub', 'Cs,Ct', C_SUB);
C('c.and', 'Cs,Ct', C_AND);
C('c.or', 'Cs,Ct', C_OR);
C('c.xor', 'Cs,Ct', C_XOR);
C('c.slli', 'd,C>', C_SLLI, 'slli');
C('c.srli', 'Cs,C>', C_SRLI, 'srxi');
C('c.srai', 'Cs,C>', C_SRAI, 'srxi');
C('c.andi', 'Cs,Co', C_ANDI);

export const ENTRIES: readonly Entry[] = E;

/** Entries by mnemonic, in table order. */
export const BY_NAME: ReadonlyMap<string, readonly Entry[]> = (() => {
  const map = new Map<string, Entry[]>();
  for (const e of E) {
    const l = map.get(e.name);
    if (l) l.push(e);
    else map.set(e.name, [e]);
  }
  return map;
})();
