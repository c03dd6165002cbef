/**
 * What hover says about instructions and registers. Formats and extensions come from the one opcode
 * table (emulator/isa/opcodes.ts) and the assembler's mnemonic table (emulator/asm/table.ts); the
 * operation text is ours, in the notation of the unprivileged spec's instruction descriptions
 * (ch. 2 RV32I, ch. 7 M, ch. 8 A, ch. 16 C, ch. 25 tables 25.2-25.3 for pseudo-instructions), and
 * for vmscope's custom-0 instructions (Xcvm) emulator/cvm/README.md, with privilege and operands.
 */
import { operandForms } from '../emulator/asm/syntax';
import { BY_NAME, type Entry } from '../emulator/asm/table';
import { OPCODES, type OpcodeEntry } from '../emulator/isa/opcodes';
import { ABI_NAMES } from '../emulator/isa/registers';

/** Operation of each real instruction (sext = sign-extend, zext = zero-extend, M[] = memory). */
const OPERATION: Record<string, string> = {
  lui: 'rd = imm20 << 12', auipc: 'rd = pc + (imm20 << 12)',
  jal: 'rd = pc + 4; pc += sext(offset)', jalr: 'rd = pc + 4; pc = (rs1 + sext(imm)) & ~1',
  beq: 'if (rs1 == rs2) pc += sext(offset)', bne: 'if (rs1 != rs2) pc += sext(offset)',
  blt: 'if (rs1 <s rs2) pc += sext(offset)', bge: 'if (rs1 >=s rs2) pc += sext(offset)',
  bltu: 'if (rs1 <u rs2) pc += sext(offset)', bgeu: 'if (rs1 >=u rs2) pc += sext(offset)',
  lb: 'rd = sext(M[rs1 + sext(imm)][7:0])', lh: 'rd = sext(M[rs1 + sext(imm)][15:0])',
  lw: 'rd = M[rs1 + sext(imm)][31:0]', lbu: 'rd = zext(M[rs1 + sext(imm)][7:0])', lhu: 'rd = zext(M[rs1 + sext(imm)][15:0])',
  sb: 'M[rs1 + sext(imm)][7:0] = rs2[7:0]', sh: 'M[rs1 + sext(imm)][15:0] = rs2[15:0]', sw: 'M[rs1 + sext(imm)][31:0] = rs2',
  addi: 'rd = rs1 + sext(imm)', slti: 'rd = (rs1 <s sext(imm)) ? 1 : 0', sltiu: 'rd = (rs1 <u sext(imm)) ? 1 : 0',
  xori: 'rd = rs1 ^ sext(imm)', ori: 'rd = rs1 | sext(imm)', andi: 'rd = rs1 & sext(imm)',
  slli: 'rd = rs1 << shamt', srli: 'rd = rs1 >>u shamt', srai: 'rd = rs1 >>s shamt',
  add: 'rd = rs1 + rs2', sub: 'rd = rs1 - rs2', sll: 'rd = rs1 << rs2[4:0]', slt: 'rd = (rs1 <s rs2) ? 1 : 0',
  sltu: 'rd = (rs1 <u rs2) ? 1 : 0', xor: 'rd = rs1 ^ rs2', srl: 'rd = rs1 >>u rs2[4:0]', sra: 'rd = rs1 >>s rs2[4:0]',
  or: 'rd = rs1 | rs2', and: 'rd = rs1 & rs2',
  fence: 'order the predecessor set (I/O/R/W) before the successor set', ecall: 'raise an environment-call exception',
  ebreak: 'raise a breakpoint exception', 'fence.i': 'synchronize the instruction and data streams of this hart',
  csrrw: 't = CSR; CSR = rs1; rd = t', csrrs: 't = CSR; CSR = t | rs1; rd = t', csrrc: 't = CSR; CSR = t & ~rs1; rd = t',
  csrrwi: 'rd = CSR; CSR = zext(uimm5)', csrrsi: 't = CSR; CSR = t | zext(uimm5); rd = t', csrrci: 't = CSR; CSR = t & ~zext(uimm5); rd = t',
  mul: 'rd = (rs1 * rs2)[31:0]', mulh: 'rd = (sext(rs1) * sext(rs2))[63:32]', mulhsu: 'rd = (sext(rs1) * zext(rs2))[63:32]',
  mulhu: 'rd = (zext(rs1) * zext(rs2))[63:32]', div: 'rd = rs1 /s rs2 (-1 when rs2 = 0)', divu: 'rd = rs1 /u rs2 (all ones when rs2 = 0)',
  rem: 'rd = rs1 %s rs2 (rs1 when rs2 = 0)', remu: 'rd = rs1 %u rs2 (rs1 when rs2 = 0)',
  'lr.w': 'rd = M[rs1]; reserve M[rs1]', 'sc.w': 'if (reserved) { M[rs1] = rs2; rd = 0 } else rd = 1',
  'amoswap.w': 'rd = M[rs1]; M[rs1] = rs2', 'amoadd.w': 'rd = M[rs1]; M[rs1] = rd + rs2', 'amoxor.w': 'rd = M[rs1]; M[rs1] = rd ^ rs2',
  'amoand.w': 'rd = M[rs1]; M[rs1] = rd & rs2', 'amoor.w': 'rd = M[rs1]; M[rs1] = rd | rs2',
  'amomin.w': 'rd = M[rs1]; M[rs1] = min_s(rd, rs2)', 'amomax.w': 'rd = M[rs1]; M[rs1] = max_s(rd, rs2)',
  'amominu.w': 'rd = M[rs1]; M[rs1] = min_u(rd, rs2)', 'amomaxu.w': 'rd = M[rs1]; M[rs1] = max_u(rd, rs2)',
  'cbo.inval': 'invalidate the cache block containing rs1', 'cbo.clean': 'write back the cache block containing rs1',
  'cbo.flush': 'write back and invalidate the cache block containing rs1',
  sret: 'return from an S-mode trap: pc = sepc; privilege = sstatus.SPP (and V = hstatus.SPV)',
  mret: 'return from an M-mode trap: pc = mepc; privilege = mstatus.MPP (and V = mstatus.MPV)',
  wfi: 'wait for an interrupt (may be a no-op)', 'sfence.vma': 'order page-table updates; flush TLB entries for address rs1 / ASID rs2',
  'hfence.vvma': 'flush VS-stage TLB entries (guest virtual address rs1, ASID rs2)',
  'hfence.gvma': 'flush G-stage TLB entries (guest physical address rs1 >> 2, VMID rs2)',
  'hlv.b': 'rd = sext(guest M[rs1][7:0]) (VS/VU translation)', 'hlv.bu': 'rd = zext(guest M[rs1][7:0])',
  'hlv.h': 'rd = sext(guest M[rs1][15:0])', 'hlv.hu': 'rd = zext(guest M[rs1][15:0])', 'hlv.w': 'rd = guest M[rs1][31:0]',
  'hlvx.hu': 'rd = zext(guest M[rs1][15:0]) read with execute permission', 'hlvx.wu': 'rd = guest M[rs1][31:0] read with execute permission',
  'hsv.b': 'guest M[rs1][7:0] = rs2[7:0]', 'hsv.h': 'guest M[rs1][15:0] = rs2[15:0]', 'hsv.w': 'guest M[rs1][31:0] = rs2',
};

