/**
 * The vmscope debug session: DAP requests in, emulator calls out (house style: translate in the
 * adapter, compute in the emulator). One class serves all three modes: inline in the extension,
 * `--server=PORT` and stdio (adapter/main.ts).
 *
 * This first cut runs a program, streams its UART output, pauses and continues at instruction
 * granularity and reports the guest's exit code. Breakpoints, stepping, stacks and memory views
 * arrive with the debug-adapter issue.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugSession, ExitedEvent, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, Thread, StackFrame } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Machine } from '../emulator/api';
import { ConfigError, DEFAULT_CONFIG, parseIsa, type MachineConfig } from '../emulator/config';
import { ElfError, loadElf, type ElfImage } from '../emulator/loader/elf';
import { validateLaunch, type LaunchArguments } from './launch-config';

/** Instructions per slice of the run loop: large enough for speed, small enough to answer pause quickly. */
const SLICE = 2_000_000;

export class VmscopeSession extends DebugSession {
  private machine: Machine | undefined;
  private image: ElfImage | undefined;
  private running = false;
  private pauseRequested = false;
  private finished = false;
  private stopOnEntry = false;
  private maxInstructions = Number.MAX_SAFE_INTEGER;

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      // VS Code sends configurationDone after breakpoints are set; we start the guest only then.
      supportsConfigurationDoneRequest: true,
      // `terminate` ends the guest politely before the session disconnects.
      supportsTerminateRequest: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): void {
    const checked = validateLaunch((raw ?? {}) as Record<string, unknown>);
    if (typeof checked === 'string') return this.fail(response, 1001, checked);
    const args: LaunchArguments = checked;
    const program = path.resolve(args.cwd ?? process.cwd(), args.program);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(program);
    } catch (e) {
      return this.fail(response, 1002, `launch attribute 'program': cannot read ${program} (${(e as NodeJS.ErrnoException).code ?? e}); point it at an RV32 ELF file`);
    }
    const config: MachineConfig = {
      ...DEFAULT_CONFIG,
      harts: args.harts ?? DEFAULT_CONFIG.harts,
      ramMiB: args.ramMiB ?? DEFAULT_CONFIG.ramMiB,
      isa: args.isa ?? DEFAULT_CONFIG.isa,
    };
    try {
      parseIsa(config.isa);
      this.image = loadElf(bytes);
      this.machine = new Machine(config);
      this.machine.load(this.image);
    } catch (e) {
      if (e instanceof ElfError) return this.fail(response, 1003, `launch attribute 'program': ${program}: ${e.message}`);
      if (e instanceof ConfigError) return this.fail(response, 1004, `launch attribute 'isa': ${e.message}`);
      throw e;
    }
    this.machine.onOutput = (b) => this.sendEvent(new OutputEvent(Buffer.from(b).toString('latin1'), 'stdout'));
    this.stopOnEntry = args.stopOnEntry ?? false;
    this.maxInstructions = args.maxInstructions ?? Number.MAX_SAFE_INTEGER;
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (this.stopOnEntry) this.sendEvent(new StoppedEvent('entry', 1));
    else this.resume();
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const harts = this.machine?.harts ?? [];
    response.body = { threads: harts.map((h, i) => new Thread(i + 1, `hart ${i} (${'US?M'[h.priv] ?? '?'}-mode)`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    // Thread ids are hart numbers + 1: some DAP clients treat id 0 as 'no thread'.
    const hart = this.machine?.harts[args.threadId - 1];
    if (!hart) return this.fail(response, 1005, `no hart with thread id ${args.threadId}`);
    const pc = hart.pc >>> 0;
    const frame = new StackFrame(0, this.symbolize(pc)) as DebugProtocol.StackFrame;
    frame.instructionPointerReference = `0x${pc.toString(16)}`;
    response.body = { stackFrames: [frame], totalFrames: 1 };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: [] };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.resume();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (this.running) this.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.pauseRequested = true;
    this.finish();
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.pauseRequested = true;
    this.finished = true;
    this.sendResponse(response);
  }

  private resume(): void {
    if (this.running || this.finished || !this.machine) return;
    this.running = true;
    this.pauseRequested = false;
    setImmediate(() => this.slice());
  }

  /** Runs one slice, then yields to the event loop so that pause and disconnect are heard. */
  private slice(): void {
    const m = this.machine!;
    if (this.finished) return;
    if (this.pauseRequested) {
      this.running = false;
      this.sendEvent(new StoppedEvent('pause', 1));
      return;
    }
    const budget = Math.min(SLICE, this.maxInstructions - m.instret);
    if (budget <= 0) {
      this.sendEvent(new OutputEvent(`vmscope: stopped after ${m.instret} instructions (launch attribute 'maxInstructions')\n`, 'console'));
      return this.finish();
    }
    const stop = m.run(budget);
    if (stop.kind === 'exit') {
      this.sendEvent(new ExitedEvent(stop.code));
      return this.finish();
    }
    if (stop.kind === 'fault') {
      this.sendEvent(new OutputEvent(`vmscope: emulator fault: ${stop.message}\n`, 'stderr'));
      return this.finish();
    }
    setImmediate(() => this.slice());
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.running = false;
    this.sendEvent(new TerminatedEvent());
  }

  private symbolize(pc: number): string {
    let best: { name: string; value: number } | undefined;
    for (const s of this.image?.symbols ?? []) {
      if (s.type === 'func' && s.value <= pc && pc < s.value + Math.max(s.size, 1) && (!best || s.value > best.value)) best = s;
    }
    const where = `0x${pc.toString(16).padStart(8, '0')}`;
    return best ? `${best.name}+0x${(pc - best.value).toString(16)} (${where})` : where;
  }

  private fail(response: DebugProtocol.Response, id: number, message: string): void {
    this.sendErrorResponse(response, { id, format: message, showUser: true });
  }
}
