/**
 * The hypervisor extension as the debugger shows it: thread names by what a hart runs (HS-mode,
 * VS-mode with VMID and guest), the stitched stack of a VM exit (the hypervisor's frames, a label
 * frame naming the exit, then the guest's frame at sepc) and exception breakpoints on traps
 * (VM exits, guest-page faults, illegal and virtual instructions, SBI calls from VS-mode).
 *
 * Exception breakpoints use the machine's trap catch (TrapCatcher): every trap entry is looked at,
 * whatever the trap vectors are or when they were written.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { vmidOf } from '../emulator/api';
import { decodeVmsa, VMSA_BYTES } from '../emulator/cvm/es';
import type { Target } from './target';
import { unwind, type Frame } from './unwind';

const CSR_MSTATUSH = 0x310;
const CSR_MTVEC = 0x305;
const CSR_MCAUSE = 0x342;
const CSR_MEPC = 0x341;
/** Interrupt causes with their own entries in a vectored mtvec / stvec. */
const M_IRQS = [1, 3, 5, 7, 9, 11];
const S_IRQS = [1, 5, 9];
const CSR_SCAUSE = 0x142;
const CSR_SEPC = 0x141;
const CSR_STVAL = 0x143;
const CSR_HSTATUS = 0x600;
const CSR_HGATP = 0x680;
const CSR_VSATP = 0x280;
const HSTATUS_SPV = 1 << 7;
const MSTATUSH_MPV = 1 << 7;
const PRIV = ['U', 'S', '?', 'M'];

/** Short names of exception causes for VM-exit frames and stop texts. */
const CAUSES: Record<number, string> = {
  0: 'misaligned fetch', 1: 'instruction access fault', 2: 'illegal instruction', 3: 'breakpoint',
  4: 'misaligned load', 5: 'load access fault', 6: 'misaligned store', 7: 'store access fault',
  8: 'ecall from U-mode', 9: 'ecall from HS-mode', 10: 'ecall from VS-mode', 11: 'ecall from M-mode',
  12: 'instruction page fault', 13: 'load page fault', 15: 'store page fault',
  20: 'instruction guest-page fault', 21: 'load guest-page fault', 22: 'virtual instruction', 23: 'store guest-page fault',
  24: '#VC (virtualization exception)', 25: 'integrity fault',
};
const INTERRUPTS: Record<number, string> = {
  1: 'supervisor software interrupt', 2: 'VS software interrupt', 3: 'machine software interrupt',
  5: 'supervisor timer interrupt', 6: 'VS timer interrupt', 7: 'machine timer interrupt',
  9: 'supervisor external interrupt', 10: 'VS external interrupt', 11: 'machine external interrupt', 12: 'guest external interrupt',
};

export function trapName(cause: number): string {
  const code = cause & 0x7fffffff;
  if (cause >>> 31) return INTERRUPTS[code] ?? `interrupt ${code}`;
  return CAUSES[code] ?? `exception ${code}`;
}

const hex8 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

/** `hart 0: HS-mode`, `hart 0: VS-mode, VMID 1 (guest-a)`, `hart 0: M-mode`. */
export function threadName(t: Target, hart: number): string {
  const h = t.machine.harts[hart]!;
  const p = PRIV[h.priv] ?? '?';
  if (h.virt) {
    const vmid = t.vmidOf(hart)!;
    const g = t.guests.get(vmid);
    return `hart ${hart}: V${p}-mode, VMID ${vmid}${g ? ` (${g.name})` : ''}`;
  }
  return `hart ${hart}: ${h.hasH && p === 'S' ? 'HS' : p}-mode`;
}

/**
 * The guest context a hypervisor in HS-mode is handling: the trap came from V=1 (hstatus.SPV); or
 * M-mode's, when a trap from V=1 went to M (mstatush.MPV).
 */