/**
 * vmscope's confidential-VM instructions (ext 'xcvm'): custom-0 space, so in no manual; from
 * emulator/cvm/README.md "Custom instructions" (cvm-model 4.3, 6.2) and what emulator/cvm/rmp.ts and
 * emulator/cache/model.ts do: who may run them, what the operands hold, and which feature implements
 * them (without it, and from a mode not listed: illegal instruction, or virtual instruction where a
 * less virtualized mode may run it).
 */
interface CustomDoc {
  operation: string;
  operands: string;
  privilege: string;
  requires: string;
}
const XCVM: Record<string, CustomDoc> = {
  rmpupdate: {
    operation: 'RMP[rs1] = { assigned = rs2[0], asid = rs2[7:1], gpa = rs2[29:8] << 12, validated = 0 }; rd = status',
    operands: 'rs1 = system PPN (physical address >> 12); rs2 = bit 0 assigned, bits 7:1 ASID, bits 29:8 GPA >> 12; '
      + 'rd = 0 ok, 1 FAIL_INPUT (not RAM, or assigned with ASID 0), 2 FAIL_PERMISSION (immutable entry)',
    privilege: 'HS or M (the hypervisor); from VS/VU a virtual-instruction exception (22), from U an illegal instruction',
    requires: 'the `integrity` feature (SEV-SNP-like reverse map table)',
  },
  pvalidate: {
    operation: 'translate rs1 as a load; RMP[page].validated = rs2[0]; rd = status',
    operands: 'rs1 = guest virtual address of the page; rs2 = 1 validate, 0 rescind; '
      + 'rd = 0 ok, 1 FAIL_INPUT (page not assigned to this guest at this GPA), 255 no change',
    privilege: 'VS only (the guest, about its own pages); from VU a virtual-instruction exception (22), from HS, M or U an illegal instruction',
    requires: 'the `integrity` feature (SEV-SNP-like reverse map table)',
  },
  'cinval.all': {
    operation: 'drop every line of every cache without write-back (INVD-like): dirty data is lost',
    operands: 'none (rd = rs1 = rs2 = 0)',
    privilege: 'HS or M (the hypervisor); from VS/VU a virtual-instruction exception (22), from U an illegal instruction',
    requires: 'the cache model (`caches` in the machine configuration)',
  },
};

