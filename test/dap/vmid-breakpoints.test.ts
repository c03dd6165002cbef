/**
 * Breakpoints limited to a VMID or to the host, through a real DAP client on examples/minivisor
 * (guest a = VMID 1, guest b = VMID 2, both linked at GPA 0x80000000; the hypervisor's own code is
 * at host 0x80000000 too): `vmid`, `host` and `guest` in conditions, the main program's breakpoints
 * only in the host, and conditions that cannot work, answered at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluate as evalExpr, type EvalContext } from '../../adapter/expressions';
import { client, ROOT } from './helpers';

const M = path.join(ROOT, 'examples/minivisor');
const LIB_C = path.join(M, 'guest/lib.c');
const START_S = path.join(M, 'hv/start.S');
const GUEST_A = { program: path.join(M, 'guest-a.elf'), vmid: 1 };
const GUEST_B = { program: path.join(M, 'guest-b.elf'), vmid: 2 };
const MAIN = path.join(M, 'minivisor.elf');

function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no '${text}' in ${file}`);
  return i + 1;
}

/** The line of `say()` that formats: both guests run it, at the same guest addresses. */
const SAY_LINE = lineOf(LIB_C, 'vformat(sbi_console_putchar, fmt, ap);');

type Setup = (dc: DebugClient) => Promise<unknown>;

/** Launch minivisor with `symbols`, run `setup` as the configuration, and wait for the first stop or the end. */
async function start(dc: DebugClient, setup: Setup, symbols = [GUEST_A, GUEST_B]): Promise<DebugProtocol.Event> {
  const first = Promise.race([dc.waitForEvent('stopped', 30_000), dc.waitForEvent('terminated', 30_000)]);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await setup(dc);
      await dc.configurationDoneRequest();
    }),
    dc.launch({ program: MAIN, symbols } as DebugProtocol.LaunchRequestArguments),
  ]);
  return first;
}

async function cont(dc: DebugClient): Promise<DebugProtocol.Event> {
  const next = Promise.race([dc.waitForEvent('stopped', 30_000), dc.waitForEvent('terminated', 30_000)]);
  await dc.continueRequest({ threadId: 1 });
  return next;
}

async function threadName(dc: DebugClient): Promise<string> {
  return (await dc.threadsRequest()).body.threads[0]!.name;
}

async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
}

async function evaluate(dc: DebugClient, expression: string, frameId: number): Promise<number> {
  return Number((await dc.evaluateRequest({ expression, frameId })).body.result.split(' ')[0]);
}

const sourceBp = (file: string, line: number, condition?: string) => (dc: DebugClient) =>
  dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [condition === undefined ? { line } : { line, condition }] });

