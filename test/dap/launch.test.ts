/** The adapter through a real DAP client (@vscode/debugadapter-testsupport) over stdio. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const HELLO = path.join(ROOT, 'test/programs/hello.elf');

describe('debug adapter: launch and run', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = new DebugClient(process.execPath, path.join(ROOT, 'dist/adapter.js'), 'vmscope');
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('runs the program to its end, streams its output and reports its exit code', async () => {
    const output: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stdout') output.push(e.body.output);
    });
    const exited = dc.waitForEvent('exited', 30_000);
    const terminated = dc.waitForEvent('terminated', 30_000);
    await Promise.all([dc.configurationSequence(), dc.launch({ program: HELLO } as DebugProtocol.LaunchRequestArguments)]);
    const e = (await exited) as DebugProtocol.ExitedEvent;
    await terminated;
    expect(e.body.exitCode).toBe(0);
    expect(output.join('')).toBe(fs.readFileSync(path.join(ROOT, 'test/programs/hello.expected'), 'latin1'));
  });

  it('stops on entry at the ELF entry point, and lists harts as threads', async () => {
    await Promise.all([
      dc.configurationSequence(),
      dc.launch({ program: HELLO, stopOnEntry: true, harts: 2 } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('stopped'),
    ]);
    const threads = await dc.threadsRequest();
    expect(threads.body.threads.map((t) => t.name)).toEqual(['hart 0: M-mode', 'hart 1: M-mode']);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    expect(st.body.stackFrames[0].instructionPointerReference).toBe('0x80000000');
    expect(st.body.stackFrames[0].name).toMatch(/_start|0x80000000/);
  });

  it.each([
    [{}, /'program' is missing/],
    [{ program: path.join(ROOT, 'nowhere.elf') }, /'program': cannot read .*nowhere\.elf/],
    [{ program: path.join(ROOT, 'README.md') }, /'program': .*not an ELF/],
    [{ program: HELLO, harts: 99 }, /'harts' must be a whole number from 1 to 8/],
    [{ program: HELLO, isa: 'rv64gc' }, /'isa': .*RV32 only/],
  ])('answers a bad launch configuration with an error naming the attribute: %j', async (args, message) => {
    await dc.initializeRequest();
    await expect(dc.launch(args as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(message);
    // The adapter keeps serving after a failed request.
    const threads = await dc.threadsRequest();
    expect(threads.success).toBe(true);
  });
});
