/** Launching a .S file: the adapter assembles (with a line table) and links it at 0x80000000 itself. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, register, stepAndWait, top } from './helpers';

const SOURCE = `# Count to 3 in a0, print "ok" on the UART, exit with code 5 (SiFive test finisher).
    .equ UART, 0x10000000
    .globl _start
_start:
    li   a0, 0
    li   a1, 3
loop:
    addi a0, a0, 1          # LINE-INC
    blt  a0, a1, loop
    li   t2, UART           # LINE-PRINT
    la   t3, msg
1:  lbu  t4, 0(t3)
    beqz t4, 2f
    sb   t4, 0(t2)
    addi t3, t3, 1
    j    1b
2:  li   t0, 0x100000
    li   t1, (5 << 16) | 0x3333
    sw   t1, 0(t0)
3:  j    3b
    .data
msg: .asciz "ok\\n"
`;

const lineOf = (marker: string): number => SOURCE.split('\n').findIndex((l) => l.includes(`# ${marker}`)) + 1;

describe('debug adapter: a .S program', () => {
  let dc: DebugClient;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-asm-dap-'));
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('assembles and links the file, stops at a source breakpoint, steps by line and runs to its end', async () => {
    const file = path.join(dir, 'count.S');
    fs.writeFileSync(file, SOURCE);
    let stdout = '';
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stdout') stdout += e.body.output;
    });
    const stopped = dc.waitForEvent('stopped', 20_000);
    let verified: DebugProtocol.Breakpoint[] = [];
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        verified = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: lineOf('LINE-INC') }] })).body.breakpoints;
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: file } as DebugProtocol.LaunchRequestArguments),
    ]);
    expect(verified[0]!.verified).toBe(true);
    expect(verified[0]!.line).toBe(lineOf('LINE-INC'));
    expect(((await stopped) as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
    let frame = await top(dc);
    expect(frame.line).toBe(lineOf('LINE-INC'));
    expect(frame.source?.path).toBe(file);
    expect(frame.instructionPointerReference).toMatch(/^0x8000[0-9a-f]{4}$/);
    expect(await register(dc, 'a0')).toBe(0);

    // Step by line: the addi retires (a0 0 -> 1), the next line is the branch.
    await stepAndWait(dc, () => dc.nextRequest({ threadId: 1 }));
    frame = await top(dc);
    expect(frame.line).toBe(lineOf('LINE-INC') + 1);
    expect(await register(dc, 'a0')).toBe(1);

    // Back round the loop to the breakpoint, then clear it and run to the end.
    await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect((await top(dc)).line).toBe(lineOf('LINE-INC'));
    expect(await register(dc, 'a0')).toBe(1);
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: lineOf('LINE-PRINT') }] });
    await stepAndWait(dc, () => dc.continueRequest({ threadId: 1 }));
    expect((await top(dc)).line).toBe(lineOf('LINE-PRINT'));
    expect(await register(dc, 'a0')).toBe(3);
    await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [] });
    const exited = dc.waitForEvent('exited', 20_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(5);
    expect(stdout).toBe('ok\n');
  });

  it('answers the launch with every assembly error as file:line:col, and keeps serving', async () => {
    const file = path.join(dir, 'bad.s');
    fs.writeFileSync(file, '_start:\n    addi a0, a0\n    frob t0\n    li a0, 1\n    lw a0, 4(q9)\n');
    const err = await dc.launch({ program: file } as DebugProtocol.LaunchRequestArguments).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const lines = err!.message.split('\n').filter((l) => l.startsWith(`${file}:`));
    expect(lines.map((l) => /:(\d+):\d+: /.exec(l.slice(file.length))?.[1])).toEqual(['2', '3', '5']);
    expect(err!.message).toMatch(/cannot assemble/);
    // The adapter is still up: a fixed file launches in the same session.
    fs.writeFileSync(file, '    .globl _start\n_start:\n    li t0, 0x100000\n    li t1, 0x5555\n    sw t1, 0(t0)\n1:  j 1b\n');
    const exited = dc.waitForEvent('exited', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program: file } as DebugProtocol.LaunchRequestArguments),
    ]);
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });
});