function vmExit(t: Target, hart: number): { cause: number; pc: number; vmid: number; vector: number[] } | undefined {
  const h = t.machine.harts[hart]!;
  if (!h.hasH || h.virt) return undefined;
  const vmid = vmidOf(t.machine.readCsr(hart, CSR_HGATP) ?? 0);
  if (h.priv === 3) {
    if (((t.machine.readCsr(hart, CSR_MSTATUSH) ?? 0) & MSTATUSH_MPV) === 0) return undefined;
    return { cause: t.machine.readCsr(hart, CSR_MCAUSE) ?? 0, pc: t.machine.readCsr(hart, CSR_MEPC) ?? 0, vmid, vector: vectorsOf(t.machine.readCsr(hart, CSR_MTVEC) ?? 0, M_IRQS) };
  }
  if (h.priv !== 1) return undefined;
  const hstatus = t.machine.readCsr(hart, CSR_HSTATUS) ?? 0;
  if ((hstatus & HSTATUS_SPV) === 0) return undefined;
  return {
    cause: t.machine.readCsr(hart, CSR_SCAUSE) ?? 0,
    pc: t.machine.readCsr(hart, CSR_SEPC) ?? 0,
    vmid,
    vector: vectorsOf(hsStvec(t, hart), S_IRQS),
  };
}

/** Hart `hart` is a hypervisor handling a trap from a guest (HS with hstatus.SPV, M with mstatush.MPV). */
export function handlingVmExit(t: Target, hart: number): boolean {
  return vmExit(t, hart) !== undefined;
}

/** An `insn` (sret / mret) executed now by hart `hart` (V=0) would enter a guest (V becomes 1). */
export function entersGuest(t: Target, hart: number, insn: 'sret' | 'mret'): boolean {
  const h = t.machine.harts[hart]!;
  if (!h.hasH || h.virt) return false;
  if (insn === 'sret') return h.priv === 1 && ((t.machine.readCsr(hart, CSR_HSTATUS) ?? 0) & HSTATUS_SPV) !== 0;
  const mpp = ((t.machine.readCsr(hart, 0x300) ?? 0) >>> 11) & 3;
  return h.priv === 3 && mpp !== 3 && ((t.machine.readCsr(hart, CSR_MSTATUSH) ?? 0) & MSTATUSH_MPV) !== 0;
}

/** HS trap vector addresses (base, and the interrupt entries when vectored) of hart `hart`. */
function vectorsOf(tvec: number, interrupts: number[]): number[] {
  const base = (tvec & ~3) >>> 0;
  return (tvec & 3) === 1 ? [base, ...interrupts.map((c) => (base + 4 * c) >>> 0)] : [base];
}

/** The HS-level stvec, whatever V is (while V=1 the hart keeps it aside). */
function hsStvec(t: Target, hart: number): number {
  const h = t.machine.harts[hart]!;
  return (h.virt ? h.vstvec : h.stvec) >>> 0;
}

/**
 * The call stack of hart `hart`: its frames in its current context (a guest's symbols and memory
 * when it runs with V=1), and when it is a hypervisor handling a trap from a guest (HS-mode,
 * hstatus.SPV = 1; or M-mode with mstatush.MPV = 1) a label frame for the VM exit and the guest's
 * frame at sepc (mepc). The guest's
 * registers are where the hypervisor saved them (unknown in general), so the guest's frames stop
 * there — except for a register-protected guest (cvm-model 6.1): the hardware saved them in its VMSA,
 * which the debugger (being the machine) decrypts to unwind the guest's whole stack, saying that a
 * real hypervisor could not.
 */
export function stitchedStack(t: Target, hart: number): Frame[] {
  const h = t.machine.harts[hart]!;
  const view = t.forHart(hart);
  const exit = vmExit(t, hart);
  // At the trap vector itself every register is still the guest's: no host frames to unwind.
  const atVector = exit !== undefined && exit.vector.includes(h.pc >>> 0);
  const frames = atVector ? [{ pc: h.pc >>> 0, regs: Int32Array.from(h.x) }] : unwind(view.info, h.pc, h.x, (a) => view.read(a, 4));
  if (exit === undefined) return frames;
  const saved = vmsaState(t, exit.vmid, exit.cause);
  if (saved !== undefined) {
    frames.push({ pc: saved.pc, regs: new Int32Array(32), label: `VM exit: ${trapName(exit.cause)} (guest pc ${hex8(saved.pc)} and registers from the VMSA, VMID ${exit.vmid}: a real hypervisor could not see them)` });
    const guest = t.forVmid(exit.vmid);
    const inner = unwind(guest.info, saved.pc, saved.regs, (a) => guest.read(a, 4));
    inner.forEach((f, i) => frames.push({ ...f, vmid: exit.vmid, guest: i === 0, fromVmsa: i === 0 }));
    return frames;
  }
  frames.push({ pc: exit.pc >>> 0, regs: new Int32Array(32), label: `VM exit: ${trapName(exit.cause)} (guest pc ${hex8(exit.pc)}, VMID ${exit.vmid})` });
  frames.push({ pc: exit.pc >>> 0, regs: new Int32Array(32), vmid: exit.vmid, guest: true });
  return frames;
}

