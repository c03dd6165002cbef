/**
 * Counters: mcycle/minstret (privileged spec 3.1.11), mhpmcounter3..18 (QEMU 7.2 pmu-num = 16; they
 * hold what software wrote, no events count), mcountinhibit (3.1.13), and the unprivileged views
 * cycle/time/instret/hpmcounterN with their high halves (Zicntr, unprivileged spec ch. 10) gated by
 * mcounteren/scounteren (3.1.12, 4.1.5).
 *
 * Model: one instruction = one cycle, so mcycle and minstret both count this hart's retired
 * instructions (plus what software wrote). time reads the CLINT's mtime (QEMU virt's rdtime).
 */
import type { Hart } from '../hart/hart';
import { Cause, CAUSE_VIRTUAL_INSN, CSR, CSR_OK, PMU_COUNTERS, Priv } from './bits';
import type { CsrDef } from './defs';

const MASK64 = (1n << 64n) - 1n;
const lo32 = (v: bigint): number => Number(v & 0xffffffffn);
const hi32 = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);

const INHIBIT_CY = 1;
const INHIBIT_IR = 4;

export function mcycle(h: Hart): bigint {
  return (h.mcountinhibit & INHIBIT_CY) !== 0 ? h.cycleFrozen : (BigInt(h.retired) + h.cycleDelta) & MASK64;
}

export function minstret(h: Hart): bigint {
  return (h.mcountinhibit & INHIBIT_IR) !== 0 ? h.instretFrozen : (BigInt(h.retired) + h.instretDelta) & MASK64;
}

/** Set mcycle so that the next instruction reads `v` (the writing instruction still retires). */
function setMcycle(h: Hart, v: bigint): void {
  h.cycleFrozen = v & MASK64;
  h.cycleDelta = (v - BigInt(h.retired + 1)) & MASK64;
}

function setMinstret(h: Hart, v: bigint): void {
  h.instretFrozen = v & MASK64;
  h.instretDelta = (v - BigInt(h.retired + 1)) & MASK64;
}

/** mcountinhibit write: freeze or resume CY / IR without losing their values (3.1.13). */
export function writeCountInhibit(h: Hart, v: number): void {
  const c = mcycle(h);
  const i = minstret(h);
  h.mcountinhibit = v >>> 0;
  h.cycleFrozen = c;
  h.instretFrozen = i;
  h.cycleDelta = (c - BigInt(h.retired + 1)) & MASK64;
  h.instretDelta = (i - BigInt(h.retired + 1)) & MASK64;
}

/**
 * counteren rule for reads of counter `bit` (0 CY, 1 TM, 2 IR, 3.. HPM) below M (3.1.12, 4.1.5):
 * mcounteren clear = illegal; with V=1 (8.2.6) hcounteren clear, or in VU scounteren clear = virtual
 * instruction; in U, scounteren clear = illegal.
 */
function counterGuard(h: Hart, bit: number): number {
  if (!h.env.isa.zicntr) return Cause.Illegal;
  if (h.priv === Priv.M) return CSR_OK;
  if (((h.mcounteren >>> bit) & 1) === 0) return Cause.Illegal;
  const s = ((h.scounteren >>> bit) & 1) !== 0;
  if (h.virt) return ((h.hcounteren >>> bit) & 1) === 0 || (h.priv === Priv.U && !s) ? CAUSE_VIRTUAL_INSN : CSR_OK;
  return h.priv === Priv.U && !s ? Cause.Illegal : CSR_OK;
}

function userCounter(name: string, bit: number, read: (h: Hart) => number): CsrDef {
  return { name, read, guard: (h) => counterGuard(h, bit) };
}

/** time as the hart reads it: mtime, plus htimedelta while V=1 (8.2.7). */
const timeNow = (h: Hart): bigint => (h.virt ? (h.env.mtime() + h.htimedelta) & MASK64 : h.env.mtime());

export function counterDefs(): [number, CsrDef][] {
  const out: [number, CsrDef][] = [
    [CSR.mcycle, { name: 'mcycle', read: (h) => lo32(mcycle(h)), write: (h, v) => setMcycle(h, (mcycle(h) & ~0xffffffffn) | BigInt(v >>> 0)) }],
    [CSR.mcycleh, { name: 'mcycleh', read: (h) => hi32(mcycle(h)), write: (h, v) => setMcycle(h, (mcycle(h) & 0xffffffffn) | (BigInt(v >>> 0) << 32n)) }],
    [CSR.minstret, { name: 'minstret', read: (h) => lo32(minstret(h)), write: (h, v) => setMinstret(h, (minstret(h) & ~0xffffffffn) | BigInt(v >>> 0)) }],
    [CSR.minstreth, { name: 'minstreth', read: (h) => hi32(minstret(h)), write: (h, v) => setMinstret(h, (minstret(h) & 0xffffffffn) | (BigInt(v >>> 0) << 32n)) }],
    [CSR.cycle, userCounter('cycle', 0, (h) => lo32(mcycle(h)))],
    [CSR.cycleh, userCounter('cycleh', 0, (h) => hi32(mcycle(h)))],
    [CSR.time, userCounter('time', 1, (h) => lo32(timeNow(h)))],
    [CSR.timeh, userCounter('timeh', 1, (h) => hi32(timeNow(h)))],
    [CSR.instret, userCounter('instret', 2, (h) => lo32(minstret(h)))],
    [CSR.instreth, userCounter('instreth', 2, (h) => hi32(minstret(h)))],
  ];
  for (let n = 3; n < 3 + PMU_COUNTERS; n++) {
    const k = n - 3;
    out.push([CSR.mhpmcounter3 + k, {
      name: `mhpmcounter${n}`,
      read: (h) => lo32(h.mhpmcounter[n]!),
      write: (h, v) => { h.mhpmcounter[n] = (h.mhpmcounter[n]! & ~0xffffffffn) | BigInt(v >>> 0); },
    }]);
    out.push([CSR.mhpmcounter3h + k, {
      name: `mhpmcounter${n}h`,
      read: (h) => hi32(h.mhpmcounter[n]!),
      write: (h, v) => { h.mhpmcounter[n] = (h.mhpmcounter[n]! & 0xffffffffn) | (BigInt(v >>> 0) << 32n); },
    }]);
    out.push([CSR.hpmcounter3 + k, userCounter(`hpmcounter${n}`, n, (h) => lo32(h.mhpmcounter[n]!))]);
    out.push([CSR.hpmcounter3h + k, userCounter(`hpmcounter${n}h`, n, (h) => hi32(h.mhpmcounter[n]!))]);
  }
  for (let n = 3; n < 32; n++) {
    out.push([CSR.mhpmevent3 + n - 3, {
      name: `mhpmevent${n}`,
      read: (h) => h.mhpmevent[n]!,
      write: (h, v) => { h.mhpmevent[n] = v; },
    }]);
  }
  return out;
}
