/**
 * Real compiler output: every C guest in test/programs, compiled to assembly by GCC (-O2, as the
 * programs are built), assembled by us and by GNU as 2.40 with and without relaxation; `objdump -dr`,
 * the sections and the relocations must be identical. Also the hand-written guest .S files. Needs the
 * toolchain (HAS_TOOLCHAIN).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../emulator/asm/assembler';
import { HAS_TOOLCHAIN } from '../oracles';
import { elfFacts } from './elf-facts';

const PROGRAMS = path.join(__dirname, '..', 'programs');
const MARCH = 'rv32imac_zicsr_zifencei_zicbom';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-asgcc-'));
const cSources = fs.existsSync(PROGRAMS)
  ? [...fs.readdirSync(PROGRAMS).filter((f) => f.endsWith('.c')).map((f) => path.join(PROGRAMS, f)),
    ...(fs.existsSync(path.join(PROGRAMS, 'rt')) ? fs.readdirSync(path.join(PROGRAMS, 'rt')).filter((f) => f.endsWith('.c')).map((f) => path.join(PROGRAMS, 'rt', f)) : [])]
  : [];
const asmSources = fs.existsSync(PROGRAMS) ? fs.readdirSync(PROGRAMS).filter((f) => f.endsWith('.S')).map((f) => path.join(PROGRAMS, f)) : [];

function compare(src: string, file: string, relax: boolean): void {
  const s = path.join(tmp, path.basename(file));
  fs.writeFileSync(s, src);
  const g = s + (relax ? '.r' : '.n') + '.gnu.o', m = s + (relax ? '.r' : '.n') + '.ours.o';
  const r = spawnSync('riscv64-unknown-elf-as', [`-march=${MARCH}`, '-mabi=ilp32', ...(relax ? [] : ['-mno-relax']), s, '-o', g], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const ours = assemble(src, { file: s, march: MARCH, relax });
  expect(ours.errors).toEqual([]);
  fs.writeFileSync(m, ours.object!);
  const dump = (f: string): string => spawnSync('riscv64-unknown-elf-objdump', ['-dr', f], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n').slice(2).join('\n');
  expect(dump(m)).toBe(dump(g));
  const a = elfFacts(fs.readFileSync(m)), b = elfFacts(fs.readFileSync(g));
  expect(a.sections).toEqual(b.sections);
  expect(a.relocs).toEqual(b.relocs);
  expect(a.symbols).toEqual(b.symbols);
}

describe.skipIf(!HAS_TOOLCHAIN)('GCC output and guest sources vs GNU as 2.40 (live)', () => {
  for (const c of cSources) {
    it(`${path.relative(PROGRAMS, c)} (gcc -O2 -S)`, () => {
      const s = path.join(tmp, path.basename(c, '.c') + '.s');
      const r = spawnSync('riscv64-unknown-elf-gcc', [`-march=${MARCH}`, '-mabi=ilp32', '-mcmodel=medany', '-ffreestanding', '-fno-pic', '-O2',
        '-I', path.join(PROGRAMS, 'rt'), '-S', c, '-o', s], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const src = fs.readFileSync(s, 'utf8');
      compare(src, s, true);
      compare(src, s, false);
    });
  }
  for (const f of asmSources) {
    it(`${path.basename(f)}`, () => {
      const src = fs.readFileSync(f, 'utf8');
      compare(src, f, true);
      compare(src, f, false);
    });
  }
});
