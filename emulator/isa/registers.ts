/** Integer register names (unprivileged spec ch. 25 "RISC-V Assembly Programmer's Handbook", table 25.1). */

/** ABI names of x0..x31, as objdump prints them (x8 is `s0`, not `fp`). */
export const ABI_NAMES: readonly string[] = [
  'zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2',
  's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7',
  's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6',
];
