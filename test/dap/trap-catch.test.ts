/**
 * Exception breakpoints through the machine's trap catch: a trap whose vector was written just
 * before it is caught (breakpoints on trap vectors, re-read between run slices, missed it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assemble, link } from '../../emulator/asm/index';
import { findSymbol, loadElf } from '../../emulator/api';
import { client, top } from './helpers';

const SOURCE = `# Spin a while with mtvec at first_handler, then point mtvec at late_handler and trap at once.
    .globl _start, late_handler
_start:
    la   t0, first_handler
    csrw mtvec, t0
    li   a0, 0
    li   a1, 30011
loop:
    addi a0, a0, 1
    blt  a0, a1, loop
    la   t0, late_handler
    csrw mtvec, t0
    .word 0                 # illegal instruction
    j    first_handler
first_handler:
    li   t0, 0x100000
    li   t1, (1 << 16) | 0x3333
    sw   t1, 0(t0)
1:  j    1b
    .align 2
late_handler:
    li   t0, 0x100000
    li   t1, (7 << 16) | 0x3333
    sw   t1, 0(t0)
2:  j    2b
`;

/** Assemble and link SOURCE at 0x80000000 with vmscope's assembler into an ELF file in `dir`. */
function build(dir: string): { file: string; handler: number } {
  const obj = assemble(SOURCE, { file: 'late-vector.S', march: 'rv32imac_zicsr_zifencei' });
  if (obj.object === undefined) throw new Error(obj.errors.map((e) => e.message).join('\n'));
  const ln = link([{ name: 'late-vector.o', bytes: obj.object }], { base: 0x80000000 });
  if (ln.elf === undefined) throw new Error(ln.errors.join('\n'));
  const file = path.join(dir, 'late-vector.elf');
  fs.writeFileSync(file, ln.elf);
  return { file, handler: findSymbol(loadElf(ln.elf), 'late_handler')!.value };
}

describe('debug adapter: exception breakpoints (trap catch)', () => {
  let dc: DebugClient;
  let dir: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-trap-dap-'));
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the handler of a trap whose vector was written just before, then runs on to its exit', async () => {
    const { file, handler } = build(dir);
    const stopped = dc.waitForEvent('stopped', 20_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setExceptionBreakpointsRequest({ filters: ['illegal-instruction'] });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: file } as DebugProtocol.LaunchRequestArguments),
    ]);
    const e = (await stopped) as DebugProtocol.StoppedEvent;
    expect(e.body.reason).toBe('exception');
    expect(e.body.text).toBe('illegal instruction (trap to M-mode)');
    const f = await top(dc);
    expect(Number(f.instructionPointerReference)).toBe(handler);
    const exited = dc.waitForEvent('exited', 20_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(7);
  });
});