describe('debug adapter: breakpoints for one VMID or the host (minivisor)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('`vmid == 2` on a line both guests run stops only in guest b, though guest a runs it first', async () => {
    let e = await start(dc, sourceBp(LIB_C, SAY_LINE, 'vmid == 2'));
    for (let i = 0; i < 3; i++) {
      expect(e.event).toBe('stopped');
      expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
      expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 2 (guest-b)');
      const top = await topFrame(dc);
      expect(top.name).toBe('say');
      expect(top.source?.path).toBe(LIB_C);
      expect(top.line).toBe(SAY_LINE);
      // The same names in the Debug Console, with `$`.
      expect(await evaluate(dc, '$vmid', top.id)).toBe(2);
      expect(await evaluate(dc, '$guest', top.id)).toBe(1);
      e = await cont(dc);
    }
  });

  it('combines `vmid` with other conditions: `vmid == 1 && a0 == 0x62` on a guest function', async () => {
    // sbi_console_putchar(c) with c = 'b': guest b prints one in its first line, guest a only later ("below").
    const e = await start(dc, (c) => c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sbi_console_putchar', condition: 'vmid == 1 && a0 == 0x62' }] }));
    expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('function breakpoint');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
    const top = await topFrame(dc);
    expect(top.name).toBe('sbi_console_putchar');
    expect(await evaluate(dc, 'a0', top.id)).toBe(0x62);
  });

  it('`host` keeps a breakpoint on a function the hypervisor and both guests have (put_num) to the hypervisor', async () => {
    let answer: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    let e = await start(dc, async (c) => {
      answer = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'put_num', condition: 'host' }] });
    });
    const bp = answer!.body.breakpoints[0]!;
    expect(bp.verified).toBe(true);
    expect(bp.message).toMatch(/'put_num' is in 3 symbol tables: the main program \(host\), guest-a \(VMID 1\), guest-b \(VMID 2\)/);
    for (let i = 0; i < 3; i++) {
      expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('function breakpoint');
      expect(await threadName(dc)).toBe('hart 0: HS-mode');
      const top = await topFrame(dc);
      expect(top.name).toBe('put_num');
      expect(top.source?.path).toBe(path.join(M, 'hv/console.c'));
      expect(await evaluate(dc, '$host', top.id)).toBe(1);
      expect(await evaluate(dc, '$vmid', top.id)).toBe(0xffffffff);
      e = await cont(dc);
    }
  });

  it('`guest` on the same function stops in a guest, in that guest\'s put_num', async () => {
    const e = await start(dc, (c) => c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'put_num', condition: 'guest' }] }));
    expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('function breakpoint');
    expect(await threadName(dc)).toMatch(/^hart 0: VS-mode, VMID [12] \(guest-[ab]\)$/);
    const top = await topFrame(dc);
    expect(top.name).toBe('put_num');
    expect(top.source?.path).toBe(LIB_C);
  });

  it('a breakpoint in the main program\'s source stops only in the host and in guests that have no `symbols`', async () => {
    // hs_trap_entry's `sw x8, 32(sp)` is at host 0x80000110; guest a (VMID 1) runs code at the same
    // address. With guest a's `symbols` the main program's breakpoint never stops in it ...
    const line = lineOf(START_S, 'sw x8, 32(sp)');
    const output: string[] = [];
    dc.on('output', (ev: DebugProtocol.OutputEvent) => output.push(ev.body.output));
    const e = await start(dc, sourceBp(START_S, line, 'guest'), [GUEST_A, GUEST_B]);
    expect(e.event).toBe('terminated');
    expect(output.join('')).toContain('[hv] all guests are done, powering off');
  });

  it('... without them guest a is debugged with the main program\'s table: it stops in VMID 1', async () => {
    const line = lineOf(START_S, 'sw x8, 32(sp)');
    const e = await start(dc, sourceBp(START_S, line, 'guest'), [GUEST_B]);
    expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1');
  });

  it('... and so it does when `symbols` names the main program as the guest', async () => {
    const line = lineOf(START_S, 'sw x8, 32(sp)');
    const e = await start(dc, sourceBp(START_S, line, 'guest'), [{ program: MAIN, vmid: 1 }, GUEST_B]);
    expect((e as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (minivisor)');
    expect((await topFrame(dc)).line).toBe(line);
  });

  it('answers conditions that cannot work with a message, and goes on serving', async () => {
    let answers: DebugProtocol.Breakpoint[] = [];
    const output: string[] = [];
    dc.on('output', (ev: DebugProtocol.OutputEvent) => output.push(ev.body.output));
    const e = await start(dc, async (c) => {
      answers = (await c.setBreakpointsRequest({
        source: { path: LIB_C },
        breakpoints: [
          { line: SAY_LINE, condition: 'vmid ==' },
          { line: SAY_LINE, condition: 'vmdi == 2' },
          // count_primes is guest a's only: in guest b the condition has no meaning.
          { line: SAY_LINE, condition: 'vmid == 2 || count_primes == 0' },
        ],
      })).body.breakpoints;
      const fn = await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: '1:main', condition: '(a0' }] });
      expect(fn.body.breakpoints[0]!.verified).toBe(false);
      expect(fn.body.breakpoints[0]!.message).toMatch(/^condition '\(a0' in guest-a \(VMID 1\): expected '\)'/);
    });
    expect(answers[0]!.verified).toBe(false);
    expect(answers[0]!.message).toMatch(/^condition 'vmid ==' in guest-a \(VMID 1\): the expression ends too early; conditions are expressions over registers, CSRs, symbols and memory, and vmid \/ host \/ guest/);
    expect(answers[1]!.verified).toBe(false);
    expect(answers[1]!.message).toMatch(/'vmdi' is not a register, CSR or symbol/);
    expect(answers[2]!.verified).toBe(true);
    expect(answers[2]!.message).toMatch(/cannot be evaluated in guest-b \(VMID 2\) \('count_primes' is not a register, CSR or symbol\)/);
    // Only the third is set. In guest a it is false (count_primes is an address); guest b cannot
    // evaluate it, and a hit there stops and says why.
    expect(e.event).toBe('stopped');
    expect(output.join('')).toMatch(/vmscope: breakpoint condition 'vmid == 2 \|\| count_primes == 0': 'count_primes' is not a register, CSR or symbol/);
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 2 (guest-b)');
    // Still serving: a new, valid breakpoint.
    const again = await dc.setBreakpointsRequest({ source: { path: LIB_C }, breakpoints: [{ line: SAY_LINE, condition: 'vmid == 1' }] });
    expect(again.body.breakpoints[0]!.verified).toBe(true);
    expect(again.body.breakpoints[0]!.message).toBeUndefined();
    const next = await cont(dc);
    expect(next.event).toBe('stopped');
    expect(await threadName(dc)).toBe('hart 0: VS-mode, VMID 1 (guest-a)');
  });
});

describe('expressions: vmid, host and guest', () => {
  const ctx = (vmid: number | undefined, bare: boolean, symbols: string[] = []): EvalContext => ({
    reg: () => 3, pc: () => 0, csr: () => undefined, load: () => 0,
    symbol: (n) => (symbols.includes(n) ? { address: 0x80000100, size: 0, isObject: false } : undefined),
    vmid: () => vmid, bareVmNames: bare,
  });
  const ev = (s: string, c: EvalContext) => evalExpr(s, c).value;

  it('are the VMID (-1 in the host) and V, with `$` everywhere and bare in conditions', () => {
    expect(ev('$vmid', ctx(2, false))).toBe(2);
    expect(ev('$vmid', ctx(undefined, false))).toBe(-1);
    expect(ev('vmid == 2 && a0 == 3', ctx(2, true))).toBe(1);
    expect(ev('vmid == 2 && a0 == 3', ctx(1, true))).toBe(0);
    expect(ev('vmid < 0', ctx(undefined, true))).toBe(1);
    expect([ev('host', ctx(undefined, true)), ev('guest', ctx(undefined, true))]).toEqual([1, 0]);
    expect([ev('$host', ctx(0, false)), ev('$guest', ctx(0, false))]).toEqual([0, 1]);
    // Bare names only where allowed (not in hovers of a C variable `vmid`), and after the program's symbols.
    expect(() => ev('vmid', ctx(1, false))).toThrow(/'vmid' is not a register, CSR or symbol/);
    expect(ev('host', ctx(undefined, true, ['host'])) >>> 0).toBe(0x80000100);
    expect(ev('$host', ctx(undefined, true, ['host']))).toBe(1);
  });
});
