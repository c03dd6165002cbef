/**
 * The decoded form of one instruction, shared by the CPU, the disassembler and (later) the assembler.
 *
 * A compressed instruction (RVC, unprivileged spec ch. 16) decodes to the base instruction it expands
 * to: `name`/`op` are the expanded mnemonic (`c.addi a0,1` -> `addi`, rd = rs1 = 10, imm = 1), `len`
 * is 2 and `cname` keeps the compressed mnemonic for `-M no-aliases`-style listings and traces.
 */
export interface Insn {
  /** Index into OPCODES (emulator/isa/opcodes.ts); 0 is the `illegal` entry. */
  op: number;
  /** Base mnemonic as the spec spells it: 'addi', 'lr.w', 'csrrw', 'sfence.vma', 'illegal'. */
  name: string;
  /** Compressed mnemonic ('c.addi') when len === 2, else undefined. */
  cname?: string;
  /** Register numbers 0..31 (0 when the format has no such field). */
  rd: number;
  rs1: number;
  rs2: number;
  /**
   * Immediate, already sign-extended and scaled as the instruction uses it: I/S/B/J offsets in bytes,
   * U-type as the full 32-bit value (imm20 << 12, signed int32), shift amount for slli/srli/srai,
   * fence: pred << 4 | succ (fm in bits 8..11), AMO: aq << 1 | rl.
   * For csrr*i the 5-bit zero-extended immediate is in rs1 (as the encoding has it).
   */
  imm: number;
  /** CSR number (bits 31..20) for the Zicsr instructions, else 0. */
  csr: number;
  /** 2 or 4. */
  len: 2 | 4;
  /** The raw instruction bits (16 bits for compressed, zero-extended). */
  raw: number;
}
