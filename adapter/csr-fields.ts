/**
 * Decoded fields of the CSRs the Variables view expands (privileged spec 3.1.6 mstatus, 3.1.9 mip/mie,
 * 3.1.15 mcause, 4.1.11 satp). Pure tables: the session turns them into variables.
 */
import { CSR } from '../emulator/api';

export interface Field {
  name: string;
  lsb: number;
  width: number;
  /** Names of values (e.g. privilege levels, causes), when the number alone says little. */
  describe?: (v: number) => string | undefined;
}

const PRIV = (v: number) => ['U', 'S', '(reserved)', 'M'][v];
const XS = (v: number) => ['Off', 'Initial', 'Clean', 'Dirty'][v];

const INTERRUPTS = ['', 'SSI', '', 'MSI', '', 'STI', '', 'MTI', '', 'SEI', '', 'MEI', '', 'LCOFI'];
const EXCEPTIONS = ['instruction address misaligned', 'instruction access fault', 'illegal instruction', 'breakpoint',
  'load address misaligned', 'load access fault', 'store/AMO address misaligned', 'store/AMO access fault',
  'environment call from U-mode', 'environment call from S-mode', '(reserved)', 'environment call from M-mode',
  'instruction page fault', 'load page fault', '(reserved)', 'store/AMO page fault'];

const irqBits = (suffix: 'IP' | 'IE'): Field[] =>
  INTERRUPTS.flatMap((n, i) => (n === '' ? [] : [{ name: n.slice(0, -1) + suffix, lsb: i, width: 1 }]));

const status: Field[] = [
  { name: 'SIE', lsb: 1, width: 1 }, { name: 'MIE', lsb: 3, width: 1 }, { name: 'SPIE', lsb: 5, width: 1 },
  { name: 'UBE', lsb: 6, width: 1 }, { name: 'MPIE', lsb: 7, width: 1 }, { name: 'SPP', lsb: 8, width: 1, describe: PRIV },
  { name: 'VS', lsb: 9, width: 2, describe: XS }, { name: 'MPP', lsb: 11, width: 2, describe: PRIV },
  { name: 'FS', lsb: 13, width: 2, describe: XS }, { name: 'XS', lsb: 15, width: 2, describe: XS },
  { name: 'MPRV', lsb: 17, width: 1 }, { name: 'SUM', lsb: 18, width: 1 }, { name: 'MXR', lsb: 19, width: 1 },
  { name: 'TVM', lsb: 20, width: 1 }, { name: 'TW', lsb: 21, width: 1 }, { name: 'TSR', lsb: 22, width: 1 },
  { name: 'SD', lsb: 31, width: 1 },
];

const cause: Field[] = [
  { name: 'Interrupt', lsb: 31, width: 1 },
  { name: 'Exception Code', lsb: 0, width: 31 },
];

/** The cause's name for an mcause/scause value. */
export function causeName(v: number): string | undefined {
  const code = v & 0x7fffffff;
  return (v >>> 31 ? INTERRUPTS[code] && `${INTERRUPTS[code]} interrupt` : EXCEPTIONS[code]) || undefined;
}

const satp: Field[] = [
  { name: 'MODE', lsb: 31, width: 1, describe: (v) => (v ? 'Sv32' : 'Bare') },
  { name: 'ASID', lsb: 22, width: 9 },
  { name: 'PPN', lsb: 0, width: 22, describe: (v) => `root page table at 0x${(v * 4096).toString(16)}` },
];

export const CSR_FIELDS: ReadonlyMap<number, Field[]> = new Map([
  [CSR.mstatus, status],
  [CSR.sstatus, status.filter((f) => ['SIE', 'SPIE', 'UBE', 'SPP', 'VS', 'FS', 'XS', 'SUM', 'MXR', 'SD'].includes(f.name))],
  [CSR.mcause, cause],
  [CSR.scause, cause],
  [CSR.mip, irqBits('IP')],
  [CSR.mie, irqBits('IE')],
  [CSR.sip, irqBits('IP').filter((f) => f.name.startsWith('S') || f.name.startsWith('LCOF'))],
  [CSR.sie, irqBits('IE').filter((f) => f.name.startsWith('S') || f.name.startsWith('LCOF'))],
  [CSR.satp, satp],
]);

export function fieldValue(v: number, f: Field): number {
  return f.width === 32 ? v >>> 0 : (v >>> f.lsb) & ((2 ** f.width) - 1);
}

/** Group of a CSR by its number's privilege bits (privileged spec 2.1, table 2.1). */
export function csrGroup(num: number): 'user' | 'supervisor' | 'hypervisor' | 'machine' {
  return (['user', 'supervisor', 'hypervisor', 'machine'] as const)[(num >> 8) & 3]!;
}
