/**
 * Running and stepping: continue, pause, step by instruction and by source line (next / step in /
 * step out). Works in slices so that the event loop hears pause and disconnect while the guest runs
 * (a guest looping forever stays pausable). Reports why it stopped through `RunEvents`.
 */
import type { Machine, StopReason } from '../emulator/api';
import type { Breakpoints, BreakpointKind } from './breakpoints';
import type { SpCatcher } from './sp-stops';
import type { Target } from './target';
import { unwind } from './unwind';
import { entersGuest, handlingVmExit, type TrapCatcher } from './vm-exits';

/** Instructions per run() slice: large enough for speed, small enough to answer pause quickly. */
const SLICE = 2_000_000;
/** Single steps per slice while stepping by line. */
const STEP_SLICE = 20_000;

export type StopKind = 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint' | 'step' | 'pause' | 'entry' | 'exception';

export interface RunEvents {
  stopped(kind: StopKind, hart: number, opts?: { ids?: number[]; text?: string }): void;
  exited(code: number): void;
  output(text: string, category: 'console' | 'stderr'): void;
  /** The machine faulted or hit maxInstructions: the session ends. */
  ended(): void;
}

export type StepMode = 'next' | 'in' | 'out' | 'instruction';

/** Watches forward execution (adapter/history.ts records the past for reverse execution). */
export interface RunObserver {
  /** Between run slices: the machine ran forward. */
  afterRun(): void;
  /** Just before a debugger single step of `hart`. */
  beforeStep(hart: number): void;
}

/** A place to run to: pc on the hart, once sp is back at or above minSp (the frame returned). */
interface ReturnTarget {
  hart: number;
  pc: number;
  minSp: number;
  /** The VMID the hart ran when the target was set (undefined: V=0): another guest at that pc is not it. */
  vmid: number | undefined;
}

type Plan =
  | { kind: 'continue' }
  | { kind: 'line'; hart: number; mode: 'next' | 'in'; file: string; line: number; startPc: number; ret?: ReturnTarget }
  | { kind: 'out'; hart: number; ret: ReturnTarget }
  /**
   * Run one hart until it switches context: `exit` = until it leaves the guest (V 1 -> 0: a VM exit,
   * stopping at the trap handler's first instruction), `entry` = until it enters a guest (V 0 -> 1,
   * the sret / mret back into it). `resume`: a line step to go on with once there (`next` over an
   * ecall in a guest), else the step stops there.
   */
  | { kind: 'switch'; hart: number; until: 'exit' | 'entry'; vmid?: number; resume?: Extract<Plan, { kind: 'line' }> };

const BP_REASON: Record<BreakpointKind, StopKind> = {
  source: 'breakpoint',
  function: 'function breakpoint',
  instruction: 'instruction breakpoint',
};

export class RunControl {
  private plan: Plan | undefined;
  private pauseRequested = false;
  private done = false;
  observer: RunObserver | undefined;
  /** Exception breakpoints (adapter/vm-exits.ts): the machine's trap catch; run() and step() report { kind: 'trap' }. */
  catcher: TrapCatcher | undefined;
  /** The "secure-processor command" exception breakpoint (adapter/sp-stops.ts): a completed command is reported as { kind: 'trap' }. */
  spCatcher: SpCatcher | undefined;

  constructor(
    private readonly target: Target,
    private readonly bps: Breakpoints,
    private readonly events: RunEvents,
    private readonly maxInstructions: number,
  ) {}

  get machine(): Machine {
    return this.target.machine;
  }

  get running(): boolean {
    return this.plan !== undefined;
  }

  get finished(): boolean {
    return this.done;
  }

  /** Breakpoint addresses changed (or a return target appeared): tell the machine. */
  syncBreakpoints(): void {
    const set = new Set(this.bps.addresses());
    const ret = this.plan?.kind === 'line' ? this.plan.ret : this.plan?.kind === 'out' ? this.plan.ret : undefined;
    if (ret) set.add(ret.pc >>> 0);
    this.machine.setBreakpoints(set);
  }

  continue(): void {
    this.start({ kind: 'continue' });
  }

  /**
   * Requests arrive between slices (the machine never runs while a request is handled), so a flag
   * checked at the next slice is enough; machine.requestPause() is for callers that run the machine
   * elsewhere, and called now it would stop the next run() at once.
   */
  pause(): void {
    if (this.plan === undefined) return;
    this.pauseRequested = true;
  }

  stop(): void {
    this.done = true;
    this.plan = undefined;
  }

