/**
 * Random instruction mixes (every compressible shape, edge immediates, branches across alignment and
 * gaps) assembled by us and by GNU as 2.40, with and without RVC and relaxation: `objdump -dr` and the
 * section bytes must be identical. Needs the toolchain (HAS_TOOLCHAIN).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../emulator/asm/assembler';
import { HAS_TOOLCHAIN } from '../oracles';
import { elfFacts } from './elf-facts';
import { randomSource } from './fuzz';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-asfuzz-'));
const CONFIGS = [
  { march: 'rv32imac_zicsr_zifencei_h', relax: true },
  { march: 'rv32ima_zicsr_zifencei_h', relax: false },
  { march: 'rv32imac_zicsr_zifencei_h', relax: false },
];

describe.skipIf(!HAS_TOOLCHAIN)('assembler fuzz vs GNU as 2.40 (live)', () => {
  for (const seed of [1, 2, 3, 4]) {
    for (const cfg of CONFIGS) {
      it(`seed ${seed}, ${cfg.march}${cfg.relax ? '' : ' -mno-relax'}`, () => {
        const src = randomSource(seed);
        const s = path.join(tmp, `f${seed}.S`), g = path.join(tmp, `f${seed}.gnu.o`), m = path.join(tmp, `f${seed}.ours.o`);
        fs.writeFileSync(s, src);
        const r = spawnSync('riscv64-unknown-elf-as', [`-march=${cfg.march}`, '-mabi=ilp32', ...(cfg.relax ? [] : ['-mno-relax']), s, '-o', g], { encoding: 'utf8' });
        expect(r.stderr).toBe('');
        const ours = assemble(src, { file: s, march: cfg.march, relax: cfg.relax });
        expect(ours.errors).toEqual([]);
        fs.writeFileSync(m, ours.object!);
        const dump = (f: string): string => spawnSync('riscv64-unknown-elf-objdump', ['-dr', f], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout.split('\n').slice(2).join('\n');
        expect(dump(m)).toBe(dump(g));
        const a = elfFacts(fs.readFileSync(m)), b = elfFacts(fs.readFileSync(g));
        expect(a.sections).toEqual(b.sections);
        expect(a.relocs).toEqual(b.relocs);
      });
    }
  }
});
