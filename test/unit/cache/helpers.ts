/** Helpers for cache and feature tests: assemble a bare M-mode program with vmscope's own assembler. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, link } from '../../../emulator/asm/index';
import { DEFAULT_CONFIG, loadElf, Machine, type MachineConfig } from '../../../emulator/api';

export const MINIVISOR = join(__dirname, '../../../examples/minivisor/minivisor.elf');

/** Assemble `body` at 0x80000000 (ends with a write of PASS to the SiFive test finisher) and load it. */
export function machineWith(body: string, config: Partial<MachineConfig> = {}): Machine {
  const src = `.globl _start\n.text\n_start:\n${body}\n  li t0, 0x100000\n  li t1, 0x5555\n  sw t1, 0(t0)\n1: j 1b\n`;
  const obj = assemble(src, { file: 'test.S', march: 'rv32imac_zicsr_zifencei_zicbom' });
  if (obj.object === undefined) throw new Error(obj.errors.map((e) => e.message).join('\n'));
  const ln = link([{ name: 'test.o', bytes: obj.object }], { base: 0x80000000 });
  if (ln.elf === undefined) throw new Error(ln.errors.join('\n'));
  const m = new Machine({ ...DEFAULT_CONFIG, ...config });
  m.load(loadElf(ln.elf));
  return m;
}

/** Run minivisor to its end; returns the machine, its output and the stop reason. */
export function runMinivisor(config: Partial<MachineConfig> = {}, setup?: (m: Machine) => void): { m: Machine; out: string; kind: string } {
  const m = new Machine({ ...DEFAULT_CONFIG, ...config });
  m.load(loadElf(readFileSync(MINIVISOR)));
  setup?.(m);
  let out = '';
  m.onOutput = (b) => { out += Buffer.from(b).toString('latin1'); };
  const r = m.run(50_000_000);
  return { m, out, kind: r.kind };
}