/** Pseudo-instructions and aliases: what they stand for (unprivileged spec ch. 25). */
const PSEUDO: Record<string, string> = {
  nop: 'addi x0, x0, 0', li: 'addi rd, x0, imm, or lui + addi for a 32-bit constant', mv: 'addi rd, rs, 0', move: 'addi rd, rs, 0',
  not: 'xori rd, rs, -1', neg: 'sub rd, x0, rs', seqz: 'sltiu rd, rs, 1', snez: 'sltu rd, x0, rs', sltz: 'slt rd, rs, x0',
  sgtz: 'slt rd, x0, rs', sgt: 'slt rd, rt, rs', sgtu: 'sltu rd, rt, rs',
  beqz: 'beq rs, x0, offset', bnez: 'bne rs, x0, offset', blez: 'bge x0, rs, offset', bgez: 'bge rs, x0, offset',
  bltz: 'blt rs, x0, offset', bgtz: 'blt x0, rs, offset', bgt: 'blt rt, rs, offset', ble: 'bge rt, rs, offset',
  bgtu: 'bltu rt, rs, offset', bleu: 'bgeu rt, rs, offset',
  j: 'jal x0, offset', jr: 'jalr x0, 0(rs)', ret: 'jalr x0, 0(ra)', la: 'auipc rd, %pcrel_hi(sym); addi rd, rd, %pcrel_lo(sym)',
  lla: 'auipc rd, %pcrel_hi(sym); addi rd, rd, %pcrel_lo(sym)', call: 'auipc ra, %pcrel_hi(sym); jalr ra, %pcrel_lo(sym)(ra)',
  tail: 'auipc t1, %pcrel_hi(sym); jalr x0, %pcrel_lo(sym)(t1)', jump: 'auipc rt, %pcrel_hi(sym); jalr x0, %pcrel_lo(sym)(rt)',
  csrr: 'csrrs rd, csr, x0', csrw: 'csrrw x0, csr, rs', csrs: 'csrrs x0, csr, rs', csrc: 'csrrc x0, csr, rs',
  csrwi: 'csrrwi x0, csr, uimm5', csrsi: 'csrrsi x0, csr, uimm5', csrci: 'csrrci x0, csr, uimm5',
  rdcycle: 'csrrs rd, cycle, x0', rdtime: 'csrrs rd, time, x0', rdinstret: 'csrrs rd, instret, x0',
  rdcycleh: 'csrrs rd, cycleh, x0', rdtimeh: 'csrrs rd, timeh, x0', rdinstreth: 'csrrs rd, instreth, x0', frcsr: 'csrrs rd, fcsr, x0',
  'fence.tso': 'fence (fm = TSO) rw, rw', unimp: 'csrrw x0, cycle, x0 (an illegal instruction)', sbreak: 'ebreak', scall: 'ecall',
  uret: 'return from a U-mode trap (N extension, not implemented)', hret: 'obsolete', dret: 'return from debug mode',
  'sfence.vm': 'obsolete (privileged spec 1.9)',
};

