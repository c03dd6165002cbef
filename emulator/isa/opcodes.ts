/**
 * The one opcode table: every 32-bit instruction the machine (or its disassembler) knows.
 *
 * Encodings follow the RISC-V unprivileged spec (20191213 + ratified extensions), ch. 34 "RV32/64G
 * Instruction Set Listings", and the privileged spec (20211203) ch. 9 (Hypervisor) and table 9.x
 * listings; match/mask values agree with binutils' riscv-opc.h. Compressed forms are not entries here:
 * they decode to the base instruction they expand to (see rvc.ts).
 *
 * `Insn.op` is an index into OPCODES, so the CPU can build handler tables indexed by it (use
 * `opIndex(name)` rather than hard-coding numbers: the order may grow).
 */

/**
 * Operand layout, i.e. which Insn fields the decoder fills (the rest are 0).
 * - R: rd, rs1, rs2                  - I: rd, rs1, imm (sign-extended 12 bits)
 * - shift: rd, rs1, imm = shamt       - S, B: rs1, rs2, imm (byte offset)
 * - U: rd, imm (imm20 << 12)          - J: rd, imm (byte offset)
 * - fence: imm = fm << 8 | pred << 4 | succ (bits 31..20)
 * - csr: rd, rs1, csr                 - csri: rd, rs1 = uimm5, csr
 * - amo: rd, rs1, rs2, imm = aq << 1 | rl   - lr: rd, rs1, imm = aq << 1 | rl
 * - rs1rs2: rs1, rs2 (sfence.vma, hfence.*)  - rs1: rs1 (cbo.*)
 * - hlv: rd, rs1                      - hsv: rs1, rs2
 * - none: no operands (ecall, mret, fence.i, ...)
 */
export type Format =
  | 'R' | 'I' | 'shift' | 'S' | 'B' | 'U' | 'J' | 'fence' | 'csr' | 'csri'
  | 'amo' | 'lr' | 'rs1rs2' | 'rs1' | 'hlv' | 'hsv' | 'none';

/**
 * Extension tag: 'i','m','a','zicsr','zifencei','zicbom','priv','h' (and 'c' in the RVC table);
 * 'xcvm' for vmscope's confidential-VM instructions in the custom-0 space (emulator/cvm/README.md).
 */
export type Ext = 'i' | 'm' | 'a' | 'zicsr' | 'zifencei' | 'zicbom' | 'priv' | 'h' | 'c' | 'xcvm' | 'none';

export interface OpcodeEntry {
  readonly name: string;
  /** `(raw & mask) === match` selects this entry. */
  readonly match: number;
  readonly mask: number;
  readonly format: Format;
  readonly ext: Ext;
}

// Common masks.
const OPC = 0x0000007f; // opcode only (U, J)
const F3 = 0x0000707f; // opcode + funct3 (I, S, B, csr)
const F7 = 0xfe00707f; // opcode + funct3 + funct7 (R, shifts on RV32)
const AMO = 0xf800707f; // opcode + funct3 + funct5 (aq/rl free)
const LR = 0xf9f0707f; // AMO + rs2 = 0
const SYS = 0xffffffff; // fully fixed SYSTEM encodings
const FENCE_RS = 0xfe007fff; // sfence.vma / hfence.*: rd = 0, funct3 = 0, rs1/rs2 free
const HLV = 0xfff0707f; // hlv*: funct7 + rs2 selector fixed, rd/rs1 free
const CBO = 0xfff07fff; // cbo.*: imm12 selector, funct3, rd = 0 fixed; rs1 free

function e(name: string, match: number, mask: number, format: Format, ext: Ext): OpcodeEntry {
  return { name, match: match >>> 0, mask: mask >>> 0, format, ext };
}

