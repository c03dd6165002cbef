/** A hart's architectural state as plain data (machine snapshots; structured-clone safe). */
import type { PmpState } from '../mmu/pmp';
import type { Hart } from './hart';
import { triggersChanged } from './triggers';

export interface HartState {
  x: number[];
  pc: number;
  priv: number;
  virt: boolean;
  csr: Record<string, number>;
  counters: { htimedelta: bigint; cycleDelta: bigint; instretDelta: bigint; cycleFrozen: bigint; instretFrozen: bigint; hpm: bigint[]; hpmEvent: number[] };
  pmp: PmpState;
  retired: number;
  resAddr: number;
  resValue: number;
  wfi: boolean;
  /** Sdtrig trigger CSRs (absent in older snapshots: reset values). */
  triggers?: { tselect: number; tdata1: number[]; tdata2: number[] };
}

const CSR_FIELDS = [
  'mstatus', 'medeleg', 'mideleg', 'mie', 'mipSw', 'mipHw', 'mtvec', 'mcounteren', 'mscratch', 'mepc',
  'mcause', 'mtval', 'menvcfg', 'menvcfgh', 'mcountinhibit', 'stvec', 'scounteren', 'sscratch', 'sepc',
  'scause', 'stval', 'senvcfg', 'satp',
  'mstatush', 'hstatus', 'hedeleg', 'hideleg', 'hcounteren', 'henvcfg', 'henvcfgh', 'hgatp', 'htval', 'mtval2',
  'mtinst', 'vsstatus', 'vstvec', 'vsscratch', 'vsepc', 'vscause', 'vstval', 'vsatp',
] as const;

export function saveHart(h: Hart): HartState {
  const csr: Record<string, number> = {};
  for (const f of CSR_FIELDS) csr[f] = h[f];
  return {
    x: Array.from(h.x.subarray(0, 32)),
    pc: h.pc,
    priv: h.priv,
    virt: h.virt,
    csr,
    counters: {
      htimedelta: h.htimedelta,
      cycleDelta: h.cycleDelta,
      instretDelta: h.instretDelta,
      cycleFrozen: h.cycleFrozen,
      instretFrozen: h.instretFrozen,
      hpm: h.mhpmcounter.slice(),
      hpmEvent: Array.from(h.mhpmevent),
    },
    pmp: h.pmp.save(),
    retired: h.retired,
    resAddr: h.resAddr,
    resValue: h.resValue,
    wfi: h.wfi,
    triggers: { tselect: h.triggers.tselect, tdata1: h.triggers.tdata1.slice(), tdata2: h.triggers.tdata2.slice() },
  };
}

export function restoreHart(h: Hart, s: HartState): void {
  h.x.fill(0);
  h.x.set(s.x);
  h.x[0] = 0;
  h.pc = s.pc;
  h.virt = s.virt;
  for (const f of CSR_FIELDS) {
    const v = s.csr[f];
    if (typeof v !== 'number') throw new Error(`hart snapshot: missing CSR field ${f}`);
    h[f] = v;
  }
  h.htimedelta = s.counters.htimedelta;
  h.cycleDelta = s.counters.cycleDelta;
  h.instretDelta = s.counters.instretDelta;
  h.cycleFrozen = s.counters.cycleFrozen;
  h.instretFrozen = s.counters.instretFrozen;
  for (let i = 0; i < 32; i++) h.mhpmcounter[i] = s.counters.hpm[i] ?? 0n;
  h.mhpmevent.set(s.counters.hpmEvent);
  h.pmp.restore(s.pmp);
  h.retired = s.retired;
  h.resAddr = s.resAddr;
  h.resValue = s.resValue;
  h.wfi = s.wfi;
  h.yieldReq = false;
  h.bpSkip = -1;
  h.bpHit = false;
  h.watchHit = null;
  h.trapHit = null;
  h.curBlock = null;
  h.singleStep = false;
  const t = h.triggers;
  t.reset();
  if (s.triggers !== undefined) {
    t.tselect = s.triggers.tselect;
    s.triggers.tdata1.forEach((v, i) => { if (i < t.tdata1.length) t.tdata1[i] = v; });
    s.triggers.tdata2.forEach((v, i) => { if (i < t.tdata2.length) t.tdata2[i] = v; });
  }
  triggersChanged(h);
  h.flushTlbs();
  h.setPriv(s.priv);
}
