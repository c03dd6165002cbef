/**
 * The hypervisor extension's CSRs (privileged spec 1.12 ch. 8: 8.2 hypervisor and VS CSRs,
 * 8.4 machine-level additions), WARL rules as QEMU 7.2 target/riscv/csr.c. All of them exist only
 * when misa.H is set (guard). The VS CSRs are stored in the hart's v* bank while V=0 and in the S-level
 * fields while V=1 (see Hart.swapHypervisorRegs); the definitions pick the right one, so the debugger
 * reads them correctly in any mode.
 */
import type { Hart } from '../hart/hart';
import { epcMask } from '../hart/trap';
import {
  Cause,
  CSR_OK,
  ENVCFG_WRITABLE,
  HCSR,
  HEDELEG_WRITABLE,
  HS_INTERRUPTS,
  HSTATUS_WRITABLE,
  MENVCFGH_WRITABLE,
  MIP_VSSIP,
  MSTATUS_MXR,
  MSTATUS_SIE,
  MSTATUS_SPIE,
  MSTATUS_SPP,
  MSTATUS_SUM,
  MSTATUS_TVM,
  Priv,
  VS_INTERRUPTS,
} from './bits';
import type { CsrDef } from './defs';

const hasH = (h: Hart): number => (h.hasH ? CSR_OK : Cause.Illegal);

/** vsstatus fields (8.2.11) this machine keeps: SIE SPIE SPP SUM MXR (no F/V, UBE = 0, UXL is RV64). */
const VSSTATUS_MASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;

/** vsie (8.2.12): VS-level enables delegated by hideleg, shown at the S positions (bit >> 1). */
export function readVsie(h: Hart): number {
  return ((h.mie & h.hideleg & VS_INTERRUPTS) >>> 1) >>> 0;
}

export function writeVsie(h: Hart, v: number, mask: number): void {
  const m = h.hideleg & VS_INTERRUPTS & (mask << 1);
  h.mie = ((h.mie & ~m) | ((v << 1) & m)) >>> 0;
  h.markIrq();
}

/** vsip (8.2.12): VS-level pending bits delegated by hideleg at the S positions; only VSSIP writable. */
export function readVsip(h: Hart): number {
  return ((h.mip & h.hideleg & VS_INTERRUPTS) >>> 1) >>> 0;
}

export function writeVsip(h: Hart, v: number, mask: number): void {
  const m = h.hideleg & MIP_VSSIP & (mask << 1);
  h.mipSw = ((h.mipSw & ~m) | ((v << 1) & m)) >>> 0;
  h.markIrq();
}

const def = (name: string, read: (h: Hart) => number, write?: (h: Hart, v: number, mask: number) => void,
  guard: (h: Hart, write: boolean) => number = hasH): CsrDef => ({ name, read, write, guard, exists: (h) => h.hasH });

/** A VS CSR kept in field `bank` while V=0 and in `cur` (the S-level field) while V=1. */
function vsReg(name: string, bank: 'vstvec' | 'vsscratch' | 'vsepc' | 'vscause' | 'vstval',
  cur: 'stvec' | 'sscratch' | 'sepc' | 'scause' | 'stval', writeOk: (v: number) => boolean = () => true,
  readMask: (h: Hart) => number = () => ~0): CsrDef {
  return def(name, (h) => ((h.virt ? h[cur] : h[bank]) & readMask(h)) >>> 0, (h, v) => {
    if (!writeOk(v)) return;
    if (h.virt) h[cur] = v >>> 0;
    else h[bank] = v >>> 0;
  });
}

/** hgatp guard: mstatus.TVM makes HS-mode accesses illegal (8.2.10). */
const hgatpGuard = (h: Hart): number => {
  if (!h.hasH) return Cause.Illegal;
  return h.priv === Priv.S && !h.virt && (h.mstatus & MSTATUS_TVM) !== 0 ? Cause.Illegal : CSR_OK;
};

const lo32 = (v: bigint): number => Number(v & 0xffffffffn);
const hi32 = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);

