/**
 * `npm run bench -- --only dap` (issue 5): how the debugger feels, measured through the real adapter
 * (dist/adapter.js over stdio, spoken to by @vscode/debugadapter-testsupport's DebugClient, as the
 * DAP tests do). Three figures, each printed with its aim:
 *
 * a. one step as VS Code performs it: `next` -> `stopped` event -> stackTrace -> scopes -> variables
 *    (of the first scope, the one VS Code expands), in guest a of examples/minivisor (VS-mode, its
 *    symbols loaded), averaged over many steps through count_primes' loop. Aim: < 5 ms.
 * b. readMemory of 64 KiB at a physical address (minivisor's guests map their memory lazily, so no
 *    64 KiB of a guest space are all mapped), in the same session. Aim: < 5 ms.
 * c. a reverse step 100 million instructions into a run: bench.elf stopped at the first `memset` call
 *    after minstret reaches 100,000,000 (a conditional function breakpoint), then stepBack by
 *    instruction and by line, each from request to `stopped`. History (adapter/history.ts) keeps a
 *    checkpoint every 2M instructions of forward execution, so a step back replays at most that much.
 *    A fresh session per measurement (a step back leaves finer checkpoints behind). Aim: < 100 ms.
 *
 * Prints figures, never asserts on time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface DapBenchOptions {
  /** Steps measured in (a), after WARMUP_STEPS. */
  steps: number;
  /** readMemory requests measured per address space in (b). */
  reads: number;
  /** Where (c) stops before stepping back. */
  reverseAt: number;
  /** Sessions of (c): each measures the first step back after its forward run (median printed). */
  reverseRuns: number;
}

const WARMUP_STEPS = 20;
const READ_BYTES = 64 * 1024;
const MINIVISOR = path.join('examples', 'minivisor');
const BENCH_ELF = path.join('bench', 'programs', 'bench.elf');

const fmt = (x: number, digits = 2): string => x.toFixed(digits);
const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = (xs: number[]): string => `mean ${fmt(mean(xs))} ms, median ${fmt(percentile(xs, 0.5))}, p95 ${fmt(percentile(xs, 0.95))}, max ${fmt(Math.max(...xs))}`;

/** The adapter bundle next to this one (dist/bench.js -> dist/adapter.js). */
function adapter(): DebugClient {
  const dc = new DebugClient(process.execPath, path.join(__dirname, 'adapter.js'), 'vmscope');
  dc.defaultTimeout = 60_000;
  return dc;
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`bench: no '${text}' in ${file}`);
  return i + 1;
}

