/**
 * Reverse execution: stepBack (instruction / line), reverseContinue, and the custom requests
 * vmscope/reverseStepIn and vmscope/reverseStepOut. Built on History (adapter/history.ts): every
 * operation is "find the instant to go to" (a search that replays the recorded past, newest
 * checkpoint interval first) followed by History.travel(instant).
 *
 * Semantics (GDB's reverse commands, with the machine's global instruction count as time):
 * - stepBack, granularity instruction: to just before the previous instruction the hart retired
 *   (with several harts: the previous global step at which that hart executed).
 * - stepBack by line / statement (reverse next): to the start of the previous statement on another
 *   line in the same frame or an outer one (calls are stepped over backwards; prologues skipped).
 * - reverseStepIn (reverse step): the same, but entering calls: back into the last line of a call
 *   that returned just before.
 * - reverseStepOut (reverse finish): to the call instruction that entered the current frame (the
 *   newest earlier instant at which the hart's sp was at or above the frame's CFA, outside the entry).
 * - reverseContinue: to the newest breakpoint / data breakpoint hit before now (conditions evaluated
 *   in the past state; hit counts and logpoints are not applied backwards), else to the start.
 * At the start of the recorded past each of them stays there and says so.
 */
import type { StopReason } from '../emulator/api';
import { appliesAt, conditionHolds, type ActiveBreakpoint, type BreakpointKind, type Breakpoints } from './breakpoints';
import { History, type Position } from './history';
import type { RunControl, StopKind } from './run-control';
import type { Target } from './target';
import { unwind } from './unwind';

export type ReverseOp = 'stepBack' | 'reverseContinue' | 'reverseStepIn' | 'reverseStepOut';
export type Granularity = 'statement' | 'line' | 'instruction';

export interface ReverseEvents {
  stopped(kind: StopKind, hart: number, opts?: { ids?: number[]; text?: string }): void;
  output(text: string, category: 'console' | 'stderr'): void;
}

const BP_REASON: Record<BreakpointKind, StopKind> = {
  source: 'breakpoint',
  function: 'function breakpoint',
  instruction: 'instruction breakpoint',
};

const OP_NAME: Record<ReverseOp, string> = {
  stepBack: 'step back',
  reverseContinue: 'reverse continue',
  reverseStepIn: 'reverse step in',
  reverseStepOut: 'reverse step out',
};

/** Reverse searches give the event loop a turn this often (pause, disconnect). */
const SLICE_MS = 50;

interface Hit {
  t: number;
  hart: number;
  kind: StopKind;
  ids?: number[];
  text?: string;
}

export class Reverse {
  readonly history: History;
  private busy = false;
  private pauseRequested = false;

  constructor(
    private readonly target: Target,
    private readonly run: RunControl,
    private readonly bps: Breakpoints,
    private readonly events: ReverseEvents,
  ) {
    this.history = new History(target.machine);
  }

  /** Whether a reverse operation is under way (the machine is not stopped then). */
  get running(): boolean {
    return this.busy;
  }

  /**
   * Start a reverse operation (from the event loop, after the request's response went out). Searches
   * go one checkpoint interval at a time (tens of milliseconds) and let the event loop in between
   * (every SLICE_MS), so that pause is heard: the machine then stops at the oldest instant the search
   * reached.
   */
  start(op: ReverseOp, hart: number, granularity: Granularity = 'statement'): void {
    if (this.busy) return;
    this.busy = true;
    this.pauseRequested = false;
    const steps = this.perform(op, hart, granularity);
    let reached: number | undefined;
    const tick = (): void => {
      try {
        const until = performance.now() + SLICE_MS;
        for (;;) {
          if (this.run.finished) {
            this.busy = false;
            return;
          }
          if (this.pauseRequested) {
            this.pauseRequested = false;
            if (reached !== undefined) this.history.travel(reached);
            this.busy = false;
            this.events.stopped('pause', hart);
            return;
          }
          const r = steps.next();
          if (r.done) {
            this.busy = false;
            return;
          }
          if (r.value !== undefined) reached = r.value;
          if (performance.now() > until) break;
        }
        setImmediate(tick);
      } catch (e) {
        this.busy = false;
        this.events.output(`vmscope adapter: internal error in ${op}: ${(e as Error)?.message ?? String(e)}\n`, 'stderr');
        this.events.stopped('exception', hart, { text: 'internal error in the adapter' });
      }
    };
    setImmediate(tick);
  }

  /** Pause a reverse operation under way (no effect otherwise). */
  pause(): void {
    if (this.busy) this.pauseRequested = true;
  }

  private get machine() {
    return this.target.machine;
  }