  step(hart: number, mode: StepMode): void {
    if (this.done) return;
    const h = this.machine.harts[hart]!;
    const at = this.target.infoOf(hart)?.lineAt(h.pc);
    if (mode !== 'instruction' && mode !== 'out' && this.switchesContext(hart)) {
      // sret / mret into a guest, ecall out of one: stepped like a call (adapter/README.md).
      this.start({ kind: 'line', hart, mode, file: at?.file ?? '', line: at?.line ?? -1, startPc: h.pc >>> 0 });
      return;
    }
    if (mode === 'instruction' || (at === undefined && mode !== 'out')) {
      // No line information here: a line step is an instruction step (as GDB's stepi).
      this.later(() => this.finishStep(hart, this.stepOne(hart)));
      return;
    }
    if (mode === 'out' && h.virt) {
      // In a guest: back to the caller when it is known and has lines in the guest's debug info (the
      // VM exits while the callee runs are run through: the return target matches only in the same
      // VMID, with V=1); from the outermost frame, run the guest until it exits to the hypervisor.
      const ret = this.guestReturn(hart);
      this.start(ret ? { kind: 'out', hart, ret } : { kind: 'switch', hart, until: 'exit' });
      return;
    }
    if (mode === 'out' && handlingVmExit(this.target, hart)) {
      // Out of the hypervisor's exit handler: run to the VM entry (sret) back into the guest.
      this.start({ kind: 'switch', hart, until: 'entry' });
      return;
    }
    if (mode === 'out') {
      const own = this.target.forHart(hart);
      const frames = unwind(own.info, h.pc, h.x, (a) => own.read(a, 4), 2);
      const caller = frames[1];
      if (caller === undefined) {
        this.events.output('vmscope: step out: the caller of this frame is unknown; stepping one instruction instead\n', 'console');
        this.later(() => this.finishStep(hart, this.stepOne(hart)));
        return;
      }
      this.start({ kind: 'out', hart, ret: { hart, pc: caller.pc, minSp: caller.regs[2]! >>> 0, vmid: this.target.vmidOf(hart) } });
      return;
    }
    this.start({ kind: 'line', hart, mode, file: at!.file, line: at!.line, startPc: h.pc >>> 0 });
  }

  /**
   * The return target of step out in a guest (V=1): the caller of the current frame, in the guest's
   * own address space (its pcs and sp are guest-virtual, as the machine's breakpoints see them while
   * the guest runs), when unwinding finds it and the guest's debug info has a line at its call.
   */
  private guestReturn(hart: number): ReturnTarget | undefined {
    const h = this.machine.harts[hart]!;
    const view = this.target.forHart(hart);
    const vmid = this.target.vmidOf(hart);
    // A VMID without `symbols` has no debug info of its own (forHart() would give the main program's).
    if (vmid === undefined || !this.target.guests.has(vmid) || view.info === undefined) return undefined;
    const caller = unwind(view.info, h.pc, h.x, (a) => view.read(a, 4), 2)[1];
    if (caller === undefined || view.info.lineAt((caller.pc - 1) >>> 0) === undefined) return undefined;
    return { hart, pc: caller.pc >>> 0, minSp: caller.regs[2]! >>> 0, vmid };
  }

  /** The hart is at an sret / mret that enters a guest, or at an ecall in a guest. */
  private switchesContext(hart: number): boolean {
    const h = this.machine.harts[hart]!;
    const insn = this.target.fetchOn(hart, h.pc >>> 0);
    if (insn === undefined || !h.hasH) return false;
    if (h.virt) return insn.name === 'ecall';
    return (insn.name === 'sret' || insn.name === 'mret') && entersGuest(this.target, hart, insn.name);
  }

  /**
   * Run `fn` from the event loop. An exception there would end the adapter process: report it and
   * stop the machine instead (the session stays usable).
   */
  private later(fn: () => void): void {
    setImmediate(() => {
      try {
        fn();
      } catch (e) {
        const hart = this.plan !== undefined && this.plan.kind !== 'continue' ? this.plan.hart : 0;
        this.events.output(`vmscope adapter: internal error while running: ${(e as Error)?.message ?? String(e)}\n`, 'stderr');
        this.halt('exception', hart, { text: 'internal error in the adapter' });
      }
    });
  }

  /** One debugger single step (the observer hears of it first). */
  private stepOne(hart: number): StopReason {
    this.observer?.beforeStep(hart);
    return this.spCatcher ? this.spCatcher.around('step', () => this.machine.step(hart), hart) : this.machine.step(hart);
  }

  private finishStep(hart: number, r: StopReason): void {
    if (this.handleEnd(r)) return;
    if (r.kind === 'watchpoint') this.events.stopped('data breakpoint', r.hart, { text: r.message });
    else if (r.kind === 'trap') this.events.stopped('exception', r.hart, { text: this.trapText(r) });
    else this.events.stopped('step', hart);
  }

