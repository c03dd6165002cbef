/**
 * What hover says about a CSR: its number, who may access it (privileged spec 2.1: bits 11:10 = 11
 * mark read-only CSRs, bits 9:8 the lowest privilege level that may access it) and, for the CSRs one
 * programs by field, the RV32 field layout (privileged spec 1.12: 3.1.6 mstatus, 3.1.9 mip/mie, 3.1.15
 * mcause, 3.1.7 mtvec, 3.7.1 pmpcfg, 4.1.11 satp, 9.2.1 hstatus, 9.2.4 hvip/hip/hie, 9.2.10 hgatp).
 */
import { csrNumber } from '../emulator/isa/csr-names';

interface F { name: string; bits: string; what: string }
const f = (name: string, bits: string, what: string): F => ({ name, bits, what });

const STATUS_S: F[] = [
  f('SIE', '1', 'S-mode interrupt enable'), f('SPIE', '5', 'SIE before the last trap into S-mode'), f('UBE', '6', 'U-mode big-endian'),
  f('SPP', '8', 'privilege before the last trap into S-mode (0 U, 1 S)'), f('VS', '10:9', 'vector state (Off/Initial/Clean/Dirty)'),
  f('FS', '14:13', 'floating-point state (Off/Initial/Clean/Dirty)'), f('XS', '16:15', 'other extension state'),
  f('SUM', '18', 'S-mode may access U pages'), f('MXR', '19', 'loads from executable pages succeed'), f('SD', '31', 'some state is dirty'),
];
const STATUS_M: F[] = [
  f('SIE', '1', 'S-mode interrupt enable'), f('MIE', '3', 'M-mode interrupt enable'), f('SPIE', '5', 'SIE before the last trap into S-mode'),
  f('UBE', '6', 'U-mode big-endian'), f('MPIE', '7', 'MIE before the last trap into M-mode'),
  f('SPP', '8', 'privilege before the last trap into S-mode (0 U, 1 S)'), f('VS', '10:9', 'vector state'),
  f('MPP', '12:11', 'privilege before the last trap into M-mode (0 U, 1 S, 3 M)'), f('FS', '14:13', 'floating-point state'),
  f('XS', '16:15', 'other extension state'), f('MPRV', '17', 'loads/stores translate and check as in MPP'),
  f('SUM', '18', 'S-mode may access U pages'), f('MXR', '19', 'loads from executable pages succeed'),
  f('TVM', '20', 'trap S-mode satp accesses and sfence.vma'), f('TW', '21', 'trap wfi in lower modes'), f('TSR', '22', 'trap sret in S-mode'),
  f('SD', '31', 'some state is dirty'),
];
const irq = (suffix: string, names: string[]): F[] => {
  const bit: Record<string, [number, string]> = {
    SS: [1, 'supervisor software'], VSS: [2, 'VS-level software'], MS: [3, 'machine software'], ST: [5, 'supervisor timer'],
    VST: [6, 'VS-level timer'], MT: [7, 'machine timer'], SE: [9, 'supervisor external'], VSE: [10, 'VS-level external'],
    ME: [11, 'machine external'], SGE: [12, 'supervisor guest external'], LCOF: [13, 'local counter overflow'],
  };
  return names.map((n) => f(`${n}${suffix}`, String(bit[n]![0]), `${bit[n]![1]} interrupt ${suffix === 'IE' ? 'enable' : 'pending'}`));
};
const M_IRQS = ['SS', 'VSS', 'MS', 'ST', 'VST', 'MT', 'SE', 'VSE', 'ME', 'SGE', 'LCOF'];
const S_IRQS = ['SS', 'ST', 'SE', 'LCOF'];
const H_IRQS = ['VSS', 'VST', 'VSE', 'SGE'];
const CAUSE: F[] = [f('Interrupt', '31', '1 for an interrupt, 0 for an exception'), f('Exception Code', '30:0',
  'exceptions: 0 insn misaligned, 1 insn access fault, 2 illegal insn, 3 breakpoint, 4/6 load/store misaligned, ' +
  '5/7 load/store access fault, 8/9/10/11 ecall from U/S(HS)/VS/M, 12/13/15 insn/load/store page fault, ' +
  '20/21/23 insn/load/store guest-page fault, 22 virtual instruction; interrupts: 1/5/9 S software/timer/external, ' +
  '2/6/10 VS, 3/7/11 M, 12 SGE')];
