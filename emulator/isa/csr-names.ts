/**
 * CSR names as binutils 2.40's objdump prints them (opcodes/riscv-opc.h DECLARE_CSR list for RV32):
 * the privileged spec's CSR listing (priv. spec ch. 2, tables 2.2-2.6, including the H/VS CSRs of
 * ch. 9), plus the unprivileged F/V/Zkr CSRs and the debug/trigger CSRs. Numbers not listed print as hex.
 * Which names exist depends on the privileged spec version (see VERSIONED).
 */

/** Names common to every privileged spec version binutils knows. */
const SINGLES: readonly (readonly [number, string])[] = [
  [0x001, 'fflags'], [0x002, 'frm'], [0x003, 'fcsr'], [0x008, 'vstart'], [0x009, 'vxsat'], [0x00a, 'vxrm'],
  [0x00f, 'vcsr'], [0x015, 'seed'], [0x100, 'sstatus'], [0x104, 'sie'], [0x105, 'stvec'],
  [0x10c, 'sstateen0'], [0x10d, 'sstateen1'], [0x10e, 'sstateen2'], [0x10f, 'sstateen3'], [0x114, 'sieh'],
  [0x140, 'sscratch'], [0x141, 'sepc'], [0x142, 'scause'], [0x144, 'sip'], [0x14d, 'stimecmp'],
  [0x150, 'siselect'], [0x151, 'sireg'], [0x154, 'siph'], [0x15c, 'stopei'], [0x15d, 'stimecmph'],
  [0x200, 'vsstatus'], [0x204, 'vsie'], [0x205, 'vstvec'], [0x214, 'vsieh'], [0x240, 'vsscratch'],
  [0x241, 'vsepc'], [0x242, 'vscause'], [0x243, 'vstval'], [0x244, 'vsip'], [0x24d, 'vstimecmp'],
  [0x250, 'vsiselect'], [0x251, 'vsireg'], [0x254, 'vsiph'], [0x25c, 'vstopei'], [0x25d, 'vstimecmph'],
  [0x280, 'vsatp'], [0x300, 'mstatus'], [0x301, 'misa'], [0x302, 'medeleg'], [0x303, 'mideleg'],
  [0x304, 'mie'], [0x305, 'mtvec'], [0x308, 'mvien'], [0x309, 'mvip'], [0x30c, 'mstateen0'],
  [0x30d, 'mstateen1'], [0x30e, 'mstateen2'], [0x30f, 'mstateen3'], [0x313, 'midelegh'], [0x314, 'mieh'],
  [0x318, 'mvienh'], [0x319, 'mviph'], [0x31c, 'mstateen0h'], [0x31d, 'mstateen1h'], [0x31e, 'mstateen2h'],
  [0x31f, 'mstateen3h'], [0x340, 'mscratch'], [0x341, 'mepc'], [0x342, 'mcause'], [0x344, 'mip'],
  [0x350, 'miselect'], [0x351, 'mireg'], [0x354, 'miph'], [0x35c, 'mtopei'], [0x5a8, 'scontext'],
  [0x600, 'hstatus'], [0x602, 'hedeleg'], [0x603, 'hideleg'], [0x604, 'hie'], [0x605, 'htimedelta'],
  [0x606, 'hcounteren'], [0x607, 'hgeie'], [0x608, 'hvien'], [0x609, 'hvictl'], [0x60a, 'henvcfg'],
  [0x60c, 'hstateen0'], [0x60d, 'hstateen1'], [0x60e, 'hstateen2'], [0x60f, 'hstateen3'],
  [0x613, 'hidelegh'], [0x615, 'htimedeltah'], [0x618, 'hvienh'], [0x61a, 'henvcfgh'], [0x61c, 'hstateen0h'],
  [0x61d, 'hstateen1h'], [0x61e, 'hstateen2h'], [0x61f, 'hstateen3h'], [0x643, 'htval'], [0x644, 'hip'],
  [0x645, 'hvip'], [0x646, 'hviprio1'], [0x647, 'hviprio2'], [0x64a, 'htinst'], [0x655, 'hviph'],
  [0x656, 'hviprio1h'], [0x657, 'hviprio2h'], [0x680, 'hgatp'], [0x6a8, 'hcontext'], [0x7a0, 'tselect'],
  [0x7a1, 'tdata1'], [0x7a2, 'tdata2'], [0x7a3, 'tdata3'], [0x7a4, 'tinfo'], [0x7a5, 'tcontrol'],
  [0x7a8, 'mcontext'], [0x7aa, 'mscontext'], [0x7b0, 'dcsr'], [0x7b1, 'dpc'], [0x7b2, 'dscratch0'],
  [0x7b3, 'dscratch1'], [0xb00, 'mcycle'], [0xb02, 'minstret'], [0xb80, 'mcycleh'], [0xb82, 'minstreth'],
  [0xc00, 'cycle'], [0xc01, 'time'], [0xc02, 'instret'], [0xc20, 'vl'], [0xc21, 'vtype'], [0xc22, 'vlenb'],
  [0xc80, 'cycleh'], [0xc81, 'timeh'], [0xc82, 'instreth'], [0xda0, 'scountovf'], [0xdb0, 'stopi'],
  [0xe12, 'hgeip'], [0xeb0, 'vstopi'], [0xf11, 'mvendorid'], [0xf12, 'marchid'], [0xf13, 'mimpid'],
  [0xf14, 'mhartid'], [0xfb0, 'mtopi'],
];