  private start(plan: Plan): void {
    if (this.done || this.plan !== undefined) return;
    this.plan = plan;
    this.pauseRequested = false;
    this.syncBreakpoints();
    this.later(() => this.slice());
  }

  private halt(kind: StopKind, hart: number, opts?: { ids?: number[]; text?: string }): void {
    this.plan = undefined;
    this.syncBreakpoints();
    this.events.stopped(kind, hart, opts);
  }

  /** Exit, fault and the instruction limit end the session; true when `r` was one of them. */
  private handleEnd(r: StopReason): boolean {
    if (r.kind === 'exit') {
      this.plan = undefined;
      this.done = true;
      this.events.exited(r.code);
      this.events.ended();
      return true;
    }
    if (r.kind === 'fault') {
      this.plan = undefined;
      this.done = true;
      this.events.output(`vmscope: emulator fault: ${r.message}\n`, 'stderr');
      this.events.ended();
      return true;
    }
    return false;
  }

  /** The stop text of a caught trap (exception breakpoints). */
  private trapText(r: Extract<StopReason, { kind: 'trap' }>): string {
    return this.catcher?.stopText(r.hart, r.message) ?? r.message;
  }

  private slice(): void {
    const plan = this.plan;
    if (plan === undefined || this.done) return;
    this.observer?.afterRun();
    if (this.pauseRequested) {
      this.pauseRequested = false;
      return this.halt('pause', plan.kind === 'continue' ? 0 : plan.hart);
    }
    if (this.machine.instret >= this.maxInstructions) {
      this.plan = undefined;
      this.done = true;
      this.events.output(`vmscope: stopped after ${this.machine.instret} instructions (launch attribute 'maxInstructions')\n`, 'console');
      this.events.ended();
      return;
    }
    if (plan.kind === 'line' && plan.ret === undefined) return this.lineSlice(plan);
    if (plan.kind === 'switch') return this.switchSlice(plan);
    this.runSlice(plan);
  }

  /** machine.run() until a breakpoint, watchpoint, pause, exit or the end of the slice. */
  private runSlice(plan: Plan): void {
    const budget = Math.min(SLICE, this.maxInstructions - this.machine.instret);
    const r = this.spCatcher ? this.spCatcher.around('run', () => this.machine.run(budget)) : this.machine.run(budget);
    if (this.handleEnd(r)) return;
    switch (r.kind) {
      case 'paused':
        this.pauseRequested = false;
        return this.halt('pause', plan.kind === 'continue' ? 0 : plan.hart);
      case 'watchpoint':
        return this.halt('data breakpoint', r.hart, { text: r.message });
      case 'trap':
        return this.halt('exception', r.hart, { text: this.trapText(r) });
      case 'breakpoint': {
        const ret = plan.kind === 'continue' || plan.kind === 'switch' ? undefined : plan.ret;
        if (ret && r.hart === ret.hart && r.pc === ret.pc && (this.machine.harts[r.hart]!.x[2]! >>> 0) >= ret.minSp && this.target.vmidOf(r.hart) === ret.vmid) {
          if (plan.kind === 'out') return this.halt('step', r.hart);
          if (plan.kind === 'line') {
            // Back from the call that `next` stepped over: go on stepping through the line.
            plan.ret = undefined;
            this.syncBreakpoints();
            const back = this.checkLine(plan);
            if (back) return;
          }
        } else {
          // Hits of breakpoints for another context (the host, another VMID) go on silently.
          const d = this.bps.hit(r.pc, this.target.evalContext(r.hart));
          for (const line of d.output) this.events.output(line, 'console');
          if (d.stop) return this.halt(BP_REASON[d.kind ?? 'source'], r.hart, { ids: d.ids });
        }
        break;
      }
      default:
        break;
    }
    this.later(() => this.slice());
  }

