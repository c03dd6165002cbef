/**
 * `vmscope objdump` against binutils 2.40 objdump on committed ELF/object fixtures (fixtures/elf/, built
 * by build.sh; fixtures/handwritten.o from handwritten.S). The listings are compared byte for byte;
 * the live tests (toolchain on PATH) check that the committed listings are what objdump prints for the
 * committed files, and that handwritten.S still assembles to handwritten.o's code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { objdumpCommand } from '../../../adapter/cli/objdump';
import { EXIT } from '../../../adapter/cli/exit-codes';
import { FIXTURES } from './oracle';
import { assemble, HAS_TOOLCHAIN, OBJDUMP, textBytes, tmpDir } from './toolchain';

const ELF_DIR = path.join(FIXTURES, 'elf');
/** [directory, file name]: objdump is run with the directory as cwd, so the header names the file. */
const FILES: [string, string][] = [
  [FIXTURES, 'handwritten.o'],
  ...['prog.elf', 'stripped.elf', 'stress.elf', 'stress.o', 'big-O2.elf', 'big-Os-noM.elf']
    .map((f): [string, string] => [ELF_DIR, f]),
];

function ours(dir: string, file: string, args: string[] = [file]): { rc: number; out: string; err: string } {
  let out = '', err = '';
  const rc = objdumpCommand(args, {
    readFile: (p) => new Uint8Array(fs.readFileSync(path.resolve(dir, p))),
    out: (s) => { out += s; },
    err: (s) => { err += s; },
  });
  return { rc, out, err };
}

const listingName = (file: string): string => `${file}.objdump.txt`;

describe('vmscope objdump vs objdump -d', () => {
  for (const [dir, file] of FILES) {
    it(`${file} (committed listing)`, () => {
      const want = fs.readFileSync(path.join(dir, listingName(file)), 'utf8');
      const got = ours(dir, file);
      expect(got.rc).toBe(0);
      expect(got.err).toBe('');
      expect(got.out).toBe(want);
    });

    it.skipIf(!HAS_TOOLCHAIN)(`${file} (live objdump)`, () => {
      const r = spawnSync(OBJDUMP, ['-d', file], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(r.status).toBe(0);
      if (process.env.VMSCOPE_UPDATE_FIXTURES) fs.writeFileSync(path.join(dir, listingName(file)), r.stdout);
      expect(ours(dir, file).out).toBe(r.stdout);
    });
  }

  it.skipIf(!HAS_TOOLCHAIN)('handwritten.S assembles to handwritten.o (live)', () => {
    const src = fs.readFileSync(path.join(FIXTURES, 'handwritten.S'), 'utf8');
    const fresh = textBytes(assemble(src, tmpDir(), 'handwritten'));
    const committed = fs.readFileSync(path.join(FIXTURES, 'handwritten.o'));
    const tmp = path.join(tmpDir(), 'committed.o');
    fs.writeFileSync(tmp, committed);
    expect(Buffer.from(fresh).equals(Buffer.from(textBytes(tmp)))).toBe(true);
  });
});

describe('vmscope objdump errors', () => {
  it('usage errors', () => {
    expect(ours(FIXTURES, '', []).rc).toBe(EXIT.usage);
    expect(ours(FIXTURES, '', ['a.elf', 'b.elf']).rc).toBe(EXIT.usage);
    expect(ours(FIXTURES, '', ['-x']).rc).toBe(EXIT.usage);
    expect(ours(ELF_DIR, '', ['-d', 'prog.elf']).rc).toBe(0);
  });

  it('unreadable file', () => {
    const r = ours(FIXTURES, '', ['no-such-file.elf']);
    expect(r.rc).toBe(EXIT.noInput);
    expect(r.err).toMatch(/cannot read 'no-such-file.elf'/);
  });

  it('not ELF, wrong class, wrong machine, truncated', () => {
    const dir = tmpDir();
    const elf = fs.readFileSync(path.join(ELF_DIR, 'prog.elf'));
    const write = (name: string, bytes: Uint8Array): string => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return name;
    };
    const class64 = Buffer.from(elf); class64[4] = 2;
    const bigEndian = Buffer.from(elf); bigEndian[5] = 2;
    const x86 = Buffer.from(elf); x86[18] = 3; x86[19] = 0;
    const cases: [string, RegExp][] = [
      [write('text.txt', Buffer.from('hello world, this is not an ELF file at all........................')), /not an ELF file/],
      [write('class64.elf', class64), /not a 32-bit ELF file/],
      [write('be.elf', bigEndian), /not a little-endian ELF file/],
      [write('x86.elf', x86), /not a RISC-V ELF file/],
      [write('short.elf', elf.subarray(0, 20)), /truncated ELF header/],
      [write('cut.elf', elf.subarray(0, 4200)), /out of bounds|truncated/],
    ];
    for (const [file, msg] of cases) {
      const r = ours(dir, file);
      expect(r.rc, file).toBe(EXIT.badElf);
      expect(r.err, file).toMatch(msg);
      expect(r.out).toBe('');
    }
  });
});
