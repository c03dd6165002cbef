/**
 * Stepping across VM entries and exits on examples/minivisor (adapter/README.md): sret into a guest
 * and a trap out of it are stepped like a call and its return; frame ids are unique per stop.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, ROOT, stepAndWait } from './helpers';

const M = path.join(ROOT, 'examples/minivisor');
const GUEST_A_C = path.join(M, 'guest/guest-a.c');
const LIB_C = path.join(M, 'guest/lib.c');
const CRT0_S = path.join(M, 'guest/crt0.S');
const LAUNCH = {
  program: path.join(M, 'minivisor.elf'),
  symbols: [{ program: path.join(M, 'guest-a.elf'), vmid: 1 }, { program: path.join(M, 'guest-b.elf'), vmid: 2 }],
};

function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no '${text}' in ${file}`);
  return i + 1;
}

async function start(dc: DebugClient, setUp: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 30_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await setUp();
      await dc.configurationDoneRequest();
    }),
    dc.launch(LAUNCH as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

const threadName = async (dc: DebugClient): Promise<string> => (await dc.threadsRequest()).body.threads[0]!.name;
const frames = async (dc: DebugClient): Promise<DebugProtocol.StackFrame[]> => (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;

/** Run to the sret of vcpu_enter (the first VM entry, into guest-a) and stop on it. */
async function toSret(dc: DebugClient): Promise<void> {
  const e = await start(dc, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'vcpu_enter' }] }));
  expect(e.body.reason).toBe('function breakpoint');
  const at = (await frames(dc))[0]!.instructionPointerReference!;
  const dis = await dc.disassembleRequest({ memoryReference: at, instructionCount: 80 });
  const sret = dis.body!.instructions.find((i) => i.instruction.startsWith('sret'));
  expect(sret).toBeDefined();
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: sret!.address }] });
  const e2 = await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
  expect(e2.body.reason).toBe('instruction breakpoint');
  await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
  expect(await threadName(dc)).toBe('hart 0: HS-mode');
}

/** The stack of a VM exit: hs_trap_entry on top, a VM-exit label and the guest's frame. */
async function expectAtExit(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  expect(await threadName(dc)).toBe('hart 0: HS-mode');
  const f = await frames(dc);
  expect(f[0]!.name).toBe('hs_trap_entry');
  const label = f.findIndex((x) => x.presentationHint === 'label');
  expect(label).toBeGreaterThan(0);
  expect(f[label]!.name).toMatch(/^VM exit: /);
  return f;
}

