/**
 * The vmscope debug session: DAP requests in, emulator calls out (house style: translate in the
 * adapter, compute in the emulator). One class serves all three modes: inline in the extension,
 * `--server=PORT` and stdio (adapter/main.ts, `vmscope dap`).
 *
 * Requests are dispatched through one guard: a malformed request or an exception in a handler
 * becomes a DAP error response with a message a user can act on; the adapter itself never dies.
 * Handlers live in small modules: breakpoints.ts, run-control.ts, unwind.ts, variables.ts,
 * disassembly.ts, memory.ts, expressions.ts.
 */
import { DebugSession, ExitedEvent, InitializedEvent, OutputEvent, Response, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Breakpoints } from './breakpoints';
import { stateRequest } from './custom/index';
import { capabilities } from './capabilities';
import { disassembleRange } from './disassembly';
import { EvalError, evaluate, formatValue } from './expressions';
import { loadProgram } from './load-program';
import { dataBreakpointInfo, readMemory, setDataBreakpoints, writeMemory } from './memory';
import { ERR, formatMemoryReference, hartOfThread, parseMemoryReference, physRef, REVERSE_STEP_IN, REVERSE_STEP_OUT, threadOfHart } from './protocol';
import { Reverse, type Granularity, type ReverseOp } from './reverse';
import { RunControl, type StepMode, type StopKind } from './run-control';
import { functionBreakpoints, instructionBreakpoints, sourceBreakpoints } from './set-breakpoints';
import type { Target } from './target';
import { type Frame } from './unwind';
import { evaluateInSpace, frameContext, HELP, withNotes } from './address-spaces';
import { nodbgNotes } from './cvm';
import { SP_COMMAND_FILTER, SpCatcher } from './sp-stops';
import { replCommand } from './repl/index';
import { loadGuestSymbols } from './target';
import { stackFrame, stitchedStack, threadName, TrapCatcher } from './vm-exits';
import { argsOf, fail, int, RequestError, str } from './validate';
import { Variables } from './variables';

/**
 * Frame ids: stop * STOP_STRIDE + hart * FRAME_STRIDE + frame index + 1 (0 is not a valid id for some
 * clients). The stop counter makes ids unique per stop, so a client never mistakes a new stop's frames
 * for the old ones (VS Code kept offering "Load More Stack Frames" when ids repeated); it wraps at
 * STOP_WRAP to keep ids within 31 bits. Ids of an earlier stop get a 'stale frame' error.
 */
const FRAME_STRIDE = 0x100;
const HART_SLOTS = 0x100;
const STOP_STRIDE = FRAME_STRIDE * HART_SLOTS;
const STOP_WRAP = 0x7fff;

export class VmscopeSession extends DebugSession {
  private target: Target | undefined;
  private run: RunControl | undefined;
  /** Reverse execution (adapter/reverse.ts); also records the past while the guest runs forward. */
  private reverse: Reverse | undefined;
  private vars: Variables | undefined;
  private readonly bps = new Breakpoints();
  private stopOnEntry = false;
  /** Unwound stacks of the current stop, per hart. */
  private stacks = new Map<number, Frame[]>();
  /** Stops so far (modulo STOP_WRAP): the high part of frame ids. */
  private stopCount = 0;
  /** NODBG notes already printed for readMemory at this stop (cvm-model 5.6: once per stop and ASID). */
  private readonly notedAsids = new Set<number>();

  constructor() {
    super();
    // DWARF lines and columns are 1-based; convertDebugger*ToClient adapts to the client's choice.
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.guardHandlers();
  }