/** RVC formats (unprivileged spec ch. 16, table 16.1) and what each compressed instruction expands to. */
const COMPRESSED: Record<string, [string, string]> = {
  'c.unimp': ['CIW', 'an illegal instruction (all zeros)'], 'c.ebreak': ['CR', 'ebreak'], 'c.jr': ['CR', 'jalr x0, 0(rs1)'],
  'c.jalr': ['CR', 'jalr ra, 0(rs1)'], 'c.j': ['CJ', 'jal x0, offset'], 'c.jal': ['CJ', 'jal ra, offset'],
  'c.beqz': ['CB', 'beq rs1\', x0, offset'], 'c.bnez': ['CB', 'bne rs1\', x0, offset'], 'c.lwsp': ['CI', 'lw rd, offset(sp)'],
  'c.lw': ['CL', 'lw rd\', offset(rs1\')'], 'c.swsp': ['CSS', 'sw rs2, offset(sp)'], 'c.sw': ['CS', 'sw rs2\', offset(rs1\')'],
  'c.nop': ['CI', 'addi x0, x0, 0'], 'c.mv': ['CR', 'add rd, x0, rs2'], 'c.lui': ['CI', 'lui rd, imm'], 'c.li': ['CI', 'addi rd, x0, imm'],
  'c.addi4spn': ['CIW', 'addi rd\', sp, nzuimm'], 'c.addi16sp': ['CI', 'addi sp, sp, nzimm'], 'c.addi': ['CI', 'addi rd, rd, nzimm'],
  'c.add': ['CR', 'add rd, rd, rs2'], 'c.sub': ['CA', 'sub rd\', rd\', rs2\''], 'c.and': ['CA', 'and rd\', rd\', rs2\''],
  'c.or': ['CA', 'or rd\', rd\', rs2\''], 'c.xor': ['CA', 'xor rd\', rd\', rs2\''], 'c.slli': ['CI', 'slli rd, rd, shamt'],
  'c.srli': ['CB', 'srli rd\', rd\', shamt'], 'c.srai': ['CB', 'srai rd\', rd\', shamt'], 'c.andi': ['CB', 'andi rd\', rd\', imm'],
};

const EXT_NAMES: Record<string, string> = {
  i: 'RV32I base', m: 'M (multiply/divide)', a: 'A (atomics)', c: 'C (compressed)', zicsr: 'Zicsr', zifencei: 'Zifencei',
  zicbom: 'Zicbom (cache-block management)', priv: 'privileged architecture', h: 'H (hypervisor)',
  xcvm: 'Xcvm (vmscope confidential-VM instructions, custom-0)', none: '-',
};

const FORMAT_NAMES: Record<string, string> = {
  R: 'R-type', I: 'I-type', shift: 'I-type (shift)', S: 'S-type', B: 'B-type', U: 'U-type', J: 'J-type', fence: 'I-type (fence)',
  csr: 'I-type (CSR)', csri: 'I-type (CSR, immediate)', amo: 'R-type (AMO)', lr: 'R-type (AMO)', rs1rs2: 'R-type', rs1: 'I-type',
  hlv: 'R-type', hsv: 'R-type', none: 'I-type (SYSTEM)',
};


const REAL = new Map<string, OpcodeEntry>(OPCODES.filter((o) => o.name !== 'illegal').map((o) => [o.name, o]));
export const MNEMONICS: readonly string[] = [...BY_NAME.keys()];

