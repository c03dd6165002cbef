/** Stepping by line and by instruction, pause of a guest that loops forever. */
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, DBG_ELF, line, runToLine, stepAndWait, top } from './helpers';

describe('debug adapter: stepping', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('steps over a call by line (next): from the call line to the next line of the same function', async () => {
    await runToLine(dc, [line('CALL')]);
    const e = await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('step');
    const f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('COUNTER'));
  });

  it('stops a next at a breakpoint inside the call it steps over', async () => {
    await runToLine(dc, [line('CALL'), line('SQUARE-RET')]);
    const e = await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('breakpoint');
    expect((await top(dc)).line).toBe(line('SQUARE-RET'));
  });

  it('steps into a call by line (stepIn) and back out (stepOut)', async () => {
    await runToLine(dc, [line('CALL')]);
    await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1 }));
    let f = await top(dc);
    expect(f.name).toBe('square');
    expect(f.line).toBe(line('SQUARE')); // past the prologue, on the first line of the body
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect((await top(dc)).line).toBe(line('SQUARE-RET'));
    await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('CALL')); // back in the middle of the call line
    const st = await dc.stackTraceRequest({ threadId: 1 });
    expect(st.body.stackFrames[1]!.name).toBe('main');
  });

  it('steps out of main into the startup code, across a function without CFI', async () => {
    await runToLine(dc, [line('MAIN-STORE')]);
    await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    const f = await top(dc);
    expect(f.name).toBe('_start');
    expect(f.source?.name).toBe('crt0.S');
  });

  it('steps by instruction (granularity instruction): one instruction, 2 or 4 bytes on', async () => {
    await runToLine(dc, [line('CALL')]);
    const before = Number((await top(dc)).instructionPointerReference);
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    const after = Number((await top(dc)).instructionPointerReference);
    expect([2, 4]).toContain(after - before);
    // stepIn by instruction on the call enters square at its first instruction.
    await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    const f = await top(dc);
    expect(f.name).toBe('square');
    const d = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 1 });
    expect(d.body!.instructions[0]!.symbol).toBe('square');
  });

  it('pauses a guest that loops forever, and continues it', async () => {
    await runToLine(dc, [line('MAIN-SPIN')]);
    // Make the guest take the spin() branch: values[1] = 0x5a.
    const v = await dc.evaluateRequest({ expression: '&values' });
    const addr = Number(v.body.result.split(' ')[0]) + 4;
    await dc.customRequest('writeMemory', { memoryReference: `phys:0x${addr.toString(16)}`, data: Buffer.from([0x5a, 0, 0, 0]).toString('base64') });
    await dc.setBreakpointsRequest({ source: { path: (await top(dc)).source!.path! }, breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 300));
    const e = await stepAndWait(dc, () => dc.pauseRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('pause');
    const f = await top(dc);
    expect(f.name).toBe('spin');
    // A line step in a one-line endless loop stays pausable too.
    await dc.nextRequest({ threadId: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const e2 = await stepAndWait(dc, () => dc.pauseRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('pause');
    // After a pause, continue runs on to the next breakpoint (no stale pause).
    await dc.setBreakpointsRequest({ source: { path: f.source!.path! }, breakpoints: [{ line: line('SPIN') }] });
    const e3 = await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect(e3.body.reason).toBe('breakpoint');
  });

  it('refuses to step while running and names the unknown thread', async () => {
    await dc.launch({ program: DBG_ELF, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
    await expect(dc.nextRequest({ threadId: 7 })).rejects.toThrow(/no hart with thread id 7/);
    await expect(dc.stepInRequest({ threadId: 1, granularity: 'word' } as unknown as DebugProtocol.StepInArguments)).rejects.toThrow(/granularity/);
  });
});