  /** The operation, yielding the oldest instant reached after each checkpoint interval it searched. */
  private *perform(op: ReverseOp, hart: number, granularity: Granularity): Generator<number | undefined, void> {
    this.run.syncBreakpoints();
    const now = this.machine.instret;
    if (now <= this.history.start && op !== 'reverseContinue') return this.atStart(hart, OP_NAME[op]);
    switch (op) {
      case 'reverseContinue':
        return yield* this.reverseContinue(hart, now);
      case 'stepBack':
        if (granularity === 'instruction' || this.target.infoOf(hart)?.lineAt(this.machine.harts[hart]!.pc) === undefined) return yield* this.instructionBack(hart, now);
        return yield* this.lineBack(hart, now, false);
      case 'reverseStepIn':
        if (granularity === 'instruction' || this.target.infoOf(hart)?.lineAt(this.machine.harts[hart]!.pc) === undefined) return yield* this.instructionBack(hart, now);
        return yield* this.lineBack(hart, now, true);
      case 'reverseStepOut':
        return yield* this.stepOutBack(hart, now);
    }
  }

  private atStart(hart: number, op: string): void {
    const start = this.history.start;
    if (this.machine.instret !== start) this.history.travel(start);
    const what = start === 0 ? 'the start of the program' : `the oldest recorded instant (instruction ${start})`;
    this.events.output(`vmscope: ${op}: at ${what}; there is nothing earlier to go back to\n`, 'console');
    this.events.stopped('entry', hart, { text: `at ${what}: cannot go back further` });
  }

  // --- Searches.

  /** Newest position of `hart` before `now` that satisfies `pred`; undefined when there is none. */
  private *findBack(hart: number, now: number, pred: (p: Position) => boolean): Generator<number | undefined, number | undefined> {
    let hi = now;
    for (;;) {
      let found: number | undefined;
      const from = this.history.positionsBefore(hi, hart, (p) => {
        if (pred(p)) found = p.t;
      });
      if (from === undefined) return undefined;
      if (found !== undefined) return found;
      hi = from;
      yield from;
    }
  }

  private *instructionBack(hart: number, now: number): Generator<number | undefined, void> {
    // One hart: the previous instant is the previous instruction.
    const t = this.machine.harts.length === 1 ? now - 1 : yield* this.findBack(hart, now, () => true);
    if (t === undefined) return this.atStart(hart, 'step back');
    this.history.travel(t);
    this.events.stopped('step', hart);
  }