const TVEC: F[] = [f('BASE', '31:2', 'trap vector base address (4-byte aligned)'), f('MODE', '1:0', '0 Direct, 1 Vectored (interrupts jump to BASE + 4 x cause)')];
const ATP = (id: string, idBits: string): F[] => [f('MODE', '31', '0 Bare, 1 Sv32'), f(id, idBits, id === 'ASID' ? 'address-space identifier' : 'virtual-machine identifier'),
  f('PPN', '21:0', 'physical page number of the root page table')];
const COUNTEREN: F[] = [f('CY', '0', 'cycle readable by the next lower mode'), f('TM', '1', 'time readable'), f('IR', '2', 'instret readable'),
  f('HPMn', '31:3', 'hpmcounter3..31 readable')];
const ENVCFG: F[] = [f('FIOM', '0', 'fence of I/O implies memory'), f('CBIE', '5:4', 'cbo.inval: 00 illegal, 01 flush, 11 invalidate'),
  f('CBCFE', '6', 'cbo.clean/flush enabled'), f('CBZE', '7', 'cbo.zero enabled')];

const FIELDS: Record<string, F[]> = {
  mstatus: STATUS_M, sstatus: STATUS_S, vsstatus: STATUS_S,
  mstatush: [f('SBE', '4', 'S-mode big-endian'), f('MBE', '5', 'M-mode big-endian'), f('GVA', '6', 'mtval holds a guest virtual address'),
    f('MPV', '7', 'virtualization mode (V) before the last trap into M-mode')],
  mie: irq('IE', M_IRQS), mip: irq('IP', M_IRQS), sie: irq('IE', S_IRQS), sip: irq('IP', S_IRQS),
  hie: irq('IE', H_IRQS), hip: irq('IP', H_IRQS), hvip: irq('IP', H_IRQS.slice(0, 3)), vsie: irq('IE', S_IRQS.slice(0, 3)), vsip: irq('IP', S_IRQS.slice(0, 3)),
  mideleg: irq('', M_IRQS).map((x) => ({ ...x, what: `delegate the ${x.what.replace(/ interrupt.*/, '')} interrupt` })),
  mcause: CAUSE, scause: CAUSE, vscause: CAUSE, mtvec: TVEC, stvec: TVEC, vstvec: TVEC,
  satp: ATP('ASID', '30:22'), vsatp: ATP('ASID', '30:22'), hgatp: [f('MODE', '31', '0 Bare, 1 Sv32x4'), f('VMID', '28:22', 'virtual-machine identifier'),
    f('PPN', '21:0', 'physical page number of the root G-stage page table (16 KiB aligned)')],
  hstatus: [f('VSBE', '5', 'VS-mode big-endian'), f('GVA', '6', 'stval holds a guest virtual address'),
    f('SPV', '7', 'V before the last trap into HS-mode (sret returns to VS when set)'), f('SPVP', '8', 'privilege of the guest at the last trap (hlv/hsv act as this mode)'),
    f('HU', '9', 'U-mode may run hypervisor loads/stores'), f('VGEIN', '17:12', 'guest external interrupt number for VSEIP'),
    f('VTVM', '20', 'trap VS-mode satp accesses and sfence.vma'), f('VTW', '21', 'trap VS-mode wfi'), f('VTSR', '22', 'trap VS-mode sret')],
  mcounteren: COUNTEREN, scounteren: COUNTEREN, hcounteren: COUNTEREN,
  mcountinhibit: [f('CY', '0', 'stop mcycle'), f('IR', '2', 'stop minstret'), f('HPMn', '31:3', 'stop mhpmcounter3..31')],
  menvcfg: ENVCFG, senvcfg: ENVCFG, henvcfg: ENVCFG,
  misa: [f('MXL', '31:30', 'native base width (1 = 32 bits)'), f('Extensions', '25:0', 'one bit per letter: A=0 ... Z=25 (I=8, M=12, C=2, H=7, S=18, U=20)')],
  medeleg: [f('bit n', '31:0', 'delegate exception cause n to S-mode (bits 9-11 and 20-23 as the H extension allows)')],
  hedeleg: [f('bit n', '31:0', 'delegate exception cause n to VS-mode')],
  hideleg: irq('', ['VSS', 'VST', 'VSE']).map((x) => ({ ...x, what: `delegate the ${x.what.replace(/ interrupt.*/, '')} interrupt to VS-mode` })),
  dcsr: [f('debugver', '31:28', 'debug spec version'), f('ebreakvs', '17', 'ebreak in VS enters debug mode'), f('ebreakvu', '16', 'ebreak in VU enters debug mode'),
    f('ebreakm', '15', 'ebreak in M enters debug mode'), f('ebreaks', '13', 'ebreak in S'), f('ebreaku', '12', 'ebreak in U'), f('stepie', '11', 'interrupts while stepping'),
    f('stopcount', '10', 'counters stop in debug mode'), f('stoptime', '9', 'timers stop in debug mode'), f('cause', '8:6', 'why debug mode was entered'),
    f('v', '5', 'V before debug mode'), f('mprven', '4', 'MPRV applies in debug mode'), f('nmip', '3', 'NMI pending'), f('step', '2', 'single step'),
    f('prv', '1:0', 'privilege before debug mode')],
};
for (let i = 0; i < 16; i++) {
  FIELDS[`pmpcfg${i}`] = [0, 1, 2, 3].map((k) => f(`pmp${i * 4 + k}cfg`, `${k * 8 + 7}:${k * 8}`,
    'R (bit 0), W (1), X (2), A (4:3: OFF, TOR, NA4, NAPOT), L (7, locked; applies to M-mode)'));
}

