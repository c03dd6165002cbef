/**
 * The exception breakpoint "secure-processor command": stop right after the secure processor
 * completes a command (cvm-model 5), the stop text naming the command and its status, e.g.
 * `secure processor: LAUNCH_UPDATE_DATA -> SUCCESS`.
 *
 * The device calls `onCommand` at the end of the command, inside the store to CMDRESP. While the
 * debugger runs the machine (run control, not a replay of reverse execution) that asks the machine
 * to pause, so run() returns at the next instruction boundary, the store retired; a single step
 * just notes it. `around()` turns that into a { kind: 'trap' } stop that run control reports as an
 * exception stop, like the trap catch of adapter/vm-exits.ts.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Machine, StopReason } from '../emulator/api';
import { commandName, statusName } from '../emulator/cvm/sp/index';

export const SP_COMMAND_FILTER = 'sp-command';

export const SP_EXCEPTION_FILTER: DebugProtocol.ExceptionBreakpointsFilter = {
  filter: SP_COMMAND_FILTER,
  label: 'Secure-processor command',
  description: 'Stop after the secure processor completes a command (LAUNCH_START, ACTIVATE, ...); the stop names the command and its status. Needs "features": ["secure-processor"] in the machine configuration.',
  default: false,
};

interface SpStop {
  hart: number;
  text: string;
}

export class SpCatcher {
  private on = false;
  /** How the machine runs now: 'run' (machine.run), 'step' (machine.step of `hart`), or not by run control. */
  private armed: { mode: 'run' } | { mode: 'step'; hart: number } | undefined;
  private pending: SpStop | undefined;

  constructor(private readonly machine: Machine) {}

  /** Turn the stop on or off; false when the machine has no secure processor (the filter is then unverified). */
  set(on: boolean): boolean {
    const sp = this.machine.sp;
    if (sp === undefined) return !on;
    this.on = on;
    sp.onCommand = on ? (id, status) => this.onCommand(id, status) : undefined;
    return true;
  }

  get enabled(): boolean {
    return this.on;
  }

  /** A run() or step() of run control: a completed command becomes a { kind: 'trap' } stop. */
  around(mode: 'run', fn: () => StopReason): StopReason;
  around(mode: 'step', fn: () => StopReason, hart: number): StopReason;
  around(mode: 'run' | 'step', fn: () => StopReason, hart = 0): StopReason {
    if (!this.on) return fn();
    this.armed = mode === 'run' ? { mode } : { mode, hart };
    this.pending = undefined;
    let r: StopReason;
    try {
      r = fn();
    } finally {
      this.armed = undefined;
    }
    const p = this.pending as SpStop | undefined; // set by onCommand() during fn()
    this.pending = undefined;
    if (p === undefined) return r;
    if (r.kind === 'paused' || r.kind === 'step' || r.kind === 'limit') return { kind: 'trap', hart: p.hart, cause: -1, interrupt: false, message: p.text };
    // Another stop came first (or the machine ended): drop ours and the pause it asked for.
    if (mode === 'run' && r.kind !== 'exit' && r.kind !== 'fault') this.machine.run(0);
    return r;
  }

  private onCommand(id: number, status: number): void {
    const armed = this.armed;
    if (armed === undefined) return;
    let hart = armed.mode === 'step' ? armed.hart : 0;
    if (armed.mode === 'run') {
      this.machine.requestPause();
      // requestPause() ends the slice of the hart that runs now: the one whose store ran the command.
      const running = this.machine.harts.findIndex((h) => h.yieldReq);
      if (running >= 0) hart = running;
    }
    this.pending = { hart, text: `secure processor: ${commandName(id)} -> ${statusName(status)}` };
  }
}