  /**
   * Reverse next (intoCalls false) / reverse step (true). A position "enters a line" when its pc
   * starts a statement and the hart's previous position in the same frame or an outer one (the
   * newest earlier one with sp at or above its sp) was on another line: the instructions after a
   * call on the same line do not enter it again. Reverse next goes to the newest entry into another
   * line in this frame or an outer one (into this line when we are in its middle); reverse step goes
   * to the newest line entry inside calls made after that, when there are any.
   */
  private *lineBack(hart: number, now: number, intoCalls: boolean): Generator<number | undefined, void> {
    // The symbols of what the hart runs now (a guest's under the hypervisor extension).
    const info = this.target.infoOf(hart)!;
    const h = this.machine.harts[hart]!;
    const pc0 = h.pc >>> 0;
    const sp0 = h.x[2]! >>> 0;
    const at0 = info.lineAt(pc0)!;
    const key0 = `${at0.file}:${at0.line}`;
    const memo = new Map<number, string | null>();
    /** `file:line` of a statement start outside prologues, else null. */
    const stmtLine = (pc: number): string | null => {
      let k = memo.get(pc);
      if (k === undefined) {
        const at = info.lineAt(pc);
        const fn = info.functionAt(pc);
        const body = fn !== undefined ? info.bodyStart(fn) : undefined;
        const inPrologue = fn !== undefined && body !== undefined && pc >= fn.start && pc < body;
        k = at !== undefined && info.isStatementStart(pc) && !inPrologue ? `${at.file}:${at.line}` : null;
        memo.set(pc, k);
      }
      return k;
    };
    const lineOf = (pc: number): string | undefined => {
      const at = info.lineAt(pc);
      return at === undefined ? undefined : `${at.file}:${at.line}`;
    };
    let midLine: boolean | undefined;
    let hi = now;
    for (;;) {
      // Frames: a stack of positions with strictly decreasing sp (the newest at each level).
      const stack: Position[] = [];
      let entryAny: number | undefined;
      let entryOther: number | undefined;
      let deeperAfterAny: number | undefined;
      let deeperAfterOther: number | undefined;
      const from = this.history.positionsBefore(hi, hart, (p) => {
        while (stack.length > 0 && stack[stack.length - 1]!.sp < p.sp) stack.pop();
        const prev = stack[stack.length - 1];
        if (prev !== undefined && prev.sp === p.sp) stack.pop();
        stack.push(p);
        const k = stmtLine(p.pc);
        if (k === null || (prev !== undefined && lineOf(prev.pc) === k)) return;
        if (p.sp >= sp0) {
          entryAny = p.t;
          deeperAfterAny = undefined;
          if (k !== key0) {
            entryOther = p.t;
            deeperAfterOther = undefined;
          }
        } else {
          deeperAfterAny = p.t;
          deeperAfterOther = p.t;
        }
      });
      if (from === undefined) break;
      if (midLine === undefined) {
        // Are we where this line was entered, or in its middle (after a step out, a step by instruction)?
        let prev: Position | undefined;
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i]!.sp >= sp0) {
            prev = stack[i];
            break;
          }
        }
        midLine = !(info.isStatementStart(pc0) && (prev === undefined || lineOf(prev.pc) !== key0));
      }
      const entry = midLine ? entryAny : entryOther;
      const deeper = midLine ? deeperAfterAny : deeperAfterOther;
      const t = intoCalls && deeper !== undefined ? deeper : entry;
      if (t !== undefined) {
        this.history.travel(t);
        this.events.stopped('step', hart);
        return;
      }
      hi = from;
      yield from;
    }
    this.atStart(hart, intoCalls ? 'reverse step in' : 'step back');
  }

  /** Reverse step out: back to the call instruction that entered the current frame. */
  private *stepOutBack(hart: number, now: number): Generator<number | undefined, void> {
    const t0 = this.target.forHart(hart);
    const h = this.machine.harts[hart]!;
    const pc0 = h.pc >>> 0;
    const sp0 = h.x[2]! >>> 0;
    const frames = unwind(t0.info, pc0, h.x, (a) => t0.read(a, 4), 2);
    const cfa = frames[0]!.cfa;
    const fn = t0.info?.functionAt(pc0);
    if (cfa === undefined || fn === undefined) {
      this.events.output('vmscope: reverse step out: the frame of this function is unknown; stepping back one instruction instead\n', 'console');
      return yield* this.instructionBack(hart, now);
    }
    // In a function without a stack frame sp stays at the CFA: any earlier position outside it is
    // the caller. Otherwise only the entry itself has sp at the CFA (recursion stays right).
    const frameless = sp0 === cfa;
    const t = yield* this.findBack(hart, now, (p) => p.sp >= cfa && (frameless ? p.pc < fn.start || p.pc >= fn.end : p.pc !== fn.start));
    if (t === undefined) return this.atStart(hart, 'reverse step out');
    this.history.travel(t);
    this.events.stopped('step', hart);
  }

  private *reverseContinue(hart: number, now: number): Generator<number | undefined, void> {
    const list = this.bps.all().filter((b) => b.logMessage === undefined);
    let hi = now;
    for (;;) {
      const hits: Hit[] = [];
      const from = this.history.scanBefore(hi, (r) => {
        const t = this.machine.instret;
        if (t >= hi) return;
        const hit = this.hitAt(r, list, t);
        if (hit) hits.push(hit);
      });
      if (from === undefined) break;
      const last = hits[hits.length - 1];
      if (last !== undefined) {
        this.history.travel(last.t);
        const opts: { ids?: number[]; text?: string } = {};
        if (last.ids) opts.ids = last.ids;
        if (last.text) opts.text = last.text;
        this.events.stopped(last.kind, last.hart, opts);
        return;
      }
      hi = from;
      yield from;
    }
    this.atStart(hart, 'reverse continue');
  }

  /** Whether the stop `r` of a replay, at instant t, is a hit that stops (logpoints do not). */
  private hitAt(r: StopReason, list: ActiveBreakpoint[], t: number): Hit | undefined {
    if (r.kind === 'watchpoint') return { t, hart: r.hart, kind: 'data breakpoint', text: r.message };
    if (r.kind !== 'breakpoint') return undefined;
    const ctx = this.target.evalContext(r.hart);
    const ids: number[] = [];
    let kind: BreakpointKind | undefined;
    for (const bp of list) {
      // As forward: only the sites of the context the hart ran in; a condition that cannot be evaluated stops.
      if (!appliesAt(bp, r.pc, ctx) || conditionHolds(bp, ctx) === false) continue;
      ids.push(bp.id);
      kind ??= bp.kind;
    }
    return kind === undefined ? undefined : { t, hart: r.hart, kind: BP_REASON[kind], ids };
  }
}
