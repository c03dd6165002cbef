/**
 * The recorded past of a debug session, for reverse execution (adapter/reverse.ts).
 *
 * Time is the machine's global retired-instruction count (machine.instret). The machine is
 * deterministic: the same start state gives the same instruction stream, output and timer timing,
 * however the run is cut into run() calls and stops. So the past is kept as checkpoints (machine
 * snapshots: RAM is copy-on-write, a snapshot costs one pointer per allocated page) and any instant T is
 * reached again by restoring the nearest checkpoint at or before T and running exactly T - t
 * instructions (run() budgets are exact).
 *
 * - A checkpoint at the start (after load, before the first instruction), never dropped.
 * - Forward execution adds one every INTERVAL instructions; replays add finer ones (every FINE
 *   instructions) on the way, so that repeated steps back each replay little.
 * - At most MAX_CHECKPOINTS and about MAX_BYTES of page copies: beyond, checkpoints are thinned, older
 *   ones first (each removal merges the two smallest gaps relative to their age).
 * - Guest output: every byte the guest ever wrote is sent once. Bytes are numbered along the timeline;
 *   re-execution (replays, and running forward again after going back) sends only bytes past the
 *   highest number already sent.
 * - Edits (setVariable, writeMemory) change the future: a checkpoint is pinned at the edit; going back
 *   before an edit undoes it (the future is recomputed without it, its output then counts as new).
 * - Several harts: a debugger single step of one hart runs it out of turn, which run() cannot
 *   reproduce; such steps are logged (instant, hart) and replayed as steps.
 */
import type { Machine, MachineSnapshot, StopReason, Tracer } from '../emulator/api';

/** Forward execution: a checkpoint every INTERVAL retired instructions (~20 ms of replay at 100 MIPS). */
export const INTERVAL = 2_000_000;
/** Replays: a checkpoint every FINE instructions on the way (repeated steps back stay fast). */
export const FINE = 500_000;
/** Bounds: checkpoints and (estimated) bytes of RAM pages they keep alive. */
export const MAX_CHECKPOINTS = 160;
export const MAX_BYTES = 256 * 1024 * 1024;

const PAGE = 4096;

interface Checkpoint {
  t: number;
  snap: MachineSnapshot;
  /** Guest output bytes produced before this instant. */
  out: number;
  /** Logged out-of-turn steps applied before this checkpoint. */
  steps: number;
  /** Estimated bytes this checkpoint alone keeps alive (pages not shared with its predecessor). */
  bytes: number;
  /** The start and edits: never thinned. */
  pinned: boolean;
}

/** Position of a hart in the past: at instant `t` it is about to execute `pc`, with stack pointer `sp`. */
export interface Position {
  t: number;
  pc: number;
  sp: number;
}

/** The bounds and spacing (tests use small ones). */
export interface HistoryLimits {
  interval: number;
  fine: number;
  maxCheckpoints: number;
  maxBytes: number;
}

export class History {
  private readonly limits: HistoryLimits;
  private cps: Checkpoint[] = [];
  /** Out-of-turn single steps (several harts only), in order. */
  private steps: { t: number; hart: number }[] = [];
  /** Edits: instant and output count there. */
  private edits: { t: number; out: number }[] = [];
  /** Output bytes produced along the current timeline up to now, and the most ever sent. */
  private produced = 0;
  private emitted = 0;
  private readonly multi: boolean;

  constructor(private readonly machine: Machine, limits: Partial<HistoryLimits> = {}) {
    this.limits = { interval: INTERVAL, fine: FINE, maxCheckpoints: MAX_CHECKPOINTS, maxBytes: MAX_BYTES, ...limits };
    this.multi = machine.harts.length > 1;
    const sink = machine.onOutput;
    machine.onOutput = (bytes) => {
      const skip = Math.max(0, this.emitted - this.produced);
      this.produced += bytes.length;
      if (skip < bytes.length) sink(skip === 0 ? bytes : bytes.subarray(skip));
      if (this.produced > this.emitted) this.emitted = this.produced;
    };
    this.add(true);
  }

  /** Instant of the oldest checkpoint: the start of the recorded past. */
  get start(): number {
    return this.cps[0]!.t;
  }

