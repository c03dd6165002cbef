/**
 * Disassembler: prints an Insn the way `riscv64-unknown-elf-objdump -d` (binutils 2.40, default
 * options) prints its mnemonic and operands, aliases included (rules in disasm-rules.ts). Mnemonic and
 * operands are separated by one space (objdump uses a tab).
 *
 * objdump also annotates memory operands whose address it can work out (`lw a1,-4(a0) # 7ffffffc`):
 * from x0- or tp-relative offsets, gp (when __global_pointer$ is known) and a preceding lui/auipc of
 * the base register. `disassemble()` is stateless (it annotates x0/tp only); a `DisasmContext` carries
 * the lui/auipc tracking and gp across a linear listing, as `vmscope objdump` needs.
 */
import { csrText, type PrivSpec } from './csr-names';
import type { Insn } from './insn';
import { OPCODES } from './opcodes';
import { ABI_NAMES } from './registers';
import { counterAlias, RULES16, RULES32, type Rule } from './disasm-rules';

export type Symbolizer = (addr: number) => string | undefined;

/** State objdump keeps while disassembling a section (binutils riscv-dis.c `riscv_private_data`). */
export interface DisasmContext {
  /** Per register: the value a lui/auipc last gave it, until a memory operand consumes it. */
  hi: (number | undefined)[];
  /** Value of __global_pointer$, if the program has one. */
  gp?: number;
  /** Extensions (ext tags of OPCODES, 'c' for RVC) to print; others print as .4byte/.2byte. */
  exts?: ReadonlySet<string>;
  symbolize?: Symbolizer;
  /** Privileged spec version whose CSR names to print (binutils default: 1.12). */
  priv?: PrivSpec;
  /** Overrides how an address operand or annotation is printed (default: hex, then ` <symbolize()>`). */
  formatAddress?: (addr: number) => string;
  /** Print only what GNU objdump knows: vmscope's custom-0 instructions (ext 'xcvm') as .4byte. */
  gnuOnly?: boolean;
}

export function newContext(opts: Partial<DisasmContext> = {}): DisasmContext {
  return { ...opts, hi: new Array<number | undefined>(32).fill(undefined) };
}

/** Disassemble one instruction at `pc` (stateless: see DisasmContext for objdump's address tracking). */
export function disassemble(insn: Insn, pc: number, symbolize?: Symbolizer): string {
  return disassembleIn(insn, pc, symbolize ? { hi: [], symbolize } : { hi: [] });
}

const hex = (n: number): string => (n >>> 0).toString(16);
const reg = (n: number): string => ABI_NAMES[n]!;
const FENCE_SET = (bits: number): string =>
  bits === 0 ? 'unknown' : (bits & 8 ? 'i' : '') + (bits & 4 ? 'o' : '') + (bits & 2 ? 'r' : '') + (bits & 1 ? 'w' : '');
const AQRL = ['', '.rl', '.aq', '.aqrl'];

/** `addr <symbol>` as objdump's print_address_func prints it. */
function address(addr: number, ctx: DisasmContext): string {
  if (ctx.formatAddress) return ctx.formatAddress(addr >>> 0);
  const sym = ctx.symbolize?.(addr >>> 0);
  return sym === undefined ? hex(addr) : `${hex(addr)} <${sym}>`;
}

/** Disassemble with a context (updated in place: lui/auipc tracking). */
export function disassembleIn(insn: Insn, pc: number, ctx: DisasmContext): string {
  if (insn.op === 0 || !enabled(insn, ctx)) return invalid(insn);
  const rules = insn.len === 2 ? RULES16[insn.cname!] : RULES32[insn.name];
  if (rules) {
    for (let k = 0; k < rules.length; k++) {
      const rule = rules[k]!;
      if (rule.when === undefined || rule.when(insn)) return render(rule, insn, pc, ctx);
    }
  }
  return invalid(insn);
}

function enabled(insn: Insn, ctx: DisasmContext): boolean {
  if (insn.len === 4 && OPCODES[insn.op]!.ext === 'xcvm') return ctx.gnuOnly !== true;
  if (!ctx.exts) return true;
  if (insn.len === 2) return ctx.exts.has('c');
  const ext = OPCODES[insn.op]!.ext;
  return ext === 'i' || ext === 'priv' || ctx.exts.has(ext);
}

/**
 * objdump's maybe_print_address (riscv-dis.c): the address base + offset when the base register's
 * value is known (a lui/auipc, used once), is gp with __global_pointer$ known, or is tp/x0.
 */