export interface MnemonicInfo {
  name: string;
  kind: 'instruction' | 'compressed' | 'pseudo';
  operation: string;
  format: string;
  extension: string;
  forms: string[];
  expansion?: string;
  /** Custom instructions (Xcvm): who may run them, what the operands hold, what implements them. */
  privilege?: string;
  operands?: string;
  requires?: string;
}

/** Format of a custom-0 instruction: R-type with its funct7 (register fields all 0 without operands). */
function customFormat(o: OpcodeEntry): string {
  const f7 = `0x${(o.match >>> 25).toString(16).padStart(2, '0')}`;
  return `R-type (custom-0: opcode 0x0b, funct3 0, funct7 ${f7}${o.format === 'none' ? ', rd = rs1 = rs2 = 0' : ''})`;
}

/** What the tables know about mnemonic `name` (undefined for a word that is not one). */
export function mnemonicInfo(name: string): MnemonicInfo | undefined {
  const lower = name.toLowerCase();
  const entries: readonly Entry[] | undefined = BY_NAME.get(lower);
  if (!entries) return undefined;
  const forms = operandForms(lower, entries)
    .map((f) => (f ? `${lower} ${f}` : lower));
  const aq = /^(.*\.w)(\.aq|\.rl|\.aqrl)$/.exec(lower);
  const realName = aq ? aq[1]! : lower;
  const real = REAL.get(realName);
  const custom = real?.ext === 'xcvm' ? XCVM[realName] : undefined;
  if (real && custom) {
    return { name: lower, kind: 'instruction', operation: custom.operation, format: customFormat(real), extension: EXT_NAMES.xcvm!, forms,
      privilege: custom.privilege, operands: custom.operands, requires: custom.requires };
  }
  if (real) {
    const order = aq ? ` (${aq[2]!.slice(1)} ordering)` : '';
    return { name: lower, kind: 'instruction', operation: (OPERATION[realName] ?? realName) + order, format: FORMAT_NAMES[real.format] ?? real.format,
      extension: EXT_NAMES[real.ext] ?? real.ext, forms };
  }
  const c = COMPRESSED[lower];
  if (c) return { name: lower, kind: 'compressed', operation: `expands to \`${c[1]}\``, format: c[0], extension: EXT_NAMES.c!, forms, expansion: c[1] };
  const exp = PSEUDO[lower] ?? entries.find((e) => !e.rvc)?.name ?? lower;
  const ext = entries.find((e) => !e.rvc)?.ext ?? 'i';
  return { name: lower, kind: 'pseudo', operation: `pseudo-instruction for \`${exp}\``, format: 'pseudo-instruction', extension: EXT_NAMES[ext] ?? ext,
    forms, expansion: exp };
}

/** Register numbers by every name the assembler accepts (x0..x31, ABI names, fp). */
export const REGISTER_NUMBERS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (let i = 0; i < 32; i++) { m.set(`x${i}`, i); m.set(ABI_NAMES[i]!, i); }
  m.set('fp', 8);
  return m;
})();

/** Calling-convention role of each register (psABI, "Integer Register Convention"). */
const ROLES = ['hard-wired zero', 'return address', 'stack pointer', 'global pointer', 'thread pointer',
  'temporary / alternate link register', 'temporary', 'temporary', 'saved register / frame pointer', 'saved register',
  'function argument / return value', 'function argument / return value', ...Array<string>(6).fill('function argument'),
  ...Array<string>(10).fill('saved register'), ...Array<string>(4).fill('temporary')];

export function registerInfo(name: string): string | undefined {
  const n = REGISTER_NUMBERS.get(name);
  if (n === undefined) return undefined;
  const saver = n === 0 ? '' : [2, 8, 9].includes(n) || (n >= 18 && n <= 27) ? ', callee-saved' : [3, 4].includes(n) ? '' : ', caller-saved';
  return `**x${n}** (\`${ABI_NAMES[n]}\`${n === 8 ? ', `fp`' : ''}): ${ROLES[n]}${saver}`;
}
