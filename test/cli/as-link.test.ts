/** `vmscope as --link`: assemble one or more files and link them in one go, no toolchain at all. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadElf } from '../../emulator/loader/elf';
import { vmscope } from './cli';

// main.S prints through `puts` (uart.S) and exits with code 9 through the SiFive test finisher.
const MAIN = `    .globl _start
_start:
    li   sp, 0x80100000
    la   a0, msg
    call puts
    li   t0, 0x100000
    li   t1, (9 << 16) | 0x3333
    sw   t1, 0(t0)
1:  j    1b
    .data
msg: .asciz "linked\\n"
`;
const UART = `    .equ UART, 0x10000000
    .globl puts
puts:
    li   t0, UART
1:  lbu  t1, 0(a0)
    beqz t1, 2f
    sb   t1, 0(t0)
    addi a0, a0, 1
    j    1b
2:  ret
`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-as-link-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
const at = (name: string): string => path.join(dir, name);

it('assembles two files, links them at 0x80000000 by default and the result runs', () => {
  fs.writeFileSync(at('main.S'), MAIN);
  fs.writeFileSync(at('uart.s'), UART);
  const r = vmscope(['as', at('main.S'), at('uart.s'), '-g', '--link', '-o', at('prog.elf')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const image = loadElf(fs.readFileSync(at('prog.elf')));
  expect(image.entry).toBe(0x80000000);
  const run = vmscope(['run', at('prog.elf')]);
  expect(run.stdout.toString()).toBe('linked\n');
  expect(run.code).toBe(9);
});

it('places .text at --base', () => {
  fs.writeFileSync(at('main.S'), MAIN);
  fs.writeFileSync(at('uart.S'), UART);
  const r = vmscope(['as', at('main.S'), at('uart.S'), '--link', '--base', '0x80200000', '-o', at('prog.elf')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(loadElf(fs.readFileSync(at('prog.elf'))).entry).toBe(0x80200000);
  const run = vmscope(['run', at('prog.elf')]);
  expect(run.stdout.toString()).toBe('linked\n');
  expect(run.code).toBe(9);
});

it('reports the errors of every file with file:line:col and writes nothing', () => {
  fs.writeFileSync(at('a.S'), '    .globl _start\n_start:\n    frob t0\n');
  fs.writeFileSync(at('b.S'), 'nop\n    addi a0, a0\n');
  const r = vmscope(['as', at('a.S'), at('b.S'), '--link', '-o', at('x.elf')]);
  expect(r.code).toBe(1);
  const diags = r.stderr.trim().split('\n');
  expect(diags).toHaveLength(2);
  expect(diags[0]).toMatch(new RegExp(`^${at('a.S').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: error: `));
  expect(diags[1]).toMatch(new RegExp(`^${at('b.S').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2:\\d+: error: `));
  expect(fs.existsSync(at('x.elf'))).toBe(false);
});

it('reports link errors (an undefined symbol) and usage mistakes', () => {
  fs.writeFileSync(at('main.S'), MAIN);
  const r = vmscope(['as', at('main.S'), '--link', '-o', at('x.elf')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/vmscope as: link: .*puts/);
  const two = vmscope(['as', at('main.S'), at('main.S'), '-o', at('x.o')]);
  expect(two.code).not.toBe(0);
  expect(two.stderr).toMatch(/--link/);
  const base = vmscope(['as', at('main.S'), '--base', '0x0', '-o', at('x.o')]);
  expect(base.code).not.toBe(0);
  expect(base.stderr).toMatch(/--base only goes with --link/);
  const usage = vmscope(['as']);
  expect(usage.stderr).toMatch(/--base ADDR.*default 0x80000000/);
});
