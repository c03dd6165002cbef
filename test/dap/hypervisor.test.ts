/**
 * Hypervisor-aware debugging on examples/minivisor (guests with VMIDs 1 and 2, both linked at GPA
 * 0x80000000): guest symbols (launch attribute `symbols`), per-VMID source breakpoints, thread names,
 * the stitched stack of a VM exit, exception breakpoints, gpa:/va: memory and guest expressions.
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
const LIB_C = path.join(M, 'guest/lib.c');
const LAUNCH = {
  program: path.join(M, 'minivisor.elf'),
  symbols: [{ program: path.join(M, 'guest-a.elf'), vmid: 1 }, { program: path.join(M, 'guest-b.elf'), vmid: 2 }],
};

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no '${text}' in ${file}`);
  return i + 1;
}

const guestImage = (name: string) => loadElf(fs.readFileSync(path.join(M, name)));

async function start(dc: DebugClient, bps: { path: string; line: number }[], filters: string[] = []): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 30_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      for (const file of new Set(bps.map((b) => b.path))) {
        await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: bps.filter((b) => b.path === file).map((b) => ({ line: b.line })) });
      }
      await dc.setExceptionBreakpointsRequest({ filters });
      await dc.configurationDoneRequest();
    }),
    dc.launch(LAUNCH as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function threadName(dc: DebugClient): Promise<string> {
  return (await dc.threadsRequest()).body.threads[0]!.name;
}

async function cont(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 30_000);
  await dc.continueRequest({ threadId: 1 });
  return (await stopped) as DebugProtocol.StoppedEvent;
}

describe('debug adapter: hypervisor guests (minivisor)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('stops at a guest-a source line in VS-mode, VMID 1, with the guest\'s source, stack and symbols', async () => {
    const hello = lineOf(GUEST_A_C, 'say("hello from guest a');
    const e = await start(dc, [{ path: GUEST_A_C, line: hello }]);
    expect(e.body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames[0]!.name).toBe('main');
    expect(frames[0]!.source?.path).toBe(GUEST_A_C);
    expect(frames[0]!.line).toBe(hello);
    expect(frames[0]!.instructionPointerReference).toMatch(/^va:0:0x800002[0-9a-f]{2}$/);
    expect(frames[1]!.name).toBe('_start');
    // Disassembly of the guest pc reads the guest's code (through the hart's translation).
    const dis = await dc.disassembleRequest({ memoryReference: frames[0]!.instructionPointerReference!, instructionCount: 1 });
    expect(dis.body!.instructions[0]!.location?.path).toBe(GUEST_A_C);
    // Expressions in the guest's context see the guest's symbols.
    const mainA = guestImage('guest-a.elf').symbols.find((s) => s.name === 'main')!.value;
    const ev = await dc.evaluateRequest({ expression: '&main', frameId: frames[0]!.id });
    expect(Number(ev.body.result.split(' ')[0])).toBe(mainA);
    expect(ev.body.memoryReference).toBe(`va:0:0x${mainA.toString(16)}`);
    // Guest b's symbols through its space; `help` documents the spaces.
    const mainB = guestImage('guest-b.elf').symbols.find((s) => s.name === 'main')!.value;
    const evB = await dc.evaluateRequest({ expression: '&main @gpa:2', frameId: frames[0]!.id });
    expect(Number(evB.body.result.split(' ')[0])).toBe(mainB);
    expect((await dc.evaluateRequest({ expression: 'help', context: 'repl' })).body.result).toMatch(/gpa:<vmid>:0x/);
    // `next` steps over say() (its SBI calls are VM exits the hypervisor handles) to the guest's next line.
    const stopped = dc.waitForEvent('stopped', 30_000);
    await dc.nextRequest({ threadId: 1 });
    expect(((await stopped) as DebugProtocol.StoppedEvent).body.reason).toBe('step');
    const after = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    expect(after.source?.path).toBe(GUEST_A_C);
    expect(after.line).toBe(lineOf(GUEST_A_C, 'dev_say("guest a writes'));
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
  });

  it('reads the guest\'s memory in gpa:1: and va:0: as the guest sees it (not the host\'s at the same address)', async () => {
    await start(dc, [{ path: GUEST_A_C, line: lineOf(GUEST_A_C, 'say("hello from guest a') }]);
    const text = Buffer.from('hello from guest a');
    const img = guestImage('guest-a.elf');
    let addr = -1;
    for (const seg of img.segments) {
      const at = Buffer.from(seg.data).indexOf(text);
      if (at >= 0) addr = seg.paddr + at;
    }
    expect(addr).toBeGreaterThan(0x80000000);
    const read = async (ref: string) => {
      const r = await dc.customRequest('readMemory', { memoryReference: ref, count: text.length }) as DebugProtocol.ReadMemoryResponse;
      return Buffer.from(r.body!.data!, 'base64');
    };
    const hex = addr.toString(16);
    expect((await read(`gpa:1:0x${hex}`)).equals(text)).toBe(true);
    expect((await read(`va:0:0x${hex}`)).equals(text)).toBe(true);
    expect((await read(`phys:0x${hex}`)).equals(text)).toBe(false);
    const word = await dc.evaluateRequest({ expression: `gpa:1:0x${hex}` });
    expect(Number(word.body.result.split(' ')[0])).toBe(text.readUInt32LE(0));
    expect(word.body.memoryReference).toBe(`gpa:1:0x${hex.padStart(8, '0')}`);
    // Unmapped guest-physical memory is unreadable, not an error.
    const none = await dc.customRequest('readMemory', { memoryReference: 'gpa:1:0x20000000', count: 8 }) as DebugProtocol.ReadMemoryResponse;
    expect(none.body!.unreadableBytes).toBe(8);
  });

  it('a guest-a breakpoint does not stop guest b at the same pc', async () => {
    // count_primes of guest a starts where guest b's main runs (both images at GPA 0x80000000).
    const line = lineOf(GUEST_A_C, 'static u32 count_primes');
    const b = guestImage('guest-b.elf').symbols.find((s) => s.name === 'main')!;
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    const e = await start(dc, [{ path: GUEST_A_C, line }]);
    expect(e.body.reason).toBe('breakpoint');
    const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
    const pc = Number(top.instructionPointerReference!.replace(/^va:0:/, ''));
    expect(pc).toBeGreaterThanOrEqual(b.value);
    expect(pc).toBeLessThan(b.value + b.size);
    // Guest b ran its main (through this pc) before guest a got here.
    expect(output.join('')).toContain('[b] hello from guest b');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    expect(top.name).toBe('count_primes');
  });

  it('a breakpoint in a file both guests have (lib.c) stops in each VMID', async () => {
    const line = lineOf(LIB_C, 'vformat(sbi_console_putchar, fmt, ap);');
    let e = await start(dc, [{ path: LIB_C, line }]);
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      expect(e.body.reason).toBe('breakpoint');
      seen.add(await threadName(dc));
      const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
      expect(top.source?.path).toBe(LIB_C);
      if (seen.size < 2) e = await cont(dc);
    }
    expect([...seen].sort()).toEqual(['hart 0: VS-mode, VMID 1 (guest-a)', 'hart 0: VS-mode, VMID 2 (guest-b)']);
  });

  it('a condition on hgatp.VMID keeps a shared-file breakpoint to one guest', async () => {
    const line = lineOf(LIB_C, 'vformat(sbi_console_putchar, fmt, ap);');
    const stopped = dc.waitForEvent('stopped', 30_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [{ line, condition: '((hgatp >> 22) & 0x7f) == 2' }] });
        await dc.configurationDoneRequest();
      }),
      dc.launch(LAUNCH as DebugProtocol.LaunchRequestArguments),
    ]);
    expect(((await stopped) as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 2 (guest-b)');
  });

  it('the ecall-from-VS exception breakpoint stops in the hypervisor with hypervisor, VM-exit and guest frames', async () => {
    const e = await start(dc, [], ['ecall-vs']);
    expect(e.body.reason).toBe('exception');
    expect(e.body.text).toMatch(/^VM exit: ecall from VS-mode/);
    expect(await threadName(dc)).toBe('hart 0: HS-mode');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(frames[0]!.name).toBe('hs_trap_entry');
    expect(frames[0]!.source?.path).toMatch(/hv[/\\]start\.S$/);
    const exit = frames.findIndex((f) => f.presentationHint === 'label');
    expect(exit).toBeGreaterThan(0);
    expect(frames[exit]!.name).toMatch(/^VM exit: ecall from VS-mode \(guest pc 0x8000[0-9a-f]{4}, VMID [12]\)$/);
    const guest = frames[exit + 1]!;
    expect(guest.name).toMatch(/^sbi_call \(guest-[ab], VMID [12]/);
    expect(guest.source?.path).toBe(LIB_C);
    expect(guest.line).toBe(lineOf(LIB_C, 'ecall'));
    expect(frames.length).toBe(exit + 2);
    // The guest frame's code, disassembled in its guest-physical space.
    expect(guest.instructionPointerReference).toMatch(/^gpa:[12]:0x8000[0-9a-f]{4}$/);
    const dis = await dc.disassembleRequest({ memoryReference: guest.instructionPointerReference!, instructionCount: 1 });
    expect(dis.body!.instructions[0]!.instruction).toBe('ecall');
    // Deeper in the hypervisor (its exit handler), the hypervisor's own frames come first.
    const bp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'exit_sbi_call' }] });
    expect(bp.body.breakpoints[0]!.verified).toBe(true);
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const e2 = await cont(dc);
    expect(e2.body.reason).toBe('function breakpoint');
    const f2 = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    expect(f2.map((f) => f.name).slice(0, 2)).toEqual(['exit_sbi_call', 'hs_handle_exit']);
    const label = f2.findIndex((f) => f.presentationHint === 'label');
    expect(label).toBeGreaterThanOrEqual(2);
    expect(f2[label + 1]!.source?.path).toBe(LIB_C);
    expect((await dc.scopesRequest({ frameId: f2[label]!.id })).body.scopes).toEqual([]);
    // The guest frame evaluates in the guest's symbols and guest-physical memory.
    const sym = f2[label + 1]!.name.includes('guest-a') ? 'guest-a.elf' : 'guest-b.elf';
    const ev = await dc.evaluateRequest({ expression: '&say', frameId: f2[label + 1]!.id });
    expect(Number(ev.body.result.split(' ')[0])).toBe(guestImage(sym).symbols.find((s) => s.name === 'say')!.value);
  });
});