  /**
   * Every request goes through here. The base class catches handler exceptions itself (answering
   * with a stack trace meant for telemetry), so each handler is wrapped in the constructor
   * (guardHandlers) and answers with our message instead; this catch is the last line of defence.
   */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const args: unknown = request.arguments;
    if (request.command === 'initialize' && (args === null || typeof args !== 'object')) {
      return this.answerError(new Response(request), new RequestError(ERR.badArguments, "'initialize': arguments must be an object (clientID, adapterID, pathFormat: 'path', ...)"));
    }
    try {
      super.dispatchRequest(request);
    } catch (e) {
      this.answerError(new Response(request), e);
    }
  }

  private answerError(response: DebugProtocol.Response, e: unknown): void {
    const code = e instanceof RequestError ? e.code : ERR.internal;
    const message = e instanceof RequestError ? e.message : `vmscope adapter: internal error in '${response.command}': ${(e as Error)?.message ?? String(e)}`;
    // Braces would be read as {variables} of the message format.
    this.sendErrorResponse(response, { id: code, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: true });
  }

  /** Wrap every `...Request` handler so that a thrown RequestError (or bug) becomes an error response. */
  private guardHandlers(): void {
    const proto = VmscopeSession.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const fn = proto[name];
      if (!name.endsWith('Request') || name === 'dispatchRequest' || typeof fn !== 'function') continue;
      (this as unknown as Record<string, unknown>)[name] = (response: DebugProtocol.Response, ...rest: unknown[]) => {
        try {
          (fn as (...a: unknown[]) => void).call(this, response, ...rest);
        } catch (e) {
          this.answerError(response, e);
        }
      };
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = capabilities();
    this.sendResponse(response);
  }

  // --- Launch and configuration.

  protected override launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): void {
    if (this.target) fail('the program is already launched: one program per session', ERR.badLaunch);
    const { args, program, target } = loadProgram(raw);
    if (args.symbols?.length) target.addGuests(loadGuestSymbols(args.symbols, args.cwd ?? process.cwd(), args.sourceFileMap));
    const { machine, info } = target;
    for (const w of info!.warnings) this.sendEvent(new OutputEvent(`vmscope: debug information of ${program}: ${w}\n`, 'console'));
    if (info!.rows.length === 0) this.sendEvent(new OutputEvent(`vmscope: ${program} has no line table (build with -g for source breakpoints and stepping)\n`, 'console'));
    machine.onOutput = (b) => this.sendEvent(new OutputEvent(Buffer.from(b).toString('latin1'), 'stdout'));
    this.target = target;
    this.vars = new Variables(machine, target);
    this.run = new RunControl(this.target, this.bps, {
      stopped: (kind, hart, opts) => this.onStopped(kind, hart, opts),
      exited: (code) => this.sendEvent(new ExitedEvent(code)),
      output: (text, category) => this.sendEvent(new OutputEvent(text, category)),
      ended: () => this.sendEvent(new TerminatedEvent()),
    }, args.maxInstructions ?? Number.MAX_SAFE_INTEGER);
    this.reverse = new Reverse(target, this.run, this.bps, {
      stopped: (kind, hart, opts) => this.onStopped(kind, hart, opts),
      output: (text, category) => this.sendEvent(new OutputEvent(text, category)),
    });
    this.run.observer = this.reverse.history;
    this.run.catcher = new TrapCatcher(target);
    this.run.spCatcher = new SpCatcher(machine);
    this.stopOnEntry = args.stopOnEntry ?? false;
    this.sendResponse(response);
    // Configuration requests (breakpoints) need the program: invite them only now.
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    if (!this.run) return;
    if (this.stopOnEntry) this.onStopped('entry', 0);
    else this.resume(() => this.run!.continue());
  }

  // --- Breakpoints.

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const a = argsOf('setBreakpoints', args);
    // A line resolves in each program that has the file and stops only in its context (set-breakpoints.ts).
    response.body = { breakpoints: sourceBreakpoints(this.need(), this.bps, a, (l) => this.convertClientLineToDebugger(l), (l) => this.convertDebuggerLineToClient(l)) };
    this.run!.syncBreakpoints();
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const a = argsOf('breakpointLocations', args);
    const source = a.source;
    if (source === null || typeof source !== 'object') fail("'breakpointLocations': argument 'source' must be an object with a 'path'");
    const file = str('breakpointLocations', source as Record<string, unknown>, 'path');
    const from = this.convertClientLineToDebugger(int('breakpointLocations', a, 'line'));
    const to = a.endLine === undefined ? from : this.convertClientLineToDebugger(int('breakpointLocations', a, 'endLine'));
    const lines = (this.need().guestOfSource(file)?.info ?? this.need().info)?.linesWithCode(file, from, to) ?? [];
    response.body = { breakpoints: lines.map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    response.body = { breakpoints: functionBreakpoints(this.need(), this.bps, argsOf('setFunctionBreakpoints', args)) };
    this.run!.syncBreakpoints();
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const a = argsOf('setInstructionBreakpoints', args);
    // Breakpoints are on virtual pcs: a `va:<hart>:` or (a guest with vsatp bare) `gpa:<vmid>:` reference from the Disassembly view is its address.
    if (Array.isArray(a.breakpoints)) {
      a.breakpoints = (a.breakpoints as unknown[]).map((b) => (b !== null && typeof b === 'object' && typeof (b as Record<string, unknown>).instructionReference === 'string'
        ? { ...(b as Record<string, unknown>), instructionReference: ((b as Record<string, unknown>).instructionReference as string).replace(/^\s*(?:va|virt|gpa|dec):\d+:(?:shared:|private:)?/i, '') } : b));
    }
    response.body = { breakpoints: instructionBreakpoints(this.need(), this.bps, a) };
    this.run!.syncBreakpoints();
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const a = argsOf('setExceptionBreakpoints', args);
    const filters = Array.isArray(a.filters) ? (a.filters as unknown[]).filter((f): f is string => typeof f === 'string') : [];
    this.need();
    const unknown = this.run!.catcher!.set(filters.filter((f) => f !== SP_COMMAND_FILTER));
    const spOk = this.run!.spCatcher!.set(filters.includes(SP_COMMAND_FILTER)); // adapter/sp-stops.ts
    this.run!.syncBreakpoints();
    response.body = {
      breakpoints: filters.map((f) => {
        if (f === SP_COMMAND_FILTER && !spOk) return { verified: false, message: 'this machine has no secure processor: add "features": ["secure-processor"] to its machine configuration file (launch attribute `config`)' };
        return unknown.includes(f) ? { verified: false, message: `no exception filter '${f}'` } : { verified: true };
      }),
    };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const a = argsOf('dataBreakpointInfo', args);
    const hart = a.frameId === undefined ? 0 : this.frameOf('dataBreakpointInfo', a).hart;
    response.body = dataBreakpointInfo(this.need(), a, hart);
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    response.body = { breakpoints: setDataBreakpoints(this.need(), argsOf('setDataBreakpoints', args)) };
    this.sendResponse(response);
  }

  // --- Execution control.

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): void {
    argsOf('continue', args);
    this.needStopped();
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.resume(() => this.run!.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.stepRequest(response, 'next', args, 'next');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.stepRequest(response, 'stepIn', args, 'in');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.stepRequest(response, 'stepOut', args, 'out');
  }

  /** The hart and granularity of a forward or reverse step request, checked; the machine must be stopped. */
  private stepArgs(command: string, raw: unknown): { hart: number; granularity: Granularity } {
    const a = argsOf(command, raw);
    const hart = this.hartOf(command, a);
    this.needStopped();
    const granularity = a.granularity ?? 'statement';
    if (granularity !== 'statement' && granularity !== 'line' && granularity !== 'instruction') {
      fail(`'${command}': granularity must be 'statement', 'line' or 'instruction', got ${JSON.stringify(granularity)}`);
    }
    return { hart, granularity };
  }

  private stepRequest(response: DebugProtocol.Response, command: string, raw: unknown, mode: StepMode): void {
    const { hart, granularity } = this.stepArgs(command, raw);
    this.sendResponse(response);
    const m: StepMode = granularity === 'instruction' && mode !== 'out' ? 'instruction' : mode;
    this.resume(() => this.run!.step(hart, m));
  }

  // --- Reverse execution (adapter/reverse.ts).

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.reverseRequest(response, 'stepBack', args, 'stepBack');
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, args: DebugProtocol.ReverseContinueArguments): void {
    this.reverseRequest(response, 'reverseContinue', args, 'reverseContinue');
  }

  /** vmscope/reverseStepIn and vmscope/reverseStepOut (protocol.ts); anything else is unknown. */
  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown, request?: DebugProtocol.Request): void {
    // guardHandlers passes `command` where it expects the response: answer errors here.
    try {
      const state = stateRequest(command, () => this.need(), args); // adapter/custom: machineState, cacheState, keys, secureProcessor, memoryPair
      if (state !== undefined) return this.sendResponse(Object.assign(response, state));
      if (command !== REVERSE_STEP_IN && command !== REVERSE_STEP_OUT) return super.customRequest(command, response, args, request);
      this.reverseRequest(response, command, args, command === REVERSE_STEP_IN ? 'reverseStepIn' : 'reverseStepOut');
    } catch (e) {
      this.answerError(response, e);
    }
  }

  private reverseRequest(response: DebugProtocol.Response, command: string, raw: unknown, op: ReverseOp): void {
    const { hart, granularity } = this.stepArgs(command, raw);
    this.sendResponse(response);
    this.resume(() => this.reverse!.start(op, hart, granularity));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    argsOf('pause', args);
    this.need();
    this.run!.pause();
    this.reverse?.pause();
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.end();
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.run?.stop();
    this.sendResponse(response);
  }

  private end(): void {
    if (this.run && !this.run.finished) {
      this.run.stop();
      this.sendEvent(new TerminatedEvent());
    }
  }

  private resume(go: () => void): void {
    this.stacks.clear();
    this.vars?.reset();
    go();
  }

  private onStopped(kind: StopKind, hart: number, opts?: { ids?: number[]; text?: string }): void {
    this.target?.noteRoots();
    this.stacks.clear();
    this.stopCount = (this.stopCount + 1) % STOP_WRAP;
    this.vars?.reset();
    this.notedAsids.clear();
    const e = new StoppedEvent(kind, threadOfHart(hart), opts?.text) as DebugProtocol.StoppedEvent;
    e.body.allThreadsStopped = true;
    if (opts?.ids?.length) e.body.hitBreakpointIds = opts.ids;
    this.sendEvent(e);
  }

  // --- State: threads, stacks, variables.

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const harts = this.target?.machine.harts ?? [];
    response.body = { threads: harts.map((_, i) => new Thread(threadOfHart(i), threadName(this.target!, i))) };
    this.sendResponse(response);
  }

  private stackOf(hart: number): Frame[] {
    let s = this.stacks.get(hart);
    if (!s) {
      // In the hart's context (a guest's symbols and memory when V=1), stitched across a VM exit.
      s = stitchedStack(this.need(), hart);
      this.stacks.set(hart, s);
    }
    return s;
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const a = argsOf('stackTrace', args);
    const hart = this.hartOf('stackTrace', a);
    this.needStopped();
    const t = this.need();
    const frames = this.stackOf(hart);
    const start = int('stackTrace', a, 'startFrame', 0);
    const levels = int('stackTrace', a, 'levels', 0);
    // Ids have room for FRAME_STRIDE frames per hart.
    const slice = frames.slice(0, FRAME_STRIDE - 1).slice(Math.max(0, start), levels > 0 ? Math.max(0, start) + levels : undefined);
    response.body = {
      totalFrames: Math.min(frames.length, FRAME_STRIDE - 1),
      stackFrames: slice.map((f, k) => {
        const index = Math.max(0, start) + k;
        return stackFrame(t, hart, f, index, this.stopCount * STOP_STRIDE + hart * FRAME_STRIDE + index + 1, (l) => this.convertDebuggerLineToClient(l), (c) => this.convertDebuggerColumnToClient(c));
      }),
    };
    this.sendResponse(response);
  }

  /** Hart and frame of `frameId`; an error response when there is no such frame. */
  private frameOf(command: string, a: Record<string, unknown>): { hart: number; index: number; frame: Frame } {
    const id = int(command, a, 'frameId');
    const t = this.need();
    const stop = Math.floor((id - 1) / STOP_STRIDE);
    const hart = Math.floor(((id - 1) % STOP_STRIDE) / FRAME_STRIDE);
    const index = (id - 1) % FRAME_STRIDE;
    if (id < 1 || hart >= t.machine.harts.length) fail(`'${command}': no stack frame with id ${id}`, ERR.unknownReference);
    this.needStopped();
    if (stop !== this.stopCount) fail(`'${command}': stale frame: the program moved on (frame id ${id} is from an earlier stop; ask stackTrace again)`, ERR.unknownReference);
    const frame = this.stackOf(hart)[index];
    if (!frame) fail(`'${command}': no stack frame with id ${id} (the stack of hart ${hart} has ${this.stackOf(hart).length} frames)`, ERR.unknownReference);
    return { hart, index, frame };
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const { hart, index, frame } = this.frameOf('scopes', argsOf('scopes', args));
    // A VM-exit label and a guest frame seen from the hypervisor have no registers the debugger knows.
    if (frame.label !== undefined || frame.guest) {
      response.body = { scopes: [] };
      return this.sendResponse(response);
    }
    response.body = { scopes: this.vars!.scopes(hart, index, frame.regs, frame.pc) };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const a = argsOf('variables', args);
    const ref = int('variables', a, 'variablesReference');
    this.need();
    const vars = this.vars!.variables(ref);
    if (vars === undefined) fail(`'variables': no variables with reference ${ref} (references last until the program runs again)`, ERR.unknownReference);
    response.body = { variables: vars };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const a = argsOf('setVariable', args);
    const ref = int('setVariable', a, 'variablesReference');
    const name = str('setVariable', a, 'name');
    const text = str('setVariable', a, 'value');
    const t = this.need();
    this.needStopped();
    response.body = { value: this.vars!.set(t, ref, name, text) };
    this.reverse?.history.edited();
    this.stacks.clear();
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const a = argsOf('evaluate', args);
    const expression = str('evaluate', a, 'expression');
    const t = this.need();
    let ctx = t.evalContext(0);
    let hart = 0;
    if (a.frameId !== undefined) {
      const f = this.frameOf('evaluate', a);
      hart = f.hart;
      ctx = frameContext(t, hart, f.frame);
    }
    const command = a.context === 'repl' ? replCommand(t, expression, hart, ctx) : undefined; // adapter/repl: help, vms, cache, tlb, csr, features
    if (command !== undefined) return this.sendResponse(Object.assign(response, { body: { result: command, variablesReference: 0 } }));
    if (expression.trim() === 'help') {
      response.body = { result: HELP, variablesReference: 0 };
      return this.sendResponse(response);
    }
    try {
      const spaced = evaluateInSpace(t, expression, ctx);
      if (spaced !== undefined) {
        response.body = spaced;
        return this.sendResponse(response);
      }
      const { value: r, asids } = t.withKeysUsed(() => evaluate(expression, ctx));
      const ref = r.address ?? r.value >>> 0;
      // A guest's memory is read as it sees it (decrypted): say so when its policy has NODBG (cvm-model 5.6).
      response.body = { result: withNotes(formatValue(r.value), nodbgNotes(t.machine, asids)), variablesReference: 0, type: r.signed ? 'int32' : 'uint32' };
      // Addresses in expressions are the hart's own (virtual when it translates).
      const own = t.forHart(hart);
      if (own.read(ref, 1) !== undefined) response.body.memoryReference = t.translated(hart) ? formatMemoryReference({ space: { kind: 'va', hart }, address: ref }) : physRef(ref);
    } catch (e) {
      if (e instanceof EvalError) fail(`${expression}: ${e.message}`, ERR.evaluate);
      throw e;
    }
    this.sendResponse(response);
  }

  // --- Memory and disassembly.

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const t = this.need();
    const { body, asids } = readMemory(t, argsOf('readMemory', args));
    response.body = body;
    this.sendResponse(response);
    // The memory view has no place for a note: the Debug Console gets it, once per stop and ASID.
    const fresh = asids.filter((a) => !this.notedAsids.has(a));
    for (const a of fresh) this.notedAsids.add(a);
    for (const note of nodbgNotes(t.machine, fresh)) this.sendEvent(new OutputEvent(`vmscope: memory view: ${note}\n`, 'console'));
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    response.body = writeMemory(this.need(), argsOf('writeMemory', args));
    this.reverse?.history.edited();
    this.stacks.clear();
    this.sendResponse(response);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const a = argsOf('disassemble', args);
    const ref = parseMemoryReference(a.memoryReference);
    if (typeof ref === 'string') fail(`'disassemble': ${ref}`);
    const count = int('disassemble', a, 'instructionCount');
    if (count < 0 || count > 10_000) fail(`'disassemble': instructionCount must be 0..10000, got ${count}`);
    const base = (ref.address + int('disassemble', a, 'offset', 0)) >>> 0;
    const resolve = a.resolveSymbols === undefined ? true : a.resolveSymbols === true;
    // In the reference's space: a guest's code through its translation, with its symbols.
    response.body = { instructions: disassembleRange(this.need().forSpace(ref.space), base, int('disassemble', a, 'instructionOffset', 0), count, resolve) };
    this.sendResponse(response);
  }

  // --- Helpers.

  private need(): Target {
    if (!this.target) fail('no program is loaded yet: send a launch request first', ERR.noProgram);
    return this.target;
  }

  private needStopped(): void {
    this.need();
    if (this.run!.finished) fail('the program has ended', ERR.notStopped);
    if (this.run!.running || this.reverse?.running) fail('the machine is running: pause it first', ERR.notStopped);
  }

  private hartOf(command: string, a: Record<string, unknown>): number {
    const id = int(command, a, 'threadId');
    const hart = hartOfThread(id);
    if (!this.need().machine.harts[hart]) fail(`'${command}': no hart with thread id ${id} (threads are harts, ids 1..${this.need().machine.harts.length})`, ERR.noSuchThread);
    return hart;
  }
}
