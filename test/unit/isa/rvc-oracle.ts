/**
 * The RVC oracle: objdump's `-M no-aliases` listing of every 16-bit encoding, reduced to lines
 * `hex<TAB>c.mnemonic<TAB>operands` (branch/jump targets rewritten as `.+off` / `.-off`), and the
 * spec's expansion of each compressed form (unprivileged spec 16.8 listings), written independently of
 * emulator/isa/rvc.ts so that the two can be compared.
 */
import { ABI_NAMES } from '../../../emulator/isa/registers';
import { corpus16 } from './corpus';
import { oracleListing } from './oracle';

export const RVC_FIXTURE = 'rvc-all.noaliases.txt.gz';

/** Regenerate the listing with the real toolchain (every 16-bit value with bits 1..0 != 11). */
export function generateRvcListing(): string {
  const lines: string[] = [];
  for (const l of oracleListing(corpus16(), ['-M', 'no-aliases'])) {
    if (l.text.startsWith('.2byte')) continue;
    const sp = l.text.indexOf(' ');
    const mn = sp < 0 ? l.text : l.text.slice(0, sp);
    const ops = (sp < 0 ? '' : l.text.slice(sp + 1)).replace(/([0-9a-f]+) <[^>]*>/, (_s, t: string) => {
      const off = parseInt(t, 16) - l.addr;
      return off < 0 ? `.-${-off}` : `.+${off}`;
    });
    lines.push(`${l.raw.toString(16).padStart(4, '0')}\t${mn}\t${ops}`);
  }
  return lines.join('\n') + '\n';
}

export interface Expected {
  name: string;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

const reg = (s: string): number => {
  const i = ABI_NAMES.indexOf(s);
  if (i < 0) throw new Error(`bad register ${s}`);
  return i;
};
const num = (s: string): number => {
  if (s.startsWith('.+')) return parseInt(s.slice(2), 10);
  if (s.startsWith('.-')) return -parseInt(s.slice(2), 10);
  return s.startsWith('0x') ? parseInt(s, 16) : parseInt(s, 10);
};
/** `off(reg)` */
const mem = (s: string): [number, number] => {
  const m = /^(-?\w+)\((\w+)\)$/.exec(s)!;
  return [num(m[1]!), reg(m[2]!)];
};
const luiImm = (s: string): number => (num(s) << 12) | 0;

const E = (name: string, rd: number, rs1: number, rs2: number, imm: number): Expected => ({ name, rd, rs1, rs2, imm });

/** The base instruction each compressed mnemonic stands for, from its (no-aliases) operands. */
export const EXPAND: Record<string, (o: string[]) => Expected | 'illegal'> = {
  'c.unimp': () => 'illegal',
  'c.addi4spn': (o) => E('addi', reg(o[0]!), 2, 0, num(o[2]!)),
  'c.lw': (o) => { const [off, b] = mem(o[1]!); return E('lw', reg(o[0]!), b, 0, off); },
  'c.sw': (o) => { const [off, b] = mem(o[1]!); return E('sw', 0, b, reg(o[0]!), off); },
  'c.nop': (o) => E('addi', 0, 0, 0, o[0] ? num(o[0]) : 0),
  'c.addi': (o) => E('addi', reg(o[0]!), reg(o[0]!), 0, num(o[1]!)),
  'c.jal': (o) => E('jal', 1, 0, 0, num(o[0]!)),
  'c.li': (o) => E('addi', reg(o[0]!), 0, 0, num(o[1]!)),
  'c.addi16sp': (o) => E('addi', 2, 2, 0, num(o[1]!)),
  'c.lui': (o) => E('lui', reg(o[0]!), 0, 0, luiImm(o[1]!)),
  'c.srli': (o) => E('srli', reg(o[0]!), reg(o[0]!), 0, num(o[1]!)),
  'c.srli64': (o) => E('srli', reg(o[0]!), reg(o[0]!), 0, 0),
  'c.srai': (o) => E('srai', reg(o[0]!), reg(o[0]!), 0, num(o[1]!)),
  'c.srai64': (o) => E('srai', reg(o[0]!), reg(o[0]!), 0, 0),
  'c.andi': (o) => E('andi', reg(o[0]!), reg(o[0]!), 0, num(o[1]!)),
  'c.sub': (o) => E('sub', reg(o[0]!), reg(o[0]!), reg(o[1]!), 0),
  'c.xor': (o) => E('xor', reg(o[0]!), reg(o[0]!), reg(o[1]!), 0),
  'c.or': (o) => E('or', reg(o[0]!), reg(o[0]!), reg(o[1]!), 0),
  'c.and': (o) => E('and', reg(o[0]!), reg(o[0]!), reg(o[1]!), 0),
  'c.j': (o) => E('jal', 0, 0, 0, num(o[0]!)),
  'c.beqz': (o) => E('beq', 0, reg(o[0]!), 0, num(o[1]!)),
  'c.bnez': (o) => E('bne', 0, reg(o[0]!), 0, num(o[1]!)),
  'c.slli': (o) => E('slli', reg(o[0]!), reg(o[0]!), 0, num(o[1]!)),
  'c.slli64': (o) => E('slli', reg(o[0]!), reg(o[0]!), 0, 0),
  'c.lwsp': (o) => { const [off] = mem(o[1]!); return E('lw', reg(o[0]!), 2, 0, off); },
  'c.swsp': (o) => { const [off] = mem(o[1]!); return E('sw', 0, 2, reg(o[0]!), off); },
  'c.jr': (o) => E('jalr', 0, reg(o[0]!), 0, 0),
  'c.mv': (o) => E('add', reg(o[0]!), 0, reg(o[1]!), 0),
  'c.ebreak': () => E('ebreak', 0, 0, 0, 0),
  'c.jalr': (o) => E('jalr', 1, reg(o[0]!), 0, 0),
  'c.add': (o) => E('add', reg(o[0]!), reg(o[0]!), reg(o[1]!), 0),
};

/** objdump's c.slli64 etc. are the shamt = 0 HINT forms of c.slli/c.srli/c.srai (16.5). */
export const CNAME_OF: Record<string, string> = {
  'c.slli64': 'c.slli', 'c.srli64': 'c.srli', 'c.srai64': 'c.srai',
};