/**
 * A register-protected guest's state at its exit, from its VMSA decrypted with its key (layout:
 * emulator/cvm/README.md); the pc of the instruction that exited (an ecall's saved pc is the next one).
 */
function vmsaState(t: Target, vmid: number, cause: number): { pc: number; regs: Int32Array } | undefined {
  const vmsa = t.machine.es?.vmsaOf(vmid);
  if (vmsa === undefined) return undefined;
  const s = decodeVmsa(t.machine.readPhys(vmsa, VMSA_BYTES, vmid));
  return { pc: (cause === 10 ? s.pc - 4 : s.pc) >>> 0, regs: s.x };
}

/**
 * The DAP stack frame of `f` (frame `index` of hart `hart`); `line`/`column` convert to the
 * client's numbering.
 */
export function stackFrame(t: Target, hart: number, f: Frame, index: number, id: number, line: (l: number) => number, column: (c: number) => number): DebugProtocol.StackFrame {
  if (f.label !== undefined) return { id, name: f.label, line: 0, column: 0, presentationHint: 'label' };
  const own = f.vmid === undefined;
  const view = own ? t.forHart(hart) : t.forVmid(f.vmid!);
  // A guest without `symbols` of its own is described with the main program's (as breakpoints are).
  // Caller frames: describe the call instruction, just before the return address.
  const where = index === 0 || f.guest ? f.pc : f.pc - 1;
  const src = view.source(where);
  let name = view.functionName(where) ?? hex8(f.pc);
  if (f.guest) {
    const g = t.guests.get(f.vmid!);
    const outer = f.fromVmsa ? 'its registers from the VMSA' : 'outer guest frames need the guest\'s saved registers';
    name += ` (${g ? `${g.name}, ` : ''}VMID ${f.vmid}; ${outer})`;
  }
  const frame: DebugProtocol.StackFrame = { id, name, line: src ? line(src.line) : 0, column: src ? column(src.column) : 0 };
  if (own) frame.instructionPointerReference = t.translated(hart) ? `va:${hart}:${hex8(f.pc)}` : hex8(f.pc);
  else if ((t.machine.readCsr(hart, CSR_VSATP) ?? 0) >>> 31 === 0) frame.instructionPointerReference = `gpa:${f.vmid}:${hex8(f.pc)}`;
  if (src) frame.source = src.source;
  else frame.presentationHint = 'subtle';
  return frame;
}

/** The exception breakpoint filters (capabilities.exceptionBreakpointFilters). */
export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'vm-exit', label: 'VM exit (any trap from a guest)', description: 'Stop at the trap handler when a hart running with V=1 takes any trap (to HS- or M-mode).', default: false },
  { filter: 'guest-page-fault', label: 'Guest-page fault', description: 'Instruction, load or store guest-page fault (causes 20, 21, 23): a G-stage miss.', default: false },
  { filter: 'illegal-instruction', label: 'Illegal instruction', description: 'Any illegal-instruction exception taken to HS- or M-mode (cause 2).', default: false },
  { filter: 'virtual-instruction', label: 'Virtual instruction', description: 'Virtual-instruction exception (cause 22), e.g. wfi with hstatus.VTW.', default: false },
  { filter: 'ecall-vs', label: 'ecall from VS-mode (SBI call)', description: 'A guest\'s environment call (cause 10).', default: false },
  {
    filter: 'register-protection', label: 'Register-protection exit or #VC',
    description: 'A register-protected (ES) guest exits (its registers were just saved to the VMSA and cleared), or an intercept is reflected into it as #VC (cause 24).', default: false,
  },
  {
    filter: 'integrity-fault', label: 'Integrity fault (RMP)',
    description: 'A reverse-map-table check failed: integrity fault (cause 25) to the hypervisor, or #VC into the guest for a page it has not validated.', default: false,
  },
];

