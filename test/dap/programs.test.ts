/**
 * The committed guests of test/dap-programs match their sources: a rebuild gives the same loaded
 * bytes (the tests find lines by markers in dbg.c, so code and source must not drift apart). Debug
 * sections are not compared: they name temporary files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadElf } from '../../emulator/loader/elf';
import { HAS_TOOLCHAIN } from '../oracles';
import { ROOT } from './helpers';

const DIR = path.join(ROOT, 'test/dap-programs');
const ELFS = ['dbg.elf', 'dbg_nocfi.elf', 'dbg_eh.elf', 'dbg_dwarf4.elf'];

const segments = (file: string) => loadElf(new Uint8Array(readFileSync(file))).segments.map((s) => ({ paddr: s.paddr, memsz: s.memsz, data: Buffer.from(s.data).toString('hex') }));

describe.skipIf(!HAS_TOOLCHAIN)('test/dap-programs rebuild from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-dap-programs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('make -C test/dap-programs OUT=<tmp> gives the committed code and data', () => {
    execFileSync('make', ['-C', DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
    for (const elf of ELFS) expect(segments(path.join(out, elf)), elf).toEqual(segments(path.join(DIR, elf)));
  }, 120_000);
});
