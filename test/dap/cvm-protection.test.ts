/**
 * Register protection and integrity through a real DAP client (cvm-model 6; emulator/cvm/README.md):
 * test/dap-programs/cvm-protection.S launches an ES | SNP guest from its VM save area; the exception
 * breakpoints "Register-protection exit or #VC" and "Integrity fault (RMP)" stop at the #VC the guest
 * takes for an intercept, at its ecall exit (registers already saved and cleared), and at the
 * hypervisor's store into the guest's page.
 */
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, register, ROOT, top } from './helpers';

const PROGRAM = path.join(ROOT, 'test/dap-programs/cvm-protection.S');
const CONFIG = path.join(ROOT, 'test/dap-programs/cvm-protection.vmscope.json');

async function launch(dc: DebugClient, filters: string[]): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      const r = await dc.setExceptionBreakpointsRequest({ filters });
      expect(r.body?.breakpoints?.every((b) => b.verified)).toBe(true);
      await dc.configurationDoneRequest();
    }),
    dc.launch({ program: PROGRAM, config: CONFIG } as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function next(dc: DebugClient): Promise<DebugProtocol.Event> {
  const ev = Promise.race([dc.waitForEvent('stopped', 20_000), dc.waitForEvent('terminated', 20_000)]);
  await dc.continueRequest({ threadId: 1 });
  return ev;
}

const text = (e: DebugProtocol.Event): string => (e as DebugProtocol.StoppedEvent).body.text ?? (e as DebugProtocol.StoppedEvent).body.description ?? '';

describe('debug adapter: register protection and integrity (cvm-protection.S)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('stops at the #VC, at the protected exit with the registers cleared, and at the integrity fault', async () => {
    let e: DebugProtocol.Event = await launch(dc, ['register-protection', 'integrity-fault']);
    expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('exception');
    expect(text(e)).toBe('#VC reflected into the guest: virtual instruction');
    expect((await top(dc)).instructionPointerReference).toMatch(/^va:0:0x8000/); // in the guest's vctrap

    e = await next(dc);
    expect(text(e)).toMatch(/^VM exit: ecall from VS-mode \(trap to M-mode; register protection saved the guest's registers to its VMSA at 0x80008000 and cleared them\)$/);
    expect(await register(dc, 'a2')).toBe(0); // the guest had its secret's word in a2: the hypervisor sees 0
    expect(await register(dc, 'sp')).toBe(0);
    // The stitched stack still shows where the guest was: the debugger reads the VMSA (a hypervisor could not).
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const label = frames.findIndex((f) => f.presentationHint === 'label');
    expect(frames[label]!.name).toMatch(/^VM exit: ecall from VS-mode \(guest pc 0x800020[0-9a-f]{2} and registers from the VMSA, VMID 1: a real hypervisor could not see them\)$/);
    expect(frames[label + 1]!.name).toMatch(/^guest_ecall \(VMID 1; its registers from the VMSA\)$/);
    expect(frames[label + 1]!.instructionPointerReference).toBeDefined();

    e = await next(dc);
    expect(text(e)).toBe('integrity fault (trap to M-mode)');
    expect((await top(dc)).name).toMatch(/mtrap/);

    e = await next(dc);
    expect(e.event).toBe('terminated');
  });

  it('watches guest memory named in any address space: a write of the guest\'s private page stops there', async () => {
    const e0 = await launch(dc, ['integrity-fault']); // the first stop: after the guest ran
    expect(text(e0)).toBe('integrity fault (trap to M-mode)');
    for (const name of ['gpa:1:0x80003000', 'dec:1:0x80003000', 'phys:0x80003000']) {
      const info = await dc.dataBreakpointInfoRequest({ name, variablesReference: undefined } as DebugProtocol.DataBreakpointInfoArguments);
      expect(info.body.dataId, name).toBe('phys:0x80003000:4');
    }
    const bad = await dc.dataBreakpointInfoRequest({ name: 'dec:200:0x80003000' } as DebugProtocol.DataBreakpointInfoArguments);
    expect(bad.body.dataId).toBeNull();
    expect(bad.body.description).toMatch(/ASID from 1 to 127/);
  });

  it('the protection filters are offered and can be combined with the others', async () => {
    const e = await launch(dc, ['integrity-fault']);
    expect(text(e)).toBe('integrity fault (trap to M-mode)');
  });
});