export function hypervisorDefs(): [number, CsrDef][] {
  return [
    // 8.2.1 hstatus: VSBE reads 0 (QEMU 7.2: little-endian only), VGEIN 0 (GEILEN = 0).
    [HCSR.hstatus, def('hstatus', (h) => h.hstatus, (h, v) => { h.hstatus = v & HSTATUS_WRITABLE; })],
    // 8.2.2 hedeleg / hideleg.
    [HCSR.hedeleg, def('hedeleg', (h) => h.hedeleg, (h, v) => { h.hedeleg = v & HEDELEG_WRITABLE; })],
    [HCSR.hideleg, def('hideleg', (h) => h.hideleg, (h, v) => { h.hideleg = v & VS_INTERRUPTS; h.markIrq(); })],
    // 8.2.3 hie / hip / hvip: views of mie/mip (QEMU 7.2 rmw_hie64, rmw_hip64, rmw_hvip64).
    [HCSR.hie, def('hie', (h) => h.mie & HS_INTERRUPTS, (h, v, mask) => {
      const m = HS_INTERRUPTS & mask;
      h.mie = ((h.mie & ~m) | (v & m)) >>> 0;
      h.markIrq();
    })],
    [HCSR.hip, def('hip', (h) => h.mip & HS_INTERRUPTS, (h, v, mask) => {
      const m = MIP_VSSIP & mask;
      h.mipSw = ((h.mipSw & ~m) | (v & m)) >>> 0;
      h.markIrq();
    })],
    [HCSR.hvip, def('hvip', (h) => h.mip & VS_INTERRUPTS, (h, v, mask) => {
      const m = VS_INTERRUPTS & mask;
      h.mipSw = ((h.mipSw & ~m) | (v & m)) >>> 0;
      h.markIrq();
    })],
    // 8.2.4 hgeie / hgeip: no guest external interrupt files (GEILEN = 0).
    [HCSR.hgeie, def('hgeie', () => 0, () => {})],
    [HCSR.hgeip, def('hgeip', () => 0)],
    // 8.2.5 henvcfg (as menvcfg), 8.2.6 hcounteren, 8.2.7 htimedelta.
    [HCSR.henvcfg, def('henvcfg', (h) => h.henvcfg, (h, v) => { h.henvcfg = v & ENVCFG_WRITABLE; })],
    [HCSR.henvcfgh, def('henvcfgh', (h) => h.henvcfgh, (h, v) => { h.henvcfgh = (v & MENVCFGH_WRITABLE) >>> 0; })],
    [HCSR.hcounteren, def('hcounteren', (h) => h.hcounteren, (h, v) => { h.hcounteren = v >>> 0; })],
    [HCSR.htimedelta, def('htimedelta', (h) => lo32(h.htimedelta), (h, v) => {
      h.htimedelta = (h.htimedelta & ~0xffffffffn) | BigInt(v >>> 0);
    })],
    [HCSR.htimedeltah, def('htimedeltah', (h) => hi32(h.htimedelta), (h, v) => {
      h.htimedelta = (h.htimedelta & 0xffffffffn) | (BigInt(v >>> 0) << 32n);
    })],
    // 8.2.8 htval, 8.2.9 htinst (QEMU 7.2 never writes a transformed instruction: reads 0).
    [HCSR.htval, def('htval', (h) => h.htval, (h, v) => { h.htval = v >>> 0; })],
    [HCSR.htinst, def('htinst', () => 0, () => {})],
    // 8.2.10 hgatp (QEMU 7.2 write_hgatp keeps the value as written); a write selects the TLB sets of
    // the new VMID (flushing nothing; HFENCE.GVMA does).
    [HCSR.hgatp, def('hgatp', (h) => h.hgatp, (h, v) => { h.hgatp = v >>> 0; h.selectTlbs(); }, hgatpGuard)],
    // 8.2.11-8.2.18 VS CSRs.
    [HCSR.vsstatus, def('vsstatus', (h) => (h.virt ? h.mstatus : h.vsstatus) & VSSTATUS_MASK, (h, v) => {
      if (h.virt) h.mstatus = ((h.mstatus & ~VSSTATUS_MASK) | (v & VSSTATUS_MASK)) >>> 0;
      else h.vsstatus = v & VSSTATUS_MASK;
      h.flushTlbs(); // SUM/MXR of the VS-stage
    })],
    [HCSR.vsie, def('vsie', readVsie, writeVsie)],
    [HCSR.vsip, def('vsip', readVsip, writeVsip)],
    [HCSR.vstvec, vsReg('vstvec', 'vstvec', 'stvec', (v) => (v & 3) < 2)],
    [HCSR.vsscratch, vsReg('vsscratch', 'vsscratch', 'sscratch')],
    [HCSR.vsepc, vsReg('vsepc', 'vsepc', 'sepc', () => true, epcMask)],
    [HCSR.vscause, vsReg('vscause', 'vscause', 'scause')],
    [HCSR.vstval, vsReg('vstval', 'vstval', 'stval')],
    // vsatp (8.2.18): QEMU 7.2 write_vsatp keeps the value as written; a write selects TLB sets.
    [HCSR.vsatp, def('vsatp', (h) => (h.virt ? h.satp : h.vsatp) >>> 0, (h, v) => {
      if (h.virt) h.satp = v | 0;
      else h.vsatp = v | 0;
      h.selectTlbs();
    })],
    // 8.4.4 / 8.4.5 machine level: mtval2 (GPA >> 2 of guest-page faults), mtinst (QEMU 7.2 writes 0 on traps).
    [HCSR.mtval2, def('mtval2', (h) => h.mtval2, (h, v) => { h.mtval2 = v >>> 0; })],
    [HCSR.mtinst, def('mtinst', (h) => h.mtinst, (h, v) => { h.mtinst = v >>> 0; })],
  ];
}
