/**
 * CSR definitions: one small entry per CSR. read() has no side effects; write() gets the new value
 * (already merged for csrrs/csrrc) and the mask of bits the instruction meant to change, and applies
 * the register's WARL rules (as QEMU 7.2 target/riscv/csr.c does). Access rules that go beyond the CSR
 * number's privilege and read-only bits (privileged spec 2.1) live in `guard`; the generic checks are
 * in access.ts.
 */
import type { Hart } from '../hart/hart';
import { epcMask } from '../hart/trap';
import {
  Cause,
  CAUSE_VIRTUAL_INSN,
  CSR,
  CSR_OK,
  DELEGABLE_EXCPS,
  DELEGABLE_EXCPS_H,
  HS_INTERRUPTS,
  HSTATUS_VTVM,
  MSTATUSH_GVA,
  MSTATUSH_MPV,
  VS_INTERRUPTS,
  DELEGABLE_INTS,
  ENVCFG_WRITABLE,
  MENVCFGH_WRITABLE,
  MIE_WRITABLE,
  MIP_LCOFIP,
  MSTATUS_FS,
  MSTATUS_MPP,
  MSTATUS_SD,
  MSTATUS_TVM,
  MSTATUS_VM_BITS,
  MSTATUS_VS,
  MSTATUS_WRITABLE,
  MSTATUS_XS,
  Priv,
  QEMU_MARCHID,
  S_INTERRUPTS,
  SIP_WRITABLE,
  SSTATUS_MASK,
} from './bits';
import { counterDefs, writeCountInhibit } from './counters';
import { N_TRIGGERS, TINFO, tdata1Warl, triggersChanged } from '../hart/triggers';
import { hypervisorDefs, readVsie, readVsip, writeVsie, writeVsip } from './hdefs';

export interface CsrDef {
  readonly name: string;
  /** Value as software reads it (uint32). No side effects. */
  readonly read: (h: Hart) => number;
  /** Apply a write; absent = writes are accepted and ignored (e.g. misa). */
  readonly write?: (h: Hart, value: number, mask: number) => void;
  /**
   * Extra access condition (counteren, TVM, extension present): CSR_OK (0), or the exception cause
   * (Cause.Illegal, CAUSE_VIRTUAL_INSN).
   */
  readonly guard?: (h: Hart, write: boolean) => number;
  /** Whether the CSR exists on this hart's ISA (absent = always); the debugger sees only those. */
  readonly exists?: (h: Hart) => boolean;
}

/** mstatus as read: SD summarises FS/VS/XS dirty (3.1.6.6). */
export function readMstatus(h: Hart): number {
  const ms = h.mstatus;
  const dirty = (ms & MSTATUS_FS) === MSTATUS_FS || (ms & MSTATUS_VS) === MSTATUS_VS || (ms & MSTATUS_XS) === MSTATUS_XS;
  return (dirty ? ms | MSTATUS_SD : ms) >>> 0;
}