function track(ctx: DisasmContext, base: number, off: number): number | undefined {
  const hi = ctx.hi[base];
  if (hi !== undefined) {
    ctx.hi[base] = undefined;
    return (base !== 0 ? hi : 0) + off;
  }
  if (base === 3 && ctx.gp !== undefined) return ctx.gp + off;
  if (base === 4 || base === 0) return off;
  return undefined;
}

function render(rule: Rule, i: Insn, pc: number, ctx: DisasmContext): string {
  let mn = rule.mn;
  if (mn === '@counter') mn = counterAlias(i.csr)!;
  else if (mn.endsWith('A')) mn = mn.slice(0, -1) + AQRL[i.imm & 3];
  const tpl = rule.tpl;
  if (tpl === '') return mn;
  let comment: number | undefined;
  let ops = '';
  for (let k = 0; k < tpl.length; k++) {
    const ch = tpl[k]!;
    switch (ch) {
      case 'd':
        // A lui/auipc destination becomes a known base (riscv-dis.c, operand 'd').
        if (i.name === 'lui') ctx.hi[i.rd] = i.imm;
        else if (i.name === 'auipc') ctx.hi[i.rd] = (pc + i.imm) | 0;
        ops += reg(i.rd);
        break;
      case 's': ops += reg(i.rs1); break;
      case 'S': comment = track(ctx, i.rs1, i.imm); ops += reg(i.rs1); break;
      case 't': ops += reg(i.rs2); break;
      case 'i': ops += i.imm; break;
      case 'j':
        if (i.rs1 !== 0 || i.name === 'jalr') comment = track(ctx, i.rs1, i.imm);
        ops += i.imm;
        break;
      case 'o': case 'q': comment = track(ctx, i.rs1, i.imm); ops += i.imm; break;
      case '>': ops += '0x' + hex(i.imm); break;
      case 'u': ops += '0x' + hex(i.imm >>> 12); break;
      case 'p': case 'a': ops += address((pc + i.imm) >>> 0, ctx); break;
      case 'E': ops += csrText(i.csr, ctx.priv); break;
      case 'Z': ops += i.rs1; break;
      case 'P': ops += FENCE_SET((i.imm >> 4) & 15); break;
      case 'Q': ops += FENCE_SET(i.imm & 15); break;
      default: ops += ch;
    }
  }
  const text = mn + ' ' + ops;
  return comment === undefined ? text : text + ' # ' + address(comment >>> 0, ctx);
}

/**
 * What objdump prints for an encoding we decode as illegal: `.4byte`/`.2byte` with the raw value,
 * except the RVC encodings binutils still names (16.5: the all-zero parcel, RV32C shifts with
 * shamt[5] = 1 which the spec reserves for custom use, and C.ADDI16SP with a zero immediate).
 */
function invalid(insn: Insn): string {
  const raw = insn.raw;
  if (insn.len === 4) {
    // RV32 shifts with shamt[5] = 1 (reserved, 2.4.1): binutils decodes the 6-bit shamt.
    const f = raw & 0xfc00707f;
    const sh = f === 0x00001013 ? 'sll' : f === 0x00005013 ? 'srl' : f === 0x40005013 ? 'sra' : undefined;
    if (sh) return `${sh} ${reg((raw >>> 7) & 31)},${reg((raw >>> 15) & 31)},0x${hex((raw >>> 20) & 63)}`;
    return `.4byte 0x${hex(raw)}`;
  }
  if (raw === 0) return 'unimp';
  const q = raw & 3, f3 = raw >>> 13, b12 = (raw >>> 12) & 1, sh = 32 | ((raw >>> 2) & 31);
  const rd = (raw >>> 7) & 31, rdp = 8 + ((raw >>> 7) & 7);
  if (q === 2 && f3 === 0 && b12) return rd === 0 ? `c.slli zero,0x${hex(sh)}` : `sll ${reg(rd)},${reg(rd)},0x${hex(sh)}`;
  if (q === 1 && f3 === 4 && b12 && ((raw >>> 10) & 3) < 2) {
    return `${(raw >>> 10) & 1 ? 'sra' : 'srl'} ${reg(rdp)},${reg(rdp)},0x${hex(sh)}`;
  }
  if (q === 1 && f3 === 3 && rd === 2 && (raw & 0x107c) === 0) return 'add sp,sp,0';
  return `.2byte 0x${hex(raw)}`;
}