/** Launch with the given breakpoints and run to the first stop. */
async function launch(dc: DebugClient, args: Record<string, unknown>, setup: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 120_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await setup();
      await dc.configurationDoneRequest();
    }),
    dc.launch(args as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/** Send `send`, resolve with the milliseconds until the `stopped` event it causes. */
async function timedStop(dc: DebugClient, send: () => Promise<unknown>): Promise<{ ms: number; event: DebugProtocol.StoppedEvent }> {
  const stopped = dc.waitForEvent('stopped', 120_000);
  const t0 = performance.now();
  await send();
  const event = (await stopped) as DebugProtocol.StoppedEvent;
  return { ms: performance.now() - t0, event };
}

async function stepsAndMemory(o: DapBenchOptions): Promise<void> {
  const guestA = path.resolve(MINIVISOR, 'guest', 'guest-a.c');
  const loopLine = lineOf(guestA, 'while (d * d <= n');
  const dc = adapter();
  await dc.start();
  try {
    const first = await launch(dc, {
      program: path.resolve(MINIVISOR, 'minivisor.elf'),
      symbols: [{ program: path.resolve(MINIVISOR, 'guest-a.elf'), vmid: 1 }, { program: path.resolve(MINIVISOR, 'guest-b.elf'), vmid: 2 }],
    }, () => dc.setBreakpointsRequest({ source: { path: guestA }, breakpoints: [{ line: loopLine }] }));
    const threadId = first.body.threadId ?? 1;
    await dc.setBreakpointsRequest({ source: { path: guestA }, breakpoints: [] });

    // (a) next -> stopped -> stackTrace -> scopes -> variables, as VS Code does at every step.
    const times: number[] = [];
    const lines = new Set<string>();
    for (let k = 0; k < WARMUP_STEPS + o.steps; k++) {
      const t0 = performance.now();
      const { event } = await timedStop(dc, () => dc.nextRequest({ threadId }));
      const st = await dc.stackTraceRequest({ threadId: event.body.threadId ?? threadId, startFrame: 0, levels: 20 });
      const top = st.body.stackFrames[0]!;
      const scopes = await dc.scopesRequest({ frameId: top.id });
      await dc.variablesRequest({ variablesReference: scopes.body.scopes[0]!.variablesReference });
      if (k >= WARMUP_STEPS) {
        times.push(performance.now() - t0);
        lines.add(`${top.name}:${top.line}`);
      }
    }
    console.log(`\ndebug adapter over stdio (${path.join('dist', 'adapter.js')}), examples/minivisor, guest a (VS-mode)`);
    console.log(`step round trip (next, stopped, stackTrace, scopes, variables), ${o.steps} steps through ${[...lines].sort().join(' ')}: ${summary(times)} (aim < 5 ms)`);

    // (b) readMemory of 64 KiB (the hypervisor's RAM: code, data, the guests' G-stage tables and pages).
    const ref = 'phys:0x80000000';
    const reads: number[] = [];
    let got = 0;
    for (let k = 0; k < 5 + o.reads; k++) {
      const t0 = performance.now();
      const r = await dc.customRequest('readMemory', { memoryReference: ref, offset: 0, count: READ_BYTES }) as DebugProtocol.ReadMemoryResponse;
      if (k >= 5) reads.push(performance.now() - t0);
      got = r.body?.data !== undefined ? Buffer.from(r.body.data, 'base64').length : 0;
    }
    if (got !== READ_BYTES) throw new Error(`bench: readMemory ${ref} gave ${got} bytes, not ${READ_BYTES}`);
    console.log(`readMemory ${READ_BYTES / 1024} KiB at ${ref}, ${o.reads} requests: ${summary(reads)} (aim < 5 ms)`);
  } finally {
    await dc.stop();
  }
}

interface ReverseTimes {
  runMs: number;
  instruction: number;
  line: number;
  where: string[];
}

async function reverseStep(o: DapBenchOptions): Promise<ReverseTimes> {
  const dc = adapter();
  await dc.start();
  try {
    const t0 = performance.now();
    const stop = await launch(dc, { program: path.resolve(BENCH_ELF) },
      () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'memset', condition: `minstret >= ${o.reverseAt}` }] }));
    const runMs = performance.now() - t0;
    const threadId = stop.body.threadId ?? 1;
    const instant = async (): Promise<string> => {
      const frame = (await dc.stackTraceRequest({ threadId, levels: 1 })).body.stackFrames[0]!;
      const r = await dc.evaluateRequest({ expression: 'minstret', frameId: frame.id, context: 'repl' });
      return `${Number(r.body.result.split(' ')[0])} (${frame.name}:${frame.line ?? '?'})`;
    };
    // Breakpoints off: the step back must not stop on the memset breakpoint's earlier hits.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    const where = [await instant()];
    const instruction = (await timedStop(dc, () => dc.stepBackRequest({ threadId, granularity: 'instruction' }))).ms;
    where.push(await instant());
    const line = (await timedStop(dc, () => dc.stepBackRequest({ threadId }))).ms;
    where.push(await instant());
    return { runMs, instruction, line, where };
  } finally {
    await dc.stop();
  }
}

export async function benchDap(o: DapBenchOptions): Promise<void> {
  await stepsAndMemory(o);
  const runs: ReverseTimes[] = [];
  for (let i = 0; i < o.reverseRuns; i++) runs.push(await reverseStep(o));
  const [at, afterInsn, afterLine] = runs[0]!.where;
  const list = (xs: number[]): string => xs.map((x) => fmt(x, 1)).join(', ');
  console.log(`\nreverse execution: ${BENCH_ELF} run to minstret ${at} in ${fmt(percentile(runs.map((r) => r.runMs), 0.5) / 1e3)} s (launch and forward run with checkpoints), ${o.reverseRuns} sessions`);
  console.log(`stepBack (instruction) there, to ${afterInsn}: median ${fmt(percentile(runs.map((r) => r.instruction), 0.5), 1)} ms [${list(runs.map((r) => r.instruction))}] (aim < 100 ms)`);
  console.log(`stepBack (line) after it, to ${afterLine}: median ${fmt(percentile(runs.map((r) => r.line), 0.5), 1)} ms [${list(runs.map((r) => r.line))}] (aim < 100 ms)`);
}