  /** Instants of the checkpoints, oldest first. */
  get checkpoints(): number[] {
    return this.cps.map((c) => c.t);
  }

  /** Estimated bytes kept alive by checkpoints. */
  get bytes(): number {
    return this.cps.reduce((s, c) => s + c.bytes, 0);
  }

  // --- Recording (forward execution).

  /** After forward execution: a checkpoint when INTERVAL instructions passed since the last one. */
  afterRun(): void {
    const last = this.cps[this.cps.length - 1]!;
    if (this.machine.instret - last.t >= this.limits.interval) this.add(false);
  }

  /** Before the debugger single-steps `hart` (run control). */
  beforeStep(hart: number): void {
    if (this.multi) this.steps.push({ t: this.machine.instret, hart });
  }

  /** The user changed registers or memory now: the future differs from the recorded one. */
  edited(): void {
    const t = this.machine.instret;
    this.cps = this.cps.filter((c, i) => i === 0 || c.t !== t);
    if (this.cps[0]!.t !== t) this.add(true);
    else {
      // An edit at the very start: the start itself changes.
      this.cps[0] = this.make(true);
      this.account(0);
      if (this.cps.length > 1) this.account(1);
    }
    this.edits.push({ t, out: this.produced });
    this.emitted = this.produced;
  }

  // --- Time travel.

  /** Go to instant `t` (<= now): restore and replay. Forward execution from there recomputes the future. */
  travel(t: number): void {
    const cp = this.restoreBefore(t, true);
    this.replay(cp, t);
    // The recorded future is the past of another timeline now (identical unless edited): drop it.
    this.steps = this.steps.filter((s) => s.t < t);
    this.cps = this.cps.filter((c) => c.t <= t && c.steps <= this.steps.length);
    const undone = this.edits.filter((e) => e.t > t);
    if (undone.length > 0) {
      this.emitted = Math.min(this.emitted, ...undone.map((e) => e.out));
      this.edits = this.edits.filter((e) => e.t <= t);
    }
    // Resuming from here must not stop again at a breakpoint right where we are.
    for (const h of this.machine.harts) h.bpSkip = h.pc;
  }

  /**
   * Replay [cp, hi) of the checkpoint interval that ends at `hi` and call `onStop` for each breakpoint
   * and watchpoint stop on the way; used for searches. Returns the checkpoint's instant.
   */
  scanBefore(hi: number, onStop: ((r: StopReason) => void) | undefined, tracer?: Tracer): number | undefined {
    const cp = this.restoreBefore(hi, false);
    if (cp === undefined) return undefined;
    if (tracer) this.machine.setTracer(tracer);
    try {
      this.replay(cp, hi, onStop, false);
    } finally {
      if (tracer) this.machine.setTracer(undefined);
    }
    return cp.t;
  }

  /**
   * Positions of `hart` in [checkpoint before hi, hi), oldest first, passed to `visit`. Returns the
   * checkpoint's instant, undefined when there is no checkpoint before `hi`.
   */
  positionsBefore(hi: number, hart: number, visit: (p: Position) => void): number | undefined {
    const h = this.machine.harts[hart]!;
    let count = 0;
    let sp = 0;
    const tracer: Tracer = (r) => {
      count++;
      if (r.hart !== hart) return;
      visit({ t: count - 1, pc: r.pc >>> 0, sp });
      sp = h.x[2]! >>> 0;
    };
    const cp = this.restoreBefore(hi, false);
    if (cp === undefined) return undefined;
    count = this.machine.instret;
    sp = h.x[2]! >>> 0;
    this.machine.setTracer(tracer);
    try {
      this.replay(cp, hi);
    } finally {
      this.machine.setTracer(undefined);
    }
    if (count !== this.machine.instret) throw new Error(`reverse: traced ${count} instructions, the machine counted ${this.machine.instret}`);
    return cp.t;
  }

  // --- Internals.

