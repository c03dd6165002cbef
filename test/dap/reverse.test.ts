/** Reverse execution through a real DAP client: stepBack, reverseContinue, reverse step in / out. */
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REVERSE_STEP_IN, REVERSE_STEP_OUT } from '../../adapter/protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { client, DBG_C, DBG_ELF, line, register, ROOT, runToLine, stepAndWait, top } from './helpers';

/** All registers of the top frame of a thread (name -> value text). */
async function registers(dc: DebugClient, threadId = 1): Promise<Record<string, string>> {
  const frame = (await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!;
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const regs = scopes.body.scopes.find((s) => s.name === 'Registers')!;
  const vars = await dc.variablesRequest({ variablesReference: regs.variablesReference });
  return Object.fromEntries(vars.body.variables.map((v) => [v.name, v.value]));
}

const pcOf = async (dc: DebugClient, threadId = 1): Promise<number> =>
  Number((await dc.stackTraceRequest({ threadId })).body.stackFrames[0]!.instructionPointerReference);

async function evalNum(dc: DebugClient, expression: string): Promise<number> {
  const r = await dc.evaluateRequest({ expression, frameId: (await top(dc)).id });
  return Number(r.body.result.split(' ')[0]);
}

/** Collects the guest's output (category stdout) for the whole session. */
function collectStdout(dc: DebugClient): () => string {
  let text = '';
  dc.on('output', (e: DebugProtocol.OutputEvent) => {
    if (e.body.category === 'stdout') text += e.body.output;
  });
  return () => text;
}

describe('debug adapter: reverse execution', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('announces supportsStepBack', async () => {
    const r = await dc.initializeRequest();
    expect(r.body?.supportsStepBack).toBe(true);
  });

  it('steps back N instructions through exactly the reverse sequence of pcs and registers', async () => {
    await runToLine(dc, [line('CALL')]);
    const seen: { pc: number; regs: Record<string, string> }[] = [];
    // Through the call into square and 4 instructions of its prologue.
    let inSquare = 0;
    while (inSquare < 4) {
      seen.push({ pc: await pcOf(dc), regs: await registers(dc) });
      await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
      if ((await top(dc)).name === 'square') inSquare++;
      expect(seen.length).toBeLessThan(30);
    }
    const N = seen.length;
    for (let i = N - 1; i >= 0; i--) {
      const e = await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
      expect(e.body.reason).toBe('step');
      expect(await pcOf(dc)).toBe(seen[i]!.pc);
      expect(await registers(dc)).toEqual(seen[i]!.regs);
    }
    expect((await top(dc)).line).toBe(line('CALL'));
  });

  it('reverseContinue from the end of the loop stops at the previous hits of a breakpoint in it, loop variable one less each time', async () => {
    await runToLine(dc, [line('ACC-RET')]);
    expect(await evalNum(dc, 'counter')).toBe(5);
    const bp = await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('ACC-RET') }, { line: line('SQUARE') }] });
    const squareId = bp.body.breakpoints[1]!.id;
    for (const i of [4, 3, 2]) {
      const e = await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
      expect(e.body.reason).toBe('breakpoint');
      expect(e.body.hitBreakpointIds).toEqual([squareId]);
      const f = await top(dc);
      expect(f.name).toBe('square');
      expect(f.line).toBe(line('SQUARE'));
      expect(await register(dc, 'a0')).toBe(i); // square(i)
      expect(await evalNum(dc, 'counter')).toBe(i);
    }
    // Forward again: the recomputed future is the same one.
    const e = await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('breakpoint');
    expect(await register(dc, 'a0')).toBe(3);
  });

  it('reverseContinue honours conditions in the past and, with no hit before, goes to the start', async () => {
    await runToLine(dc, [line('ACC-RET')]);
    await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE'), condition: 'a0 == 1' }] });
    let e = await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
    expect(e.body.reason).toBe('breakpoint');
    expect(await register(dc, 'a0')).toBe(1);
    e = await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
    expect(e.body.reason).toBe('entry');
    expect((await top(dc)).name).toBe('_start');
  });

  it('stepBack at the start stays at the start and says so', async () => {
    const messages: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => messages.push(e.body.output));
    await Promise.all([dc.configurationSequence(), dc.launch({ program: DBG_ELF, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments), dc.waitForEvent('stopped')]);
    const pc = await pcOf(dc);
    const e = await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    expect(e.body.reason).toBe('entry');
    expect(e.body.text).toMatch(/start of the program/);
    expect(await pcOf(dc)).toBe(pc);
    expect(messages.join('')).toMatch(/step back: at the start of the program; there is nothing earlier/);
    // One step forward and two back: the second one stays at the start too.
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    expect(await pcOf(dc)).not.toBe(pc);
    expect((await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }))).body.reason).toBe('step');
    expect(await pcOf(dc)).toBe(pc);
    expect((await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1, granularity: 'instruction' }))).body.reason).toBe('entry');
  });

  it('prints the guest output exactly once in total after going back and running to the end', async () => {
    const stdout = collectStdout(dc);
    await runToLine(dc, [line('MAIN-SPIN')]);
    expect(stdout()).toBe('total 30\n');
    // Back into the loop, a few steps back and forth, then on to the end.
    await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [{ line: line('SQUARE') }] });
    await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
    expect(await register(dc, 'a0')).toBe(4);
    await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1 }));
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [] });
    const exited = dc.waitForEvent('exited');
    const terminated = dc.waitForEvent('terminated');
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    await terminated;
    expect(stdout()).toBe('total 30\n');
  });

  it('steps back by line over a call in the same frame, and reverse step in enters the call that returned', async () => {
    await runToLine(dc, [line('COUNTER')]);
    let e = await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('step');
    let f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('CALL'));
    // Forward to COUNTER again, then reverse step in: into square, at its last line.
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect((await top(dc)).line).toBe(line('COUNTER'));
    e = await stepAndWait(dc, () => dc.customRequest(REVERSE_STEP_IN, { threadId: 1 }));
    expect(e.body.reason).toBe('step');
    f = await top(dc);
    expect(f.name).toBe('square');
    expect(f.line).toBeGreaterThanOrEqual(line('SQUARE-RET'));
    expect(await register(dc, 'a0')).toBe(0); // square(0) returns 0
  });

  it('reverse step out lands at the call site', async () => {
    await runToLine(dc, [line('SQUARE-RET')]);
    await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: [] });
    const e = await stepAndWait(dc, () => dc.customRequest(REVERSE_STEP_OUT, { threadId: 1 }));
    expect(e.body.reason).toBe('step');
    const f = await top(dc);
    expect(f.name).toBe('accumulate');
    expect(f.line).toBe(line('CALL'));
    const d = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 1 });
    expect(d.body!.instructions[0]!.instruction).toMatch(/^(jal|call)\b.*square/);
    // Forward by one instruction from the call site enters square again.
    await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    expect((await top(dc)).name).toBe('square');
    await expect(dc.customRequest(REVERSE_STEP_OUT, { threadId: 9 })).rejects.toThrow(/no hart with thread id 9/);
  });

  it('reverseContinue over ~10M instructions of a guest loop', async () => {
    await runToLine(dc, [line('MAIN-SPIN')]);
    const v = await dc.evaluateRequest({ expression: '&values' });
    const addr = Number(v.body.result.split(' ')[0]) + 4;
    await dc.customRequest('writeMemory', { memoryReference: `phys:0x${addr.toString(16)}`, data: Buffer.from([0x5a, 0, 0, 0]).toString('base64') });
    const start = await evalNum(dc, 'minstret');
    await dc.continueRequest({ threadId: 1 });
    for (let k = 0; k < 100; k++) {
      await new Promise((r) => setTimeout(r, 50));
      await stepAndWait(dc, () => dc.pauseRequest({ threadId: 1 }));
      if ((await evalNum(dc, 'minstret')) - start >= 10_000_000) break;
      await dc.continueRequest({ threadId: 1 });
    }
    const ran = (await evalNum(dc, 'minstret')) - start;
    expect(ran).toBeGreaterThanOrEqual(10_000_000);
    const t0 = performance.now();
    const e = await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
    const ms = performance.now() - t0;
    console.log(`reverseContinue back over ${ran} instructions: ${ms.toFixed(0)} ms`);
    expect(e.body.reason).toBe('breakpoint');
    expect((await top(dc)).line).toBe(line('MAIN-SPIN'));
    expect(await evalNum(dc, 'minstret')).toBe(start);
    expect(await evalNum(dc, '*(uint32*)' + addr)).toBe(0x5a); // the edit made there is part of that instant
  });

  it('pauses a long reverseContinue at the oldest instant it reached', async () => {
    await runToLine(dc, [line('MAIN-SPIN')]);
    const v = await dc.evaluateRequest({ expression: '&values' });
    const addr = Number(v.body.result.split(' ')[0]) + 4;
    await dc.customRequest('writeMemory', { memoryReference: `phys:0x${addr.toString(16)}`, data: Buffer.from([0x5a, 0, 0, 0]).toString('base64') });
    const start = await evalNum(dc, 'minstret');
    await dc.continueRequest({ threadId: 1 });
    for (let k = 0; k < 200; k++) {
      await new Promise((r) => setTimeout(r, 100));
      await stepAndWait(dc, () => dc.pauseRequest({ threadId: 1 }));
      if ((await evalNum(dc, 'minstret')) - start >= 40_000_000) break;
      await dc.continueRequest({ threadId: 1 });
    }
    const end = await evalNum(dc, 'minstret');
    const stopped = dc.waitForEvent('stopped', 20_000);
    await dc.customRequest('reverseContinue', { threadId: 1 });
    await dc.pauseRequest({ threadId: 1 });
    const e = (await stopped) as DebugProtocol.StoppedEvent;
    expect(e.body.reason).toBe('pause');
    const at = await evalNum(dc, 'minstret');
    expect(at).toBeGreaterThan(start);
    expect(at).toBeLessThan(end);
    expect((await top(dc)).name).toBe('spin');
    // From there, reverseContinue goes on to the breakpoint hit.
    const e2 = await stepAndWait(dc, () => dc.customRequest('reverseContinue', { threadId: 1 }));
    expect(e2.body.reason).toBe('breakpoint');
    expect(await evalNum(dc, 'minstret')).toBe(start);
  });

  it('two harts: steps back one hart through its own previous instructions, replaying the other hart\'s steps, and the run still ends right', async () => {
    const program = path.join(ROOT, 'test/programs/atomics_smp.elf');
    const stdout = collectStdout(dc);
    await Promise.all([dc.configurationSequence(), dc.launch({ program, harts: 2, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments), dc.waitForEvent('stopped')]);
    const seen: { pc1: number; regs1: Record<string, string>; pc0: number }[] = [];
    for (let k = 0; k < 6; k++) {
      seen.push({ pc1: await pcOf(dc, 2), regs1: await registers(dc, 2), pc0: await pcOf(dc, 1) });
      await stepAndWait(dc, () => dc.nextRequest({ threadId: 2, granularity: 'instruction' }));
      await stepAndWait(dc, () => dc.nextRequest({ threadId: 1, granularity: 'instruction' }));
    }
    for (let k = 5; k >= 0; k--) {
      const e = await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 2, granularity: 'instruction' }));
      expect(e.body.reason).toBe('step');
      expect(e.body.threadId).toBe(2);
      expect(await pcOf(dc, 2)).toBe(seen[k]!.pc1);
      expect(await registers(dc, 2)).toEqual(seen[k]!.regs1);
      expect(await pcOf(dc, 1)).toBe(seen[k]!.pc0);
    }
    const e = await stepAndWait(dc, () => dc.stepBackRequest({ threadId: 2, granularity: 'instruction' }));
    expect(e.body.reason).toBe('entry');
    const exited = dc.waitForEvent('exited', 30_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
    expect(stdout()).toBe(fs.readFileSync(path.join(ROOT, 'test/programs/atomics_smp.expected'), 'utf8'));
  });
});
