/** The toolchain-free path a newcomer takes: vmscope as, vmscope link, vmscope run. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { vmscope } from './cli';

const SOURCE = `# Print "hi" on the UART, then exit with code 7 through the SiFive test finisher.
    .equ UART, 0x10000000
    .globl _start
_start:
    li   a0, UART
    la   a1, msg
1:  lbu  a2, 0(a1)
    beqz a2, 2f
    sb   a2, 0(a0)
    addi a1, a1, 1
    j    1b
2:  li   t0, 0x100000
    li   t1, (7 << 16) | 0x3333
    sw   t1, 0(t0)
3:  j    3b
    .data
msg: .asciz "hi\\n"
`;

it('assembles, links and runs a program with no cross toolchain', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-as-'));
  fs.writeFileSync(path.join(dir, 'hi.S'), SOURCE);
  const as = vmscope(['as', path.join(dir, 'hi.S'), '-o', path.join(dir, 'hi.o')]);
  expect(as.stderr).toBe('');
  expect(as.code).toBe(0);
  const link = vmscope(['link', path.join(dir, 'hi.o'), '-o', path.join(dir, 'hi.elf'), '--base', '0x80000000']);
  expect(link.stderr).toBe('');
  expect(link.code).toBe(0);
  const run = vmscope(['run', path.join(dir, 'hi.elf')]);
  expect(run.stdout.toString()).toBe('hi\n');
  expect(run.code).toBe(7);
});

it('reports every mistake in a file with file, line and column', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-as-'));
  fs.writeFileSync(path.join(dir, 'bad.S'), 'addi a0, a0\nfrob t0\nli a0, 1\nlw a0, 4(q9)\n');
  const r = vmscope(['as', path.join(dir, 'bad.S'), '-o', path.join(dir, 'bad.o')]);
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n').filter((l) => /bad\.S:\d+:\d+:/.test(l));
  expect(lines.map((l) => Number(/bad\.S:(\d+):/.exec(l)![1]))).toEqual([1, 2, 4]);
});
