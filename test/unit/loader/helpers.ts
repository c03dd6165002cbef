/**
 * Loader test helpers: the committed fixtures, byte patching for hand-corrupted copies, and the GNU
 * toolchain (riscv64-unknown-elf-gcc / readelf) as an oracle when it is on PATH.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { ElfError, type ElfErrorCode } from '../../../emulator/loader/elf';

export const FIXTURES = path.join(__dirname, 'fixtures');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
}

/** A copy of `bytes` with little-endian fields overwritten: [offset, size, value]. */
export function patch(bytes: Uint8Array, ...edits: [offset: number, size: 1 | 2 | 4, value: number][]): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  for (const [off, size, v] of edits) {
    if (size === 1) dv.setUint8(off, v);
    else if (size === 2) dv.setUint16(off, v, true);
    else dv.setUint32(off, v >>> 0, true);
  }
  return out;
}

export function u32(bytes: Uint8Array, off: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(off, true);
}

/** File offsets of ELF32 header fields and of program header `i`'s fields. */
export const EH = { type: 16, machine: 18, entry: 24, phoff: 28, shoff: 32, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 };
export function ph(bytes: Uint8Array, i: number) {
  const base = u32(bytes, EH.phoff) + 32 * i;
  return { type: base, offset: base + 4, vaddr: base + 8, paddr: base + 12, filesz: base + 16, memsz: base + 20, flags: base + 24 };
}
export function sh(bytes: Uint8Array, i: number) {
  const base = u32(bytes, EH.shoff) + 40 * i;
  return { name: base, type: base + 4, offset: base + 16, size: base + 20, link: base + 24, entsize: base + 36 };
}

/** Run `fn`, expect an ElfError with `code` whose message matches every pattern; returns the message. */
export function expectElfError(fn: () => unknown, code: ElfErrorCode, ...patterns: RegExp[]): string {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an ElfError').toBeInstanceOf(ElfError);
  const e = err as ElfError;
  expect(e.code, e.message).toBe(code);
  for (const p of patterns) expect(e.message).toMatch(p);
  return e.message;
}

// --- toolchain oracle ---

export const CC = 'riscv64-unknown-elf-gcc';
export const READELF = 'riscv64-unknown-elf-readelf';

export { HAS_TOOLCHAIN } from '../../oracles';

export function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-elf-'));
}

/** Write `files` into a fresh directory and link them into an RV32 executable; returns its path. */
export function build(files: Record<string, string>, flags: string[] = []): string {
  const dir = tmpDir();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const sources = Object.keys(files).filter((f) => /\.(c|S)$/.test(f));
  const out = path.join(dir, 'prog.elf');
  run(CC, ['-march=rv32imac_zicsr', '-mabi=ilp32', '-nostdlib', '-nostartfiles', '-ffreestanding', '-O1',
    '-Wl,--no-warn-rwx-segments', ...flags, ...sources, '-o', out], dir);
  return out;
}

export interface ReadelfSegment { offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; flags: string }
export interface ReadelfSection { name: string; type: string; addr: number; offset: number; size: number; flags: string }
export interface ReadelfSymbol { value: number; size: number; type: string; bind: string; name: string }

const num = (s: string) => parseInt(s, s.startsWith('0x') ? 16 : 10);

export function readelfSegments(file: string): ReadelfSegment[] {
  const out: ReadelfSegment[] = [];
  for (const line of run(READELF, ['-lW', file]).split('\n')) {
    const m = /^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+0x[0-9a-f]+$/.exec(line);
    if (m) out.push({ offset: num(m[1]!), vaddr: num(m[2]!), paddr: num(m[3]!), filesz: num(m[4]!), memsz: num(m[5]!), flags: m[6]!.replace(/ /g, '') });
  }
  return out;
}

export function readelfSections(file: string): ReadelfSection[] {
  const out: ReadelfSection[] = [];
  for (const line of run(READELF, ['-SW', file]).split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s(.*)$/.exec(line);
    if (!m || m[1] === '0') continue;
    const t = m[2]!.trim().split(/\s+/);
    // name type addr off size es [flags] lk inf al
    const flags = t.length === 10 ? t[6]! : '';
    out.push({ name: t[0]!, type: t[1]!, addr: parseInt(t[2]!, 16), offset: parseInt(t[3]!, 16), size: parseInt(t[4]!, 16), flags });
  }
  return out;
}

export function readelfSymbols(file: string): ReadelfSymbol[] {
  const out: ReadelfSymbol[] = [];
  for (const line of run(READELF, ['-sW', '--sym-base=16', file]).split('\n')) {
    const m = /^\s*(\d+):\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\w+)\s+(\w+)\s+\w+\s+\S+\s?(.*)$/.exec(line);
    if (!m || m[1] === '0') continue;
    out.push({ value: parseInt(m[2]!, 16), size: num(m[3]!), type: m[4]!, bind: m[5]!, name: m[6]! });
  }
  return out;
}
