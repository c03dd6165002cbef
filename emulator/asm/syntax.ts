/**
 * Operand formats of the mnemonic table (riscv-opc.c letters, see table.ts) as a user writes them,
 * e.g. "d,o(s)" -> "rd, offset(rs1)". Shared by the assembler's error messages and the language
 * server's hovers, so both say the same thing.
 */
import type { Entry } from './table';

const OPERAND_NAMES: Record<string, string> = {
  d: 'rd', s: 'rs1', t: 'rs2', j: 'imm', o: 'offset', q: 'offset', u: 'imm20', a: 'label', p: 'label', '>': 'shamt',
  E: 'csr', Z: 'uimm5', P: 'pred', Q: 'succ', c: 'symbol', B: 'symbol', A: 'symbol', I: 'imm', z: '0', '0': '',
};

/** A format string as the user would write it, e.g. "rd, offset(rs1)". */
export function operandSyntax(fmt: string): string {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i]!;
    if (ch === 'C') {
      const op = fmt[++i]!;
      out += 'stwUVczd'.includes(op) ? 'reg' : 'mMk'.includes(op) ? 'offset' : 'pa'.includes(op) ? 'label' : 'imm';
      continue;
    }
    out += ch === ',' ? ', ' : OPERAND_NAMES[ch] ?? ch;
  }
  return out;
}

/**
 * The distinct operand forms of mnemonic `name` (lower case) over its table entries; compressed
 * encodings count only when the mnemonic itself is a `c.` one (they are not forms a user writes).
 */
export function operandForms(name: string, entries: readonly Entry[]): string[] {
  return [...new Set(entries.filter((e) => !e.rvc || name.startsWith('c.')).map((e) => operandSyntax(e.fmt)))];
}