  /** Restore the newest checkpoint at (inclusive) or before (exclusive) `t`. */
  private restoreBefore(t: number, inclusive: true): Checkpoint;
  private restoreBefore(t: number, inclusive: false): Checkpoint | undefined;
  private restoreBefore(t: number, inclusive: boolean): Checkpoint | undefined {
    const applied = this.steps.filter((s) => s.t < t).length;
    let cp: Checkpoint | undefined;
    for (const c of this.cps) if ((inclusive ? c.t <= t : c.t < t) && c.steps <= applied) cp = c;
    if (cp === undefined) {
      if (!inclusive) return undefined;
      throw new Error(`reverse: no checkpoint at or before instruction ${t}`);
    }
    this.machine.restore(cp.snap);
    this.produced = cp.out;
    return cp;
  }

  /**
   * From checkpoint `cp` (restored) run exactly to instant `t`, replaying logged steps; with `fine`,
   * leaving checkpoints every limits.fine instructions on the way.
   */
  private replay(cp: Checkpoint, t: number, onStop?: (r: StopReason) => void, fine = true): void {
    const m = this.machine;
    let next = cp.steps;
    let fineFrom = cp.t;
    for (let guard = 0; m.instret < t; guard++) {
      const s = this.steps[next];
      if (s !== undefined && s.t <= m.instret && s.t < t) {
        m.step(s.hart);
        next++;
        continue;
      }
      const until = Math.min(t, s !== undefined && s.t < t ? s.t : t, fine ? fineFrom + this.limits.fine : t);
      const r = m.run(until - m.instret);
      if (r.kind === 'exit' || r.kind === 'fault') throw new Error(`reverse: the replay ended early at instruction ${m.instret} (${r.kind === 'fault' ? r.message : 'exit'})`);
      if (r.kind === 'breakpoint' || r.kind === 'watchpoint') onStop?.(r);
      if (fine && m.instret - fineFrom >= this.limits.fine && m.instret < t) {
        fineFrom = m.instret;
        this.insert(next);
      }
      if (guard > 1e9) throw new Error('reverse: the replay makes no progress');
    }
  }

  private make(pinned: boolean, steps = this.steps.length): Checkpoint {
    return { t: this.machine.instret, snap: this.machine.snapshot(), out: this.produced, steps, bytes: 0, pinned };
  }

  /** Add a checkpoint at the end (now). */
  private add(pinned: boolean): void {
    this.cps.push(this.make(pinned));
    this.account(this.cps.length - 1);
    this.thin();
  }

  /** Insert a checkpoint of now during a replay (in order; none when one exists at this instant). */
  private insert(steps: number): void {
    const t = this.machine.instret;
    if (this.cps.some((c) => c.t === t)) return;
    const i = this.cps.findIndex((c) => c.t > t);
    const at = i < 0 ? this.cps.length : i;
    this.cps.splice(at, 0, this.make(false, steps));
    this.account(at);
    if (at + 1 < this.cps.length) this.account(at + 1);
    this.thin();
  }

  /** Bytes checkpoint i keeps alive beyond its predecessor (page buffers it does not share). */
  private account(i: number): void {
    const c = this.cps[i]!;
    const prev = i > 0 ? this.cps[i - 1]!.snap.ram.pages : undefined;
    const pages = c.snap.ram.pages;
    let n = 0;
    for (let k = 0; k < pages.length; k++) if (pages[k] !== undefined && pages[k] !== prev?.[k]) n++;
    // The page table itself: one reference per page.
    c.bytes = n * PAGE + pages.length * 8;
  }

  /** Drop checkpoints beyond the bounds: those whose neighbours are close relative to their age. */
  private thin(): void {
    let total = this.bytes;
    const now = this.machine.instret;
    while (this.cps.length > this.limits.maxCheckpoints || total > this.limits.maxBytes) {
      let best = -1;
      let score = Infinity;
      for (let i = 1; i < this.cps.length - 1; i++) {
        const c = this.cps[i]!;
        if (c.pinned) continue;
        const s = (this.cps[i + 1]!.t - this.cps[i - 1]!.t) / (Math.abs(now - c.t) + 1);
        if (s < score) {
          score = s;
          best = i;
        }
      }
      if (best < 0) return;
      total -= this.cps[best]!.bytes + this.cps[best + 1]!.bytes;
      this.cps.splice(best, 1);
      this.account(best);
      total += this.cps[best]!.bytes;
    }
  }
}