describe('debug adapter: stepping across VM entries and exits (minivisor)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('step in on the sret of a VM entry stops at the guest\'s first instruction, with the guest\'s source', async () => {
    await toSret(dc);
    const e = await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('step');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    const top = (await frames(dc))[0]!;
    expect(top.source?.path).toMatch(/minivisor[/\\]guest[/\\]/);
    expect(top.line).toBeGreaterThan(0);
  });

  it('next over the sret runs the guest until it exits and stops at the trap handler with the stitched stack', async () => {
    await toSret(dc);
    const e = await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('step');
    const f = await expectAtExit(dc);
    expect(f[f.length - 1]!.name).toMatch(/guest-a, VMID 1/);
  });

  it('step out in a guest\'s outermost frame (_start: no known caller) runs until the guest exits (the handler\'s first instruction)', async () => {
    const sp = lineOf(CRT0_S, 'la sp, __stack_top');
    const e = await start(dc, () => dc.setBreakpointsRequest({ source: { path: CRT0_S }, breakpoints: [{ line: sp }] }));
    expect(e.body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toMatch(/VS-mode, VMID [12]/);
    await dc.setBreakpointsRequest({ source: { path: CRT0_S }, breakpoints: [] });
    const e2 = await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('step');
    await expectAtExit(dc);
  });

  it('step out of main in a guest returns to its caller, _start in crt0.S (the program\'s end runs meanwhile)', async () => {
    const hello = lineOf(GUEST_A_C, 'say("hello from guest a');
    const e = await start(dc, () => dc.setBreakpointsRequest({ source: { path: GUEST_A_C }, breakpoints: [{ line: hello }] }));
    expect(e.body.reason).toBe('breakpoint');
    await dc.setBreakpointsRequest({ source: { path: GUEST_A_C }, breakpoints: [] });
    const e2 = await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('step');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    const top = (await frames(dc))[0]!;
    expect(top.name).toBe('_start');
    expect(top.source?.path).toBe(CRT0_S);
  });

  it('step out of a guest\'s say() returns to main in the same guest, through the VM exits of its SBI calls', async () => {
    const body = lineOf(LIB_C, 'va_start(ap, fmt);');
    const e = await start(dc, () => dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [{ line: body }] }));
    expect(e.body.reason).toBe('breakpoint');
    const name = await threadName(dc);
    expect(name).toMatch(/VS-mode, VMID [12]/);
    const inSay = (await frames(dc))[0]!;
    expect(inSay.name).toBe('say');
    expect(inSay.line).toBe(body);
    await dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [] });
    const e2 = await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('step');
    expect(e2.body.threadId).toBe(1);
    expect(await threadName(dc)).toBe(name);
    const top = (await frames(dc))[0]!;
    expect(top.name).toBe('main');
    expect(top.source?.path).toMatch(/minivisor[/\\]guest[/\\]guest-[ab]\.c$/);
  });

  it('step in on an ecall in a guest stops in the hypervisor\'s trap handler', async () => {
    const ecall = lineOf(LIB_C, '"ecall"');
    const e = await start(dc, () => dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [{ line: ecall }] }));
    expect(e.body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toMatch(/VS-mode/);
    await dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [] });
    const e2 = await stepAndWait(dc, () => dc.stepInRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('step');
    const f = await expectAtExit(dc);
    expect(f[f.length - 1]!.line).toBe(ecall);
  });

  it('next over an ecall in a guest stays in the guest and goes on to its next line', async () => {
    const ecall = lineOf(LIB_C, '"ecall"');
    await start(dc, () => dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [{ line: ecall }] }));
    const name = await threadName(dc);
    expect(name).toMatch(/VS-mode, VMID [12]/);
    await dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [] });
    const e = await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    expect(e.body.reason).toBe('step');
    expect(await threadName(dc)).toBe(name);
    const top = (await frames(dc))[0]!;
    expect(top.source?.path).toBe(LIB_C);
    expect(top.line).not.toBe(ecall);
  });

  it('step out of the hypervisor\'s exit handler runs to the sret and stops at the guest\'s next instruction', async () => {
    const e = await start(dc, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'exit_sbi_call' }] }));
    expect(e.body.reason).toBe('function breakpoint');
    const f = await frames(dc);
    const label = f.find((x) => x.presentationHint === 'label')!;
    const guestPc = Number(/guest pc (0x[0-9a-f]+), VMID (\d)/.exec(label.name)![1]);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const e2 = await stepAndWait(dc, () => dc.stepOutRequest({ threadId: 1 }));
    expect(e2.body.reason).toBe('step');
    expect(await threadName(dc)).toMatch(/VS-mode, VMID [12]/);
    const top = (await frames(dc))[0]!;
    expect(top.instructionPointerReference).toBe(`va:0:0x${(guestPc + 4).toString(16).padStart(8, '0')}`);
    expect(top.source?.path).toBe(LIB_C);
  });

  it('frame ids change from one stop to the next; an old id is answered with a stale-frame error', async () => {
    const hello = lineOf(GUEST_A_C, 'say("hello from guest a');
    await start(dc, () => dc.setBreakpointsRequest({ source: { path: GUEST_A_C }, breakpoints: [{ line: hello }] }));
    const before = (await frames(dc)).map((f) => f.id);
    expect(new Set(before).size).toBe(before.length);
    // The same stop answers with the same ids.
    expect((await frames(dc)).map((f) => f.id)).toEqual(before);
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    const after = (await frames(dc)).map((f) => f.id);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
    expect((await dc.scopesRequest({ frameId: after[0]! })).body.scopes.length).toBeGreaterThan(0);
    await expect(dc.scopesRequest({ frameId: before[0]! })).rejects.toThrow(/stale frame: the program moved on/);
  });
});