export const OPCODES: readonly OpcodeEntry[] = [
  // Entry 0: anything that matches nothing (and reserved RVC encodings).
  e('illegal', 0, 0, 'none', 'none'),

  // RV32I base (unprivileged spec ch. 2; listing in ch. 34, table 34.2).
  e('lui', 0x00000037, OPC, 'U', 'i'),
  e('auipc', 0x00000017, OPC, 'U', 'i'),
  e('jal', 0x0000006f, OPC, 'J', 'i'),
  e('jalr', 0x00000067, F3, 'I', 'i'),
  e('beq', 0x00000063, F3, 'B', 'i'),
  e('bne', 0x00001063, F3, 'B', 'i'),
  e('blt', 0x00004063, F3, 'B', 'i'),
  e('bge', 0x00005063, F3, 'B', 'i'),
  e('bltu', 0x00006063, F3, 'B', 'i'),
  e('bgeu', 0x00007063, F3, 'B', 'i'),
  e('lb', 0x00000003, F3, 'I', 'i'),
  e('lh', 0x00001003, F3, 'I', 'i'),
  e('lw', 0x00002003, F3, 'I', 'i'),
  e('lbu', 0x00004003, F3, 'I', 'i'),
  e('lhu', 0x00005003, F3, 'I', 'i'),
  e('sb', 0x00000023, F3, 'S', 'i'),
  e('sh', 0x00001023, F3, 'S', 'i'),
  e('sw', 0x00002023, F3, 'S', 'i'),
  e('addi', 0x00000013, F3, 'I', 'i'),
  e('slti', 0x00002013, F3, 'I', 'i'),
  e('sltiu', 0x00003013, F3, 'I', 'i'),
  e('xori', 0x00004013, F3, 'I', 'i'),
  e('ori', 0x00006013, F3, 'I', 'i'),
  e('andi', 0x00007013, F3, 'I', 'i'),
  // RV32 shifts: shamt[5] must be 0 (spec 2.4.1), hence the full funct7 in the mask.
  e('slli', 0x00001013, F7, 'shift', 'i'),
  e('srli', 0x00005013, F7, 'shift', 'i'),
  e('srai', 0x40005013, F7, 'shift', 'i'),
  e('add', 0x00000033, F7, 'R', 'i'),
  e('sub', 0x40000033, F7, 'R', 'i'),
  e('sll', 0x00001033, F7, 'R', 'i'),
  e('slt', 0x00002033, F7, 'R', 'i'),
  e('sltu', 0x00003033, F7, 'R', 'i'),
  e('xor', 0x00004033, F7, 'R', 'i'),
  e('srl', 0x00005033, F7, 'R', 'i'),
  e('sra', 0x40005033, F7, 'R', 'i'),
  e('or', 0x00006033, F7, 'R', 'i'),
  e('and', 0x00007033, F7, 'R', 'i'),
  // FENCE (2.7): rd/rs1 are reserved and ignored; fm = 1000 with rw,rw is FENCE.TSO (an encoding of
  // FENCE, executed as one; the disassembler prints it as fence.tso).
  e('fence', 0x0000000f, F3, 'fence', 'i'),
  // ECALL / EBREAK (2.8) are RV32I instructions.
  e('ecall', 0x00000073, SYS, 'none', 'i'),
  e('ebreak', 0x00100073, SYS, 'none', 'i'),

  // "Zifencei" (ch. 3): imm/rs1/rd are reserved for future use; decoded as no operands.
  e('fence.i', 0x0000100f, F3, 'none', 'zifencei'),

  // "Zicsr" (ch. 9).
  e('csrrw', 0x00001073, F3, 'csr', 'zicsr'),
  e('csrrs', 0x00002073, F3, 'csr', 'zicsr'),
  e('csrrc', 0x00003073, F3, 'csr', 'zicsr'),
  e('csrrwi', 0x00005073, F3, 'csri', 'zicsr'),
  e('csrrsi', 0x00006073, F3, 'csri', 'zicsr'),
  e('csrrci', 0x00007073, F3, 'csri', 'zicsr'),

  // "M" (ch. 7).
  e('mul', 0x02000033, F7, 'R', 'm'),
  e('mulh', 0x02001033, F7, 'R', 'm'),
  e('mulhsu', 0x02002033, F7, 'R', 'm'),
  e('mulhu', 0x02003033, F7, 'R', 'm'),
  e('div', 0x02004033, F7, 'R', 'm'),
  e('divu', 0x02005033, F7, 'R', 'm'),
  e('rem', 0x02006033, F7, 'R', 'm'),
  e('remu', 0x02007033, F7, 'R', 'm'),

  // "A" (ch. 8), word forms only.
  e('lr.w', 0x1000202f, LR, 'lr', 'a'),
  e('sc.w', 0x1800202f, AMO, 'amo', 'a'),
  e('amoswap.w', 0x0800202f, AMO, 'amo', 'a'),
  e('amoadd.w', 0x0000202f, AMO, 'amo', 'a'),
  e('amoxor.w', 0x2000202f, AMO, 'amo', 'a'),
  e('amoand.w', 0x6000202f, AMO, 'amo', 'a'),
  e('amoor.w', 0x4000202f, AMO, 'amo', 'a'),
  e('amomin.w', 0x8000202f, AMO, 'amo', 'a'),
  e('amomax.w', 0xa000202f, AMO, 'amo', 'a'),
  e('amominu.w', 0xc000202f, AMO, 'amo', 'a'),
  e('amomaxu.w', 0xe000202f, AMO, 'amo', 'a'),

  // "Zicbom" (CMO spec 1.0, ch. 2.5 / 3): cbo.* rs1 with imm12 selecting the operation.
  e('cbo.inval', 0x0000200f, CBO, 'rs1', 'zicbom'),
  e('cbo.clean', 0x0010200f, CBO, 'rs1', 'zicbom'),
  e('cbo.flush', 0x0020200f, CBO, 'rs1', 'zicbom'),

  // Privileged (privileged spec 3.3 trap-return / wfi, 4.2.1 sfence.vma).
  e('sret', 0x10200073, SYS, 'none', 'priv'),
  e('mret', 0x30200073, SYS, 'none', 'priv'),
  e('wfi', 0x10500073, SYS, 'none', 'priv'),
  e('sfence.vma', 0x12000073, FENCE_RS, 'rs1rs2', 'priv'),

  // Hypervisor extension (privileged spec ch. 9: 9.3 hypervisor load/store, 9.3.2 fences).
  e('hfence.vvma', 0x22000073, FENCE_RS, 'rs1rs2', 'h'),
  e('hfence.gvma', 0x62000073, FENCE_RS, 'rs1rs2', 'h'),
  e('hlv.b', 0x60004073, HLV, 'hlv', 'h'),
  e('hlv.bu', 0x60104073, HLV, 'hlv', 'h'),
  e('hlv.h', 0x64004073, HLV, 'hlv', 'h'),
  e('hlv.hu', 0x64104073, HLV, 'hlv', 'h'),
  e('hlvx.hu', 0x64304073, HLV, 'hlv', 'h'),
  e('hlv.w', 0x68004073, HLV, 'hlv', 'h'),
  e('hlvx.wu', 0x68304073, HLV, 'hlv', 'h'),
  e('hsv.b', 0x62004073, FENCE_RS, 'hsv', 'h'),
  e('hsv.h', 0x66004073, FENCE_RS, 'hsv', 'h'),
  e('hsv.w', 0x6a004073, FENCE_RS, 'hsv', 'h'),

  // vmscope's confidential-VM instructions: custom-0 (opcode 0x0b, unprivileged spec table 34.1),
  // R-type with funct3 = 0, funct7 selecting (emulator/cvm/README.md, cvm-model 4.3 and 6.2).
  e('rmpupdate', 0x0000000b, F7, 'R', 'xcvm'),
  e('pvalidate', 0x0200000b, F7, 'R', 'xcvm'),
  e('cinval.all', 0x0400000b, SYS, 'none', 'xcvm'),
];

const byName = new Map<string, number>(OPCODES.map((o, i) => [o.name, i]));

/** Index of `name` in OPCODES (the value decode() puts in Insn.op). Throws on an unknown name. */
export function opIndex(name: string): number {
  const i = byName.get(name);
  if (i === undefined) throw new Error(`opIndex: unknown instruction '${name}'`);
  return i;
}

/** Index of the `illegal` entry (always 0). */
export const OP_ILLEGAL = 0;
