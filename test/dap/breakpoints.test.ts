/** Source, function, conditional, hit-count, log and data breakpoints through a real DAP client. */
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, DBG_C, DBG_ELF, line, register, runToLine, stepAndWait, top } from './helpers';

describe('debug adapter: breakpoints', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('hits a source breakpoint and shows the stack with files and lines (square <- accumulate <- main)', async () => {
    const e = await runToLine(dc, [line('SQUARE')]);
    expect(e.body.reason).toBe('breakpoint');
    expect(e.body.threadId).toBe(1);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const frames = st.body.stackFrames;
    expect(frames.map((f) => f.name).slice(0, 3)).toEqual(['square', 'accumulate', 'main']);
    expect(frames[0]!.line).toBe(line('SQUARE'));
    expect(frames[0]!.source?.path).toBe(DBG_C);
    expect(frames[1]!.line).toBe(line('CALL'));
    expect(frames[2]!.line).toBe(line('MAIN-CALL'));
    expect(frames[0]!.instructionPointerReference).toMatch(/^0x8000[0-9a-f]{4}$/);
    expect(await register(dc, 'a0')).toBe(0); // square(0)
  });

  it('verifies a breakpoint on a line without code at the next line with code, and rejects unknown files', async () => {
    await dc.launch({ program: DBG_ELF, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    const r = await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE') - 2 }, { line: 1 }] });
    expect(r.body.breakpoints[0]!.verified).toBe(true);
    expect(r.body.breakpoints[0]!.line).toBeGreaterThan(line('SQUARE') - 2);
    const other = await dc.setBreakpointsRequest({ source: { path: '/nowhere/other.c' }, breakpoints: [{ line: 3 }] });
    expect(other.body.breakpoints[0]!.verified).toBe(false);
    expect(other.body.breakpoints[0]!.message).toMatch(/not a source file/);
  });

  it('lists the lines of a range where breakpoints can go (breakpointLocations)', async () => {
    await dc.launch({ program: DBG_ELF, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    const r = await dc.customRequest('breakpointLocations', { source: { path: DBG_C }, line: line('SQUARE') - 2, endLine: line('ACC-START') }) as DebugProtocol.BreakpointLocationsResponse;
    const lines = r.body.breakpoints.map((b) => b.line);
    expect(lines).toEqual(expect.arrayContaining([line('SQUARE'), line('SQUARE-RET'), line('ACC-START')]));
    expect(lines).not.toContain(line('SQUARE') - 2); // a blank line
  });

  it('stops at a conditional breakpoint only when the condition holds (a0 == 3)', async () => {
    const stopped = dc.waitForEvent('stopped', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE'), condition: 'a0 == 3 && pc != 0' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: DBG_ELF } as DebugProtocol.LaunchRequestArguments),
    ]);
    await stopped;
    expect(await register(dc, 'a0')).toBe(3);
  });

  it('counts hits: hitCondition 4 stops on the 4th call, then every later one', async () => {
    const stopped = dc.waitForEvent('stopped', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE'), hitCondition: '4' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: DBG_ELF } as DebugProtocol.LaunchRequestArguments),
    ]);
    await stopped;
    expect(await register(dc, 'a0')).toBe(3);
    await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect(await register(dc, 'a0')).toBe(4);
  });

  it('logs a logpoint message with {a0} interpolated, without stopping', async () => {
    const logs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.output.startsWith('square(')) logs.push(e.body.output);
    });
    const exited = dc.waitForEvent('exited', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE'), logMessage: 'square({a0}) {{x}}' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: DBG_ELF } as DebugProtocol.LaunchRequestArguments),
    ]);
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    expect(logs).toEqual([0, 1, 2, 3, 4].map((i) => `square(${i}) {x}\n`));
  });

  it('stops at a function breakpoint after the prologue, on the first line of the body', async () => {
    const stopped = dc.waitForEvent('stopped', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'accumulate' }, { name: 'no_such_fn' }] });
        expect(r.body.breakpoints.map((b) => b.verified)).toEqual([true, false]);
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: DBG_ELF } as DebugProtocol.LaunchRequestArguments),
    ]);
    const e = (await stopped) as DebugProtocol.StoppedEvent;
    expect(e.body.reason).toBe('function breakpoint');
    const f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('ACC-START'));
  });

  it('stops at an instruction breakpoint set by address', async () => {
    const fn = await runToLine(dc, [line('MAIN-CALL')]);
    expect(fn.body.reason).toBe('breakpoint');
    const d = await dc.disassembleRequest({ memoryReference: (await top(dc)).instructionPointerReference!, instructionCount: 3 });
    const third = d.body!.instructions[2]!.address;
    const r = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: third }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    expect(r.body.breakpoints[0]!.verified).toBe(true);
    const e = await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('instruction breakpoint');
    expect((await top(dc)).instructionPointerReference).toBe(third);
  });

  it('stops on a write to a watched variable (data breakpoint on counter)', async () => {
    await runToLine(dc, [line('MAIN-CALL')]);
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'counter' }) as DebugProtocol.DataBreakpointInfoResponse;
    expect(info.body.dataId).toMatch(/^phys:0x8000[0-9a-f]{4}:4$/);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }] }) as DebugProtocol.SetDataBreakpointsResponse;
    expect(set.body.breakpoints[0]!.verified).toBe(true);
    const e = await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('data breakpoint');
    // The store retired: the hart stands after it, on the loop's `i++` (the line after LINE-ACC-START).
    expect(e.body.text).toMatch(/write of 0x8000[0-9a-f]{4} by the instruction at 0x8000[0-9a-f]{4}/);
    const f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('ACC-START') + 1);
    const ev = await dc.evaluateRequest({ expression: 'counter', context: 'watch' });
    expect(ev.body.result).toMatch(/^0x00000001 /);
    // Registers cannot be watched.
    const reg = await dc.customRequest('dataBreakpointInfo', { name: 'a0', variablesReference: 1 }) as DebugProtocol.DataBreakpointInfoResponse;
    expect(reg.body.dataId).toBeNull();
  });
});

describe('debug adapter: unwinding without .debug_frame', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it.each([
    ['dbg_eh.elf', '.eh_frame CFI'],
    ['dbg_nocfi.elf', 'frame pointers (no CFI at all)'],
  ])('shows square <- accumulate <- main in %s (%s)', async (elf) => {
    await runToLine(dc, [line('SQUARE')], { program: DBG_ELF.replace('dbg.elf', elf) });
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames.slice(0, 3).map((f) => [f.name, f.line])).toEqual([
      ['square', line('SQUARE')], ['accumulate', line('CALL')], ['main', line('MAIN-CALL')],
    ]);
    // Step out works on the unwound frame too.
    await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    expect((await top(dc)).name).toBe('accumulate');
  });

  it('names harts as threads and unwinds each hart on its own (2 harts)', async () => {
    await runToLine(dc, [line('SQUARE')], { harts: 2 });
    const threads = (await dc.threadsRequest()).body.threads;
    expect(threads.map((t) => t.name)).toEqual(['hart 0: M-mode', 'hart 1: M-mode']);
    const other = (await dc.stackTraceRequest({ threadId: 2 })).body.stackFrames;
    expect(other[0]!.source?.name).toBe('crt0.S'); // hart 1 waits in the runtime's park loop
  });
});