  /** Single steps of one hart until the line changes (or a call is to be stepped over). */
  private lineSlice(plan: Extract<Plan, { kind: 'line' }>): void {
    const h = this.machine.harts[plan.hart]!;
    for (let n = 0; n < STEP_SLICE; n++) {
      const pc = h.pc >>> 0;
      const insn = this.target.fetchOn(plan.hart, pc);
      const isCall = insn !== undefined && (insn.name === 'jal' || insn.name === 'jalr') && (insn.rd === 1 || insn.rd === 5);
      const sp = h.x[2]! >>> 0;
      // A user breakpoint here (not the pc we started from) stops the step.
      if (pc !== plan.startPc) {
        if (this.bps.addresses().has(pc)) {
          const d = this.bps.hit(pc, this.target.evalContext(plan.hart));
          for (const line of d.output) this.events.output(line, 'console');
          if (d.stop) return this.halt(BP_REASON[d.kind ?? 'source'], plan.hart, { ids: d.ids });
        }
      }
      const virt = h.virt;
      const vmid = this.target.vmidOf(plan.hart);
      const r = this.stepOne(plan.hart);
      if (this.handleEnd(r)) return;
      if (r.kind === 'watchpoint') return this.halt('data breakpoint', r.hart, { text: r.message });
      if (r.kind === 'trap') return this.halt('exception', r.hart, { text: this.trapText(r) });
      if (h.virt !== virt) {
        // A VM entry (sret / mret) or a trap out of a guest: stepped like a call (adapter/README.md).
        // `step in` stops at the first instruction of the other side.
        if (plan.mode === 'in') return this.halt('step', plan.hart);
        if (h.virt) {
          // `next` over a VM entry: run the guest until it exits, stop at the trap handler.
          this.plan = { kind: 'switch', hart: plan.hart, until: 'exit' };
        } else {
          // `next` in a guest over a trap out of it (an SBI call, an interrupt): back into the same guest, then on through the line.
          this.plan = { kind: 'switch', hart: plan.hart, until: 'entry', vmid, resume: plan };
        }
        this.later(() => this.slice());
        return;
      }
      if (isCall) {
        const entered = this.target.infoOf(plan.hart)?.lineAt(h.pc);
        // `next` steps over every call; `step in` over calls into code without line information.
        if (plan.mode === 'next' || entered === undefined) {
          plan.ret = { hart: plan.hart, pc: (pc + insn!.len) >>> 0, minSp: sp, vmid: this.target.vmidOf(plan.hart) };
          this.syncBreakpoints();
          this.later(() => this.slice());
          return;
        }
        // Stepped into a function: run through its prologue to the first line of its body, as GDB does.
        const fn = this.target.infoOf(plan.hart)!.functionAt(h.pc);
        const body = fn?.start === (h.pc >>> 0) ? this.target.infoOf(plan.hart)!.bodyStart(fn) : undefined;
        if (body !== undefined && body !== fn!.start) {
          // Single steps (a prologue is short and has no calls), giving up where the code leaves the function.
          for (let k = 0; k < 256 && (h.pc >>> 0) !== body && h.pc >>> 0 >= fn!.start && h.pc >>> 0 < fn!.end; k++) {
            const q = this.stepOne(plan.hart);
            if (this.handleEnd(q)) return;
            if (q.kind === 'watchpoint') return this.halt('data breakpoint', q.hart, { text: q.message });
            if (q.kind === 'trap') return this.halt('exception', q.hart, { text: this.trapText(q) });
          }
          return this.halt('step', plan.hart);
        }
      }
      if (this.checkLine(plan)) return;
    }
    this.later(() => this.slice());
  }

  /** Single steps of one hart until it leaves or enters a guest (user breakpoints and traps stop it too). */
  private switchSlice(plan: Extract<Plan, { kind: 'switch' }>): void {
    const h = this.machine.harts[plan.hart]!;
    for (let n = 0; n < STEP_SLICE; n++) {
      const pc = h.pc >>> 0;
      if (n > 0 && this.bps.addresses().has(pc)) {
        const d = this.bps.hit(pc, this.target.evalContext(plan.hart));
        for (const line of d.output) this.events.output(line, 'console');
        if (d.stop) return this.halt(BP_REASON[d.kind ?? 'source'], plan.hart, { ids: d.ids });
      }
      const r = this.stepOne(plan.hart);
      if (this.handleEnd(r)) return;
      if (r.kind === 'watchpoint') return this.halt('data breakpoint', r.hart, { text: r.message });
      if (r.kind === 'trap') return this.halt('exception', r.hart, { text: this.trapText(r) });
      const done = plan.until === 'exit' ? !h.virt : h.virt && (plan.vmid === undefined || this.target.vmidOf(plan.hart) === plan.vmid);
      if (!done) continue;
      if (plan.resume === undefined) return this.halt('step', plan.hart);
      this.plan = plan.resume;
      if (this.checkLine(plan.resume)) return;
      this.later(() => this.slice());
      return;
    }
    this.later(() => this.slice());
  }

  /** Stops (and returns true) when the hart reached the start of a statement on another line. */
  private checkLine(plan: Extract<Plan, { kind: 'line' }>): boolean {
    const pc = this.machine.harts[plan.hart]!.pc >>> 0;
    const info = this.target.infoOf(plan.hart);
    const at = info?.lineAt(pc);
    if (at === undefined) {
      // Left the code with line information (returned into a caller without it): stop here.
      this.halt('step', plan.hart);
      return true;
    }
    if (info!.isStatementStart(pc) && (at.line !== plan.line || at.file !== plan.file)) {
      this.halt('step', plan.hart);
      return true;
    }
    return false;
  }
}