/** mstatus write with the writable mask `wmask`; MPP = 2 (reserved) keeps the old MPP (WARL). */
export function writeMstatus(h: Hart, v: number, wmask: number): void {
  const old = h.mstatus;
  let n = (old & ~wmask) | (v & wmask);
  if ((n & MSTATUS_MPP) === 2 << 11) n = (n & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
  h.mstatus = n >>> 0;
  if (((old ^ n) & MSTATUS_VM_BITS) !== 0) h.flushTlbs();
  h.selectTlbs();
  h.markIrq();
}

/** xtvec: QEMU 7.2 ignores the whole write when MODE >= 2 (3.1.7: MODE is WARL). */
const tvecOk = (v: number): boolean => (v & 3) < 2;

const plain = (name: string, get: (h: Hart) => number, set: (h: Hart, v: number) => void): CsrDef => ({
  name,
  read: get,
  write: set,
});

const constant = (name: string, value: number | ((h: Hart) => number)): CsrDef => ({
  name,
  read: typeof value === 'number' ? () => value : value,
});

function machineDefs(): [number, CsrDef][] {
  return [
    [CSR.mvendorid, constant('mvendorid', 0)],
    [CSR.marchid, constant('marchid', QEMU_MARCHID)],
    [CSR.mimpid, constant('mimpid', QEMU_MARCHID)],
    [CSR.mhartid, constant('mhartid', (h) => h.id)],
    [CSR.mconfigptr, constant('mconfigptr', 0)],
    [CSR.mstatus, { name: 'mstatus', read: readMstatus, write: (h, v) => writeMstatus(h, v, MSTATUS_WRITABLE) }],
    // mstatush (3.1.6, 8.4.1 with H: MPV, GVA; QEMU 7.2 write_mstatush).
    [CSR.mstatush, {
      name: 'mstatush',
      read: (h) => h.mstatush,
      write: (h, v) => {
        if (!h.hasH) return;
        h.mstatush = v & (MSTATUSH_MPV | MSTATUSH_GVA);
        h.selectTlbs(); // MPV selects the data translation under MPRV
      },
    }],
    [CSR.misa, constant('misa', (h) => h.misa)],
    [CSR.medeleg, plain('medeleg', (h) => h.medeleg, (h, v) => { h.medeleg = v & ((h.hasH ? DELEGABLE_EXCPS_H : DELEGABLE_EXCPS) | h.env.extraDeleg); })],
    // With H the VS-level and guest-external interrupts are always delegated (8.4.2: read-only one).
    [CSR.mideleg, plain('mideleg', (h) => h.mideleg, (h, v) => {
      h.mideleg = (v & DELEGABLE_INTS) | (h.hasH ? HS_INTERRUPTS : 0);
      h.markIrq();
    })],
    [CSR.mie, plain('mie', (h) => h.mie, (h, v) => { h.mie = v & (h.hasH ? MIE_WRITABLE | HS_INTERRUPTS : MIE_WRITABLE); h.markIrq(); })],
    [CSR.mip, {
      name: 'mip',
      read: (h) => h.mip,
      write: (h, v, mask) => {
        const m = (h.hasH ? DELEGABLE_INTS | VS_INTERRUPTS : DELEGABLE_INTS) & mask;
        h.mipSw = (h.mipSw & ~m) | (v & m);
        h.markIrq();
      },
    }],
    [CSR.mtvec, plain('mtvec', (h) => h.mtvec, (h, v) => { if (tvecOk(v)) h.mtvec = v >>> 0; })],
    [CSR.mcounteren, plain('mcounteren', (h) => h.mcounteren, (h, v) => { h.mcounteren = v >>> 0; })],
    [CSR.menvcfg, plain('menvcfg', (h) => h.menvcfg, (h, v) => { h.menvcfg = v & ENVCFG_WRITABLE; })],
    [CSR.menvcfgh, plain('menvcfgh', (h) => h.menvcfgh, (h, v) => { h.menvcfgh = (v & MENVCFGH_WRITABLE) >>> 0; })],
    [CSR.mcountinhibit, plain('mcountinhibit', (h) => h.mcountinhibit, writeCountInhibit)],
    [CSR.mscratch, plain('mscratch', (h) => h.mscratch, (h, v) => { h.mscratch = v >>> 0; })],
    [CSR.mepc, plain('mepc', (h) => (h.mepc & epcMask(h)) >>> 0, (h, v) => { h.mepc = v >>> 0; })],
    [CSR.mcause, plain('mcause', (h) => h.mcause, (h, v) => { h.mcause = v >>> 0; })],
    [CSR.mtval, plain('mtval', (h) => h.mtval, (h, v) => { h.mtval = v >>> 0; })],
  ];
}

const S_VISIBLE_INTS = S_INTERRUPTS | MIP_LCOFIP;

/**
 * satp guard: mstatus.TVM makes HS/S-mode accesses illegal (3.1.6.5); in VS-mode (where satp is
 * vsatp) hstatus.VTVM makes them virtual-instruction exceptions and mstatus.TVM does not apply (8.2.1).
 */
const satpGuard = (h: Hart): number => {
  if (h.priv !== Priv.S) return CSR_OK;
  if (h.virt) return (h.hstatus & HSTATUS_VTVM) !== 0 ? CAUSE_VIRTUAL_INSN : CSR_OK;
  return (h.mstatus & MSTATUS_TVM) !== 0 ? Cause.Illegal : CSR_OK;
};

function supervisorDefs(): [number, CsrDef][] {
  return [
    [CSR.sstatus, {
      name: 'sstatus',
      read: (h) => (readMstatus(h) & SSTATUS_MASK) >>> 0,
      write: (h, v) => writeMstatus(h, v, SSTATUS_MASK & MSTATUS_WRITABLE),
    }],
    // sie/sip: while V=1 they are vsie/vsip (8.2.12).
    [CSR.sie, {
      name: 'sie',
      read: (h) => (h.virt ? readVsie(h) : h.mie & h.mideleg & S_VISIBLE_INTS),
      write: (h, v, mask) => {
        if (h.virt) return writeVsie(h, v, mask);
        const m = h.mideleg & S_VISIBLE_INTS;
        h.mie = (h.mie & ~m) | (v & m);
        h.markIrq();
      },
    }],
    [CSR.sip, {
      name: 'sip',
      read: (h) => (h.virt ? readVsip(h) : h.mip & h.mideleg & S_VISIBLE_INTS),
      write: (h, v, mask) => {
        if (h.virt) return writeVsip(h, v, mask);
        const m = h.mideleg & SIP_WRITABLE & mask;
        h.mipSw = (h.mipSw & ~m) | (v & m);
        h.markIrq();
      },
    }],
    [CSR.stvec, plain('stvec', (h) => h.stvec, (h, v) => { if (tvecOk(v)) h.stvec = v >>> 0; })],
    [CSR.scounteren, plain('scounteren', (h) => h.scounteren, (h, v) => { h.scounteren = v >>> 0; })],
    [CSR.senvcfg, plain('senvcfg', (h) => h.senvcfg, (h, v) => { h.senvcfg = v & ENVCFG_WRITABLE; })],
    [CSR.sscratch, plain('sscratch', (h) => h.sscratch, (h, v) => { h.sscratch = v >>> 0; })],
    [CSR.sepc, plain('sepc', (h) => (h.sepc & epcMask(h)) >>> 0, (h, v) => { h.sepc = v >>> 0; })],
    [CSR.scause, plain('scause', (h) => h.scause, (h, v) => { h.scause = v >>> 0; })],
    [CSR.stval, plain('stval', (h) => h.stval, (h, v) => { h.stval = v >>> 0; })],
    // satp (4.1.11): TVM makes S-mode accesses illegal (3.1.6.5). A write flushes nothing: it selects
    // the TLB set of the new address space (MODE, ASID; a new root with the same ASID flushes that set).
    [CSR.satp, {
      name: 'satp',
      read: (h) => h.satp >>> 0,
      write: (h, v) => { h.satp = v | 0; h.selectTlbs(); },
      guard: satpGuard,
    }],
  ];
}

/**
 * Sdtrig trigger CSRs (debug spec 5.7) with QEMU 7.2's WARL rules (emulator/hart/triggers.ts). They are
 * M-mode CSRs (number bits 9:8 = 3); tdata1-3 act on the trigger tselect names.
 */
function triggerDefs(): [number, CsrDef][] {
  const cur = (h: Hart): number => h.triggers.tselect;
  return [
    [CSR.tselect, plain('tselect', cur, (h, v) => { if (v >>> 0 < N_TRIGGERS) h.triggers.tselect = v; })],
    [CSR.tdata1, plain('tdata1', (h) => h.triggers.tdata1[cur(h)]! >>> 0, (h, v) => {
      const n = tdata1Warl(v >>> 0);
      if (n === undefined || n === h.triggers.tdata1[cur(h)]) return;
      h.triggers.tdata1[cur(h)] = n;
      triggersChanged(h);
    })],
    [CSR.tdata2, plain('tdata2', (h) => h.triggers.tdata2[cur(h)]! >>> 0, (h, v) => {
      if (v >>> 0 === h.triggers.tdata2[cur(h)]) return;
      h.triggers.tdata2[cur(h)] = v >>> 0;
      triggersChanged(h);
    })],
    [CSR.tdata3, constant('tdata3', 0)],
    [CSR.tinfo, constant('tinfo', TINFO)],
  ];
}

function pmpDefs(): [number, CsrDef][] {
  const out: [number, CsrDef][] = [];
  for (let i = 0; i < 4; i++) {
    out.push([CSR.pmpcfg0 + i, plain(`pmpcfg${i}`, (h) => h.pmp.readCfg(i), (h, v) => h.pmp.writeCfg(i, v))]);
  }
  for (let i = 0; i < 16; i++) {
    out.push([CSR.pmpaddr0 + i, plain(`pmpaddr${i}`, (h) => h.pmp.readAddr(i), (h, v) => h.pmp.writeAddr(i, v))]);
  }
  return out;
}

/** The CSR table, indexed by CSR number (undefined = no such CSR: illegal instruction). */
export const CSRS: readonly (CsrDef | undefined)[] = (() => {
  const t = new Array<CsrDef | undefined>(4096).fill(undefined);
  for (const [n, d] of [...machineDefs(), ...supervisorDefs(), ...triggerDefs(), ...pmpDefs(), ...counterDefs(), ...hypervisorDefs()]) t[n] = d;
  return t;
})();

/** CSR number by name (debugger, tests). */
export const CSR_BY_NAME: ReadonlyMap<string, number> = new Map(
  CSRS.flatMap((d, n) => (d === undefined ? [] : [[d.name, n] as [string, number]])),
);