/**
 * Names that depend on the privileged spec version objdump disassembles for (binutils DECLARE_CSR
 * ranges; the ELF's Tag_RISCV_priv_spec attributes pick it, 1.12 without them):
 * [number, name, first version, last version] with versions indexed as PRIV_SPECS.
 */
const VERSIONED: readonly (readonly [number, string, number, number])[] = [
  [0x000, 'ustatus', 0, 2], [0x004, 'uie', 0, 2], [0x005, 'utvec', 0, 2], [0x040, 'uscratch', 0, 2],
  [0x041, 'uepc', 0, 2], [0x042, 'ucause', 0, 2], [0x043, 'ubadaddr', 0, 0], [0x043, 'utval', 1, 2],
  [0x044, 'uip', 0, 2], [0x102, 'sedeleg', 0, 2], [0x103, 'sideleg', 0, 2], [0x106, 'scounteren', 1, 3],
  [0x10a, 'senvcfg', 3, 3], [0x143, 'sbadaddr', 0, 0], [0x143, 'stval', 1, 3], [0x180, 'sptbr', 0, 0],
  [0x180, 'satp', 1, 3], [0x306, 'mcounteren', 1, 3], [0x30a, 'menvcfg', 3, 3], [0x310, 'mstatush', 3, 3],
  [0x31a, 'menvcfgh', 3, 3], [0x320, 'mucounteren', 0, 0], [0x320, 'mcountinhibit', 2, 3],
  [0x321, 'mscounteren', 0, 0], [0x322, 'mhcounteren', 0, 0], [0x343, 'mbadaddr', 0, 0],
  [0x343, 'mtval', 1, 3], [0x34a, 'mtinst', 3, 3], [0x34b, 'mtval2', 3, 3], [0x380, 'mbase', 0, 0],
  [0x381, 'mbound', 0, 0], [0x382, 'mibase', 0, 0], [0x383, 'mibound', 0, 0], [0x384, 'mdbase', 0, 0],
  [0x385, 'mdbound', 0, 0], [0x747, 'mseccfg', 3, 3], [0x757, 'mseccfgh', 3, 3], [0xf15, 'mconfigptr', 3, 3],
];


/** Numbered families: [first CSR number, name prefix, first index, last index, suffix, first version]. */
const RANGES: readonly (readonly [number, string, number, number, string, number?])[] = [
  [0x3a0, 'pmpcfg', 0, 3, '', 1], // priv. 3.7.1 (16 pmpcfg / 64 pmpaddr from 1.12)
  [0x3a4, 'pmpcfg', 4, 15, '', 3],
  [0x3b0, 'pmpaddr', 0, 15, '', 1],
  [0x3c0, 'pmpaddr', 16, 63, '', 3],
  [0x323, 'mhpmevent', 3, 31, ''], // priv. 3.1.10
  [0x723, 'mhpmevent', 3, 31, 'h'], // Sscofpmf
  [0xb03, 'mhpmcounter', 3, 31, ''],
  [0xb83, 'mhpmcounter', 3, 31, 'h'],
  [0xc03, 'hpmcounter', 3, 31, ''], // unpriv. "Zihpm"
  [0xc83, 'hpmcounter', 3, 31, 'h'],
];

/** Privileged spec versions binutils distinguishes (Tag_RISCV_priv_spec major.minor.revision). */
export const PRIV_SPECS = ['1.9.1', '1.10', '1.11', '1.12'] as const;
export type PrivSpec = (typeof PRIV_SPECS)[number];
const DEFAULT_PRIV = 3;

const TABLES: readonly (readonly (string | undefined)[])[] = PRIV_SPECS.map((_, v) => {
  const names: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);
  for (const [n, name] of SINGLES) names[n] = name;
  for (const [n, name, from, to] of VERSIONED) if (v >= from && v <= to) names[n] = name;
  for (const [base, prefix, lo, hi, suffix, from = 0] of RANGES) {
    if (v < from) continue;
    for (let i = lo; i <= hi; i++) names[base + i - lo] = `${prefix}${i}${suffix}`;
  }
  return names;
});

const table = (priv?: PrivSpec): readonly (string | undefined)[] =>
  TABLES[priv === undefined ? DEFAULT_PRIV : PRIV_SPECS.indexOf(priv)]!;

/** objdump's name for CSR `n` (0..4095), or undefined when it prints the number. */
export function csrName(n: number, priv?: PrivSpec): string | undefined {
  return table(priv)[n & 0xfff];
}

/** CSR operand text: the name, or `0x…` (unpadded hex) for an unnamed CSR. */
export function csrText(n: number, priv?: PrivSpec): string {
  return table(priv)[n & 0xfff] ?? `0x${(n & 0xfff).toString(16)}`;
}

/** CSR number for a name (for tests and tools). */
export function csrNumber(name: string, priv?: PrivSpec): number | undefined {
  const i = table(priv).indexOf(name);
  return i < 0 ? undefined : i;
}

/** The PrivSpec for Tag_RISCV_priv_spec / _minor / _revision values (1.12 when not one binutils knows). */
export function privSpecFromAttributes(major: number, minor: number, revision: number): PrivSpec {
  const key = `${major}.${minor}${revision ? `.${revision}` : ''}`;
  return (PRIV_SPECS as readonly string[]).includes(key) ? (key as PrivSpec) : '1.12';
}
