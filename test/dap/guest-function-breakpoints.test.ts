/**
 * Function breakpoints on guests' functions through a real DAP client on examples/minivisor: names
 * resolve in the hypervisor's symbols and in each `symbols` ELF (guest a = VMID 1, guest b = VMID 2),
 * `1:main` picks one, a name in several tables is set in each, an unknown one says where it looked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadElf } from '../../emulator/api';
import { client, ROOT } from './helpers';

const M = path.join(ROOT, 'examples/minivisor');
const GUEST_A_C = path.join(M, 'guest/guest-a.c');
const GUEST_B_C = path.join(M, 'guest/guest-b.c');
const LAUNCH = {
  program: path.join(M, 'minivisor.elf'),
  symbols: [{ program: path.join(M, 'guest-a.elf'), vmid: 1 }, { program: path.join(M, 'guest-b.elf'), vmid: 2 }],
};

const symbol = (elf: string, name: string) => loadElf(fs.readFileSync(path.join(M, elf))).symbols.find((s) => s.name === name)!;

/** Launch with function breakpoints `names`; returns their answer and the first stop. */
async function start(dc: DebugClient, names: string[]): Promise<{ bps: DebugProtocol.Breakpoint[]; stop: DebugProtocol.StoppedEvent }> {
  let bps: DebugProtocol.Breakpoint[] = [];
  const stopped = dc.waitForEvent('stopped', 30_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      bps = (await dc.setFunctionBreakpointsRequest({ breakpoints: names.map((name) => ({ name })) })).body.breakpoints;
      await dc.configurationDoneRequest();
    }),
    dc.launch(LAUNCH as DebugProtocol.LaunchRequestArguments),
  ]);
  return { bps, stop: (await stopped) as DebugProtocol.StoppedEvent };
}

async function where(dc: DebugClient): Promise<{ thread: string; frames: DebugProtocol.StackFrame[] }> {
  return {
    thread: (await dc.threadsRequest()).body.threads[0]!.name,
    frames: (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames,
  };
}

async function cont(dc: DebugClient): Promise<void> {
  const stopped = dc.waitForEvent('stopped', 30_000);
  await dc.continueRequest({ threadId: 1 });
  await stopped;
}

describe('debug adapter: function breakpoints on guest functions (minivisor)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('a function only guest a has (count_primes) stops in VMID 1 with guest frames', async () => {
    const { bps, stop } = await start(dc, ['count_primes']);
    expect(bps[0]!.verified).toBe(true);
    expect(bps[0]!.message).toBeUndefined();
    expect(bps[0]!.source?.path).toBe(GUEST_A_C);
    expect(stop.body.reason).toBe('function breakpoint');
    expect(stop.body.hitBreakpointIds).toEqual([bps[0]!.id]);
    const { thread, frames } = await where(dc);
    expect(thread).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    expect(frames.map((f) => f.name).slice(0, 2)).toEqual(['count_primes', 'main']);
    expect(frames[0]!.source?.path).toBe(GUEST_A_C);
    expect(frames[1]!.source?.path).toBe(GUEST_A_C);
    // A guest virtual address, inside guest a's count_primes.
    const pc = Number(frames[0]!.instructionPointerReference!.replace(/^va:0:/, ''));
    const fn = symbol('guest-a.elf', 'count_primes');
    expect(pc).toBeGreaterThan(fn.value);
    expect(pc).toBeLessThan(fn.value + fn.size);
  });

  it('`2:say` stops in guest b, though guest a calls its say, at the same address, first', async () => {
    expect(symbol('guest-b.elf', 'say').value).toBe(symbol('guest-a.elf', 'say').value);
    const { bps, stop } = await start(dc, ['2:say']);
    expect(bps[0]!.verified).toBe(true);
    expect(bps[0]!.message).toBeUndefined();
    expect(bps[0]!.source?.path).toBe(path.join(M, 'guest/lib.c'));
    expect(stop.body.reason).toBe('function breakpoint');
    const { thread, frames } = await where(dc);
    expect(thread).toBe('hart 0: VS-mode, VMID 2 (guest-b)');
    expect(frames.map((f) => f.name).slice(0, 2)).toEqual(['say', 'main']);
    expect(frames[1]!.source?.path).toBe(GUEST_B_C);
    // guest-b.c's first line is its first say().
    expect(frames[1]!.line).toBe(fs.readFileSync(GUEST_B_C, 'utf8').split('\n').findIndex((l) => l.includes('say("hello from guest b')) + 1);
  });

  it('a name in both guests (main) is set in each, says so, and stops in each VMID', async () => {
    const { bps, stop } = await start(dc, ['main']);
    expect(bps[0]!.verified).toBe(true);
    expect(bps[0]!.message).toBe("'main' is in 2 symbol tables: guest-a (VMID 1), guest-b (VMID 2); the breakpoint stops in each (pick one as 1:main)");
    expect(stop.body.reason).toBe('function breakpoint');
    const seen = [(await where(dc)).thread];
    await cont(dc);
    seen.push((await where(dc)).thread);
    expect(seen).toEqual(['hart 0: VS-mode, VMID 1 (guest-a)', 'hart 0: VS-mode, VMID 2 (guest-b)']);
    expect((await where(dc)).frames[0]!.source?.path).toBe(GUEST_B_C);
  });

  it('unknown and misqualified names are unverified with the tables searched; `host:` picks the hypervisor', async () => {
    const { bps, stop } = await start(dc, ['no_such_function', '3:main', 'host:main', '200:main', 'host:exit_sbi_call']);
    expect(bps.map((b) => b.verified)).toEqual([false, false, false, false, true]);
    expect(bps[0]!.message).toBe("no function 'no_such_function' in the symbol tables searched: the main program (host), guest-a (VMID 1), guest-b (VMID 2)");
    expect(bps[1]!.message).toBe("no function 'main' in the symbol table searched: VMID 3 (no `symbols` entry: the main program's symbols)");
    expect(bps[2]!.message).toBe("no function 'main' in the symbol table searched: the main program (host)");
    expect(bps[3]!.message).toMatch(/a VMID is 0\.\.127/);
    expect(bps[4]!.source?.path).toBe(path.join(M, 'hv/minivisor.c'));
    expect(stop.body.reason).toBe('function breakpoint');
    const { thread, frames } = await where(dc);
    expect(thread).toBe('hart 0: HS-mode');
    expect(frames[0]!.name).toBe('exit_sbi_call');
  });
});