const LEVELS = ['U', 'S', 'H', 'M'] as const;

/** Who may access CSR `n` (privileged spec 2.1, table 2.1 and 9.2 for the hypervisor/VS CSRs). */
export function csrAccess(n: number): string {
  const readOnly = (n >> 10) === 3;
  const lvl = (n >> 8) & 3;
  const rw = readOnly ? 'read-only (a write raises an illegal-instruction exception)' : 'read/write';
  if (n >= 0x7b0 && n <= 0x7bf) return `${rw}, debug mode only`;
  const modes = lvl === 0 ? 'M, HS/S, U (and VS/VU, subject to counter enables)'
    : lvl === 1 ? 'M and HS/S (VS-mode accesses go to the matching VS CSR)'
      : lvl === 2 ? 'M and HS (VS/VU get a virtual-instruction exception)' : 'M only';
  return `${rw}; lowest privilege ${LEVELS[lvl]} (bits 9:8 = ${lvl.toString(2).padStart(2, '0')}): accessible from ${modes}`;
}

/** Markdown hover for a CSR name, or undefined when it is not one. */
export function csrHover(name: string): string | undefined {
  const n = csrNumber(name);
  if (n === undefined) return undefined;
  const lines = [`**${name}** — CSR 0x${n.toString(16).padStart(3, '0')}`, '', csrAccess(n)];
  const fields = FIELDS[name];
  if (fields) {
    lines.push('', '| field | bits | meaning |', '| --- | --- | --- |');
    for (const x of fields) lines.push(`| ${x.name} | ${x.bits} | ${x.what} |`);
  }
  return lines.join('\n');
}
