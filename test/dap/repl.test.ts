/**
 * Debug Console commands (evaluate, context 'repl'; adapter/repl) on examples/minivisor with the
 * machine from a configuration file (launch attribute `config`) that turns the cache model on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, ROOT } from './helpers';

const M = path.join(ROOT, 'examples/minivisor');
const GUEST_A_C = path.join(M, 'guest/guest-a.c');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-repl-'));
fs.writeFileSync(path.join(tmp, 'machine.vmscope.json'), JSON.stringify({ caches: { l1d: { sets: 16, ways: 4 } } }));

const LAUNCH = {
  program: path.join(M, 'minivisor.elf'),
  cwd: tmp,
  config: 'machine.vmscope.json',
  symbols: [{ program: path.join(M, 'guest-a.elf'), vmid: 1 }, { program: path.join(M, 'guest-b.elf'), vmid: 2 }],
};

function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no '${text}' in ${file}`);
  return i + 1;
}

/** Launch and run to guest a's "hello" line (VS-mode, VMID 1). */
async function start(dc: DebugClient, launch: Record<string, unknown> = LAUNCH): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 30_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: GUEST_A_C }, breakpoints: [{ line: lineOf(GUEST_A_C, 'say("hello from guest a') }] });
      await dc.configurationDoneRequest();
    }),
    dc.launch(launch as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function repl(dc: DebugClient, expression: string): Promise<string> {
  const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.id;
  return (await dc.evaluateRequest({ expression, context: 'repl', frameId })).body.result;
}

async function replError(dc: DebugClient, expression: string): Promise<string> {
  try {
    await dc.evaluateRequest({ expression, context: 'repl' });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`'${expression}' did not fail`);
}

describe('debug adapter: Debug Console commands', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('help lists the commands', async () => {
    await start(dc);
    const help = await repl(dc, 'help');
    expect(help).toMatch(/C-like integer expressions/);
    for (const c of ['vms', 'cache [l1d|l1i|llc] [hart] [asid N]', 'tlb [hart]', 'csr NAME', 'features']) expect(help).toContain(c);
  });

  it('vms: the hart in VS-mode with VMID 1, and the VMIDs seen', async () => {
    await start(dc);
    const out = await repl(dc, 'vms');
    expect(out).toMatch(/^hart 0: VS-mode, V=1, VMID 1 \(guest-a\), pc 0x800002[0-9a-f]{2}$/m);
    expect(out).toMatch(/^VMIDs seen:$/m);
    expect(out).toMatch(/^ {2}VMID 1 \(guest-a\): hgatp 0x8[0-9a-f]{7}$/m);
    expect(out).toMatch(/^ {2}VMID 2 \(guest-b\)/m);
  });

  it('cache: lines with set, way, pa, ASID, dirty, LRU rank, and statistics per ASID, from the file\'s geometry', async () => {
    await start(dc);
    const out = await repl(dc, 'cache');
    expect(out).toMatch(/^hart0\.l1d: 16 sets x 4 ways x 64-byte lines, lru; \d+ valid lines/);
    expect(out).toMatch(/^ +set +way +pa +ASID +dirty +LRU$/m);
    expect(out).toMatch(/^ +\d+ +[0-3] +0x8[0-9a-f]+ +\d+ +(yes|no) +[0-3]$/m);
    expect(out).toMatch(/^Statistics per ASID:$/m);
    expect(out).toMatch(/^ {2}ASID 0: \d+ accesses, \d+ hits, \d+ misses/m);
    expect(out).toMatch(/^ {2}ASID 1: \d+ accesses/m);

    const guest = await repl(dc, 'cache l1i 0 asid 1');
    expect(guest).toMatch(/^hart0\.l1i: 64 sets x 8 ways x 64-byte lines, lru; [1-9]\d* valid lines? of ASID 1/);
    const rows = guest.split('\n').filter((l) => /^ +\d+ +\d+ +0x/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.trim().split(/\s+/)[3]).toBe('1');
    expect(guest).not.toMatch(/ASID 0:/);

    expect(await repl(dc, 'cache llc')).toMatch(/^llc: 1024 sets x 16 ways x 64-byte lines/);
    expect(await replError(dc, 'cache l2')).toMatch(/unexpected 'l2'/);
    expect(await replError(dc, 'cache 5')).toMatch(/no hart '5'/);
  });

  it('tlb: the address spaces the hart\'s TLB holds (or says when that view is not there yet)', async () => {
    await start(dc);
    const out = await repl(dc, 'tlb');
    if (/does not tell its address spaces yet/.test(out)) return; // a build without tagged TLBs
    expect(out).toMatch(/^hart 0: \d+ cached address spaces?, most recently used first$/m);
    expect(out).toMatch(/^ {2}VS-mode +V=1 +VMID 1 \(guest-a\), /m);
    expect(await replError(dc, 'tlb 3')).toMatch(/no hart '3'/);
  });

  it('csr: value and decoded fields', async () => {
    await start(dc);
    const out = await repl(dc, 'csr mstatus');
    expect(out).toMatch(/^mstatus \(0x300\) on hart 0 = 0x[0-9a-f]{8} \(\d+\)$/m);
    expect(out).toMatch(/^ {2}MPP +\[12:11\] = \d/m);
    expect(await repl(dc, 'csr hgatp')).toMatch(/^hgatp \(0x680\) on hart 0 = 0x8[0-9a-f]{7}/);
    expect(await repl(dc, 'csr hgatp')).toMatch(/no field decoding/);
    expect(await replError(dc, 'csr nosuch')).toMatch(/no CSR named 'nosuch'/);
  });

  it('features: the cache model with its state summarised', async () => {
    await start(dc);
    const out = await repl(dc, 'features');
    expect(out).toMatch(/^caches: L1I and L1D per hart/m);
    expect(out).toMatch(/^ {2}config: /m);
    expect(out).toMatch(/^ {2}stats:/m);
    expect(out).toMatch(/^ {4}l1d: /m);
    expect(out).toMatch(/^ {2}caches: 3 items: hart0\.l1i, hart0\.l1d, llc$/m);
  });

  it('an unknown command gets the list of commands; expressions still work', async () => {
    await start(dc);
    expect(await replError(dc, 'frobnicate 3')).toMatch(/'frobnicate' is not a command; commands: help, vms, cache, tlb, csr, features/);
    expect(await replError(dc, 'frobnicate')).toMatch(/'frobnicate' is not a command, register, CSR or symbol; commands: help, vms, cache/);
    expect(await repl(dc, '1 + 2')).toMatch(/^0x00000003 \(3\)$/);
    // Outside the console (watch, hover) the words are expressions, not commands.
    await expect(dc.evaluateRequest({ expression: 'vms', context: 'watch' })).rejects.toThrow(/not a register, CSR or symbol/);
  });

  it('launch attribute config: a bad file is a launch error naming the field; inline attributes override the file', async () => {
    fs.writeFileSync(path.join(tmp, 'bad.vmscope.json'), '{"caches": {"l1d": {"ways": "x"}}}');
    await expect(dc.launch({ ...LAUNCH, config: 'bad.vmscope.json' } as DebugProtocol.LaunchRequestArguments))
      .rejects.toThrow(/launch attribute 'config': .*bad\.vmscope\.json: caches\.l1d\.ways: must be a whole number from 1 to 32, got "x"/);
  });

  it.each([[{}, 2], [{ harts: 1 }, 1]])('launch attribute config: the file gives the harts, an inline attribute overrides it (%j)', async (inline, harts) => {
    fs.writeFileSync(path.join(tmp, 'two.vmscope.json'), '{"harts": 2}');
    const stopped = dc.waitForEvent('stopped', 30_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: path.join(ROOT, 'test/programs/hello.elf'), cwd: tmp, config: 'two.vmscope.json', stopOnEntry: true, ...inline } as DebugProtocol.LaunchRequestArguments),
    ]);
    await stopped;
    expect((await dc.threadsRequest()).body.threads).toHaveLength(harts);
  });

  it('inline caches: false overrides the file', async () => {
    await start(dc, { ...LAUNCH, caches: false });
    expect(await repl(dc, 'cache')).toMatch(/cache model is off/);
    expect(await repl(dc, 'features')).toMatch(/No hardware features attached/);
  });
});