/**
 * Traps the user asked to stop at, through the machine's trap catch (Machine.setTrapCatch): the
 * filter runs at every trap entry (only while some filter is enabled) and run()/step() stop with
 * { kind: 'trap' } at the handler's first instruction. Traps taken to HS-mode (S-mode without H)
 * and to M-mode are looked at; a guest's own traps (to VS-mode) are not.
 */
export class TrapCatcher {
  private filters = new Set<string>();
  /** Stop texts of the caught trap entries by hart (read by stopText()). */
  private readonly texts = new Map<number, string>();

  constructor(private readonly t: Target) {}

  get active(): boolean {
    return this.filters.size > 0;
  }

  /** Replaces the enabled filters (and the machine's trap catch); returns the unknown ones. */
  set(filters: string[]): string[] {
    const known = new Set(EXCEPTION_FILTERS.map((f) => f.filter));
    this.filters = new Set(filters.filter((f) => known.has(f)));
    this.texts.clear();
    this.t.machine.setTrapCatch(this.active ? (hart, cause, interrupt, toPriv, toVirt) => this.catches(hart, cause, interrupt, toPriv, toVirt) : null);
    return filters.filter((f) => !known.has(f));
  }

  /** The stop text of a { kind: 'trap' } stop of hart `hart`. */
  stopText(hart: number, fallback: string): string {
    const text = this.texts.get(hart);
    this.texts.delete(hart);
    return text ?? fallback;
  }

  /** The trap-catch filter: the trap (just entered, CSRs written) matches an enabled filter. */
  private catches(hart: number, cause: number, interrupt: boolean, toPriv: number, toVirt: boolean): boolean {
    const m = this.t.machine;
    const f = this.filters;
    if (toVirt) {
      // #VC (emulator/cvm/README.md): vstval (stval while V=1) holds the intercepted cause, 25 for an unvalidated page.
      if (interrupt || cause !== 24) return false;
      const why = (m.readCsr(hart, CSR_STVAL) ?? 0) >>> 0;
      if (!f.has('register-protection') && !(f.has('integrity-fault') && why === 25)) return false;
      this.texts.set(hart, `#VC reflected into the guest: ${why === 25 ? 'page not validated (integrity)' : trapName(why)}`);
      return true;
    }
    if (toPriv !== 1 && toPriv !== 3) return false;
    const h = m.harts[hart]!;
    const fromGuest = h.hasH && (toPriv === 3
      ? ((m.readCsr(hart, CSR_MSTATUSH) ?? 0) & MSTATUSH_MPV) !== 0
      : ((m.readCsr(hart, CSR_HSTATUS) ?? 0) & HSTATUS_SPV) !== 0);
    const exc = !interrupt;
    const vmsa = fromGuest && m.es !== undefined ? m.es.vmsaOf(vmidOf(m.readCsr(hart, CSR_HGATP) ?? 0)) : undefined;
    const hit = (f.has('vm-exit') && fromGuest)
      || (f.has('register-protection') && vmsa !== undefined)
      || (exc && f.has('integrity-fault') && cause === 25)
      || (exc && f.has('guest-page-fault') && (cause === 20 || cause === 21 || cause === 23))
      || (exc && f.has('illegal-instruction') && cause === 2)
      || (exc && f.has('virtual-instruction') && cause === 22)
      || (exc && f.has('ecall-vs') && cause === 10);
    if (!hit) return false;
    const where = toPriv === 3 ? 'M-mode' : h.hasH ? 'HS-mode' : 'S-mode';
    const saved = vmsa !== undefined ? `; register protection saved the guest's registers to its VMSA at 0x${vmsa.toString(16)} and cleared them` : '';
    this.texts.set(hart, `${fromGuest ? 'VM exit: ' : ''}${trapName(((interrupt ? 0x80000000 : 0) + cause) >>> 0)} (trap to ${where}${saved})`);
    return true;
  }
}
