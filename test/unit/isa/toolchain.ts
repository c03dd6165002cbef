/**
 * Helpers that run the real GNU toolchain (riscv64-unknown-elf-as/objdump, binutils 2.40) as the oracle
 * for the ISA tests. Tests using them are skipped when the toolchain is not on PATH; the committed
 * fixtures under fixtures/ keep the comparisons running without it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const AS = 'riscv64-unknown-elf-as';
export const OBJDUMP = 'riscv64-unknown-elf-objdump';
export const OBJCOPY = 'riscv64-unknown-elf-objcopy';
export const MARCH = 'rv32imac_zicsr_zifencei_zicbom';

/** True when the assembler, objdump and objcopy can be run. */
export { HAS_TOOLCHAIN } from '../../oracles';

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-isa-'));
}

/** Assemble `source` into an object file in `dir`; returns its path. */
export function assemble(source: string, dir: string, name = 'a', march = MARCH): string {
  const src = path.join(dir, `${name}.S`);
  const obj = path.join(dir, `${name}.o`);
  fs.writeFileSync(src, source);
  run(AS, [`-march=${march}`, '-mabi=ilp32', src, '-o', obj]);
  return obj;
}

/** The raw bytes of the .text section of an object or executable. */
export function textBytes(file: string): Uint8Array {
  const bin = file + '.text.bin';
  run(OBJCOPY, ['-O', 'binary', '-j', '.text', file, bin]);
  return new Uint8Array(fs.readFileSync(bin));
}

/** `riscv64-unknown-elf-objdump -d [extra] file` output. */
export function objdump(file: string, extra: string[] = []): string {
  return run(OBJDUMP, ['-d', ...extra, file]);
}

/** Split a .text image into instruction words (16- or 32-bit by the low two bits). */
export function splitInsns(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < bytes.length;) {
    const lo = bytes[i]! | (bytes[i + 1]! << 8);
    if ((lo & 3) !== 3) { out.push(lo); i += 2; continue; }
    out.push((lo | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
    i += 4;
  }
  return out;
}

/**
 * The instruction lines of objdump -d output: { addr, hex, text } where text is mnemonic and operands
 * with objdump's tab between them replaced by one space.
 */
export function parseObjdump(out: string): { addr: number; hex: string; text: string }[] {
  const lines: { addr: number; hex: string; text: string }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s+\t(.*)$/.exec(line);
    if (!m) continue;
    lines.push({ addr: parseInt(m[1]!, 16), hex: m[2]!, text: m[3]!.replace(/\t/, ' ').trimEnd() });
  }
  return lines;
}
