/**
 * Differential fuzzing against QEMU 7.2 (test/fuzz/README.md).
 *
 * 1. Live: with the RISC-V toolchain and QEMU, generate FUZZ_SEEDS programs (default 20, seeds
 *    FUZZ_START.. , default 1000..) and compare vmscope's output and exit code with QEMU's byte for
 *    byte. A mismatch is bisected to the first body item responsible; the failure message names the
 *    seed, the first differing output line and the assembly around that item.
 *    FUZZ_ALL=1 also generates what exposes the known, still open bugs (gen.ts KNOWN_BUGS).
 * 2. Corpus: the committed programs in test/fuzz/corpus/ (source, ELF, QEMU's output) run on vmscope
 *    without any oracle, so CI without the toolchain still checks them.
 * 3. The generator itself: deterministic per seed, and it covers what it claims to.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { HAS_QEMU, HAS_TOOLCHAIN } from '../oracles';
import { REPO_ROOT, runVmscope } from '../diff/vmscope';
import { DEFAULT_OPTIONS, generate, type GenOptions } from './gen';
import { checkSeed, describeDivergence, firstDifference, VMSCOPE_MAX_INSNS } from './harness';

const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'fuzz', 'corpus');
const SEEDS = Number(process.env.FUZZ_SEEDS ?? 20);
const START = Number(process.env.FUZZ_START ?? 1000);
const LIVE_OPTS: GenOptions = { ...DEFAULT_OPTIONS, avoid: process.env.FUZZ_ALL === '1' ? [] : DEFAULT_OPTIONS.avoid };

describe.skipIf(!(HAS_TOOLCHAIN && HAS_QEMU))('random programs: vmscope vs QEMU 7.2', () => {
  for (let seed = START; seed < START + SEEDS; seed++) {
    test(`seed ${seed}`, async () => {
      const res = await checkSeed(seed, LIVE_OPTS);
      if (!res.ok) expect.fail(describeDivergence(res.divergence!));
    }, 120_000);
  }
});

interface CorpusEntry {
  name: string;
  /** Hand-written NAME.S (not generated). */
  hand?: boolean;
  seed: number;
  items: number;
  avoid?: string[];
  select?: number[];
  /** Set while a vmscope bug makes this program diverge: the test is then expected to fail. */
  knownBug?: string;
}

const corpus = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'corpus.json'), 'utf8')) as { programs: CorpusEntry[] };

describe('fuzz regression corpus on vmscope (QEMU output committed)', () => {
  for (const e of corpus.programs) {
    const run = async () => {
      const got = await runVmscope(path.join(CORPUS_DIR, `${e.name}.elf`), { maxInsns: VMSCOPE_MAX_INSNS });
      const want = readFileSync(path.join(CORPUS_DIR, `${e.name}.expected`));
      const wantExit = Number.parseInt(readFileSync(path.join(CORPUS_DIR, `${e.name}.exitcode`), 'utf8').trim(), 10);
      const d = firstDifference(want.toString('latin1'), got.stdout.toString('latin1'));
      expect(d, d ? `${e.name}: output line ${d.line}: QEMU '${d.qemu}', vmscope '${d.vmscope}'` : '').toBeUndefined();
      expect(Buffer.compare(got.stdout, want)).toBe(0);
      expect(got.exitCode, `${e.name}: exit code; stderr: ${got.stderr}`).toBe(wantExit);
    };
    // A known bug's program must keep failing until the bug is fixed; then drop knownBug from
    // corpus.json (and the bug from gen.ts KNOWN_BUGS).
    if (e.knownBug !== undefined) test.fails(`${e.name} (known bug: ${e.knownBug})`, run);
    else test(e.name, run);
  }

  test('the committed sources are what the generator makes', () => {
    const stale: string[] = [];
    for (const e of corpus.programs.filter((p) => !p.hand)) {
      const src = readFileSync(path.join(CORPUS_DIR, `${e.name}.S`), 'utf8');
      const gen = generate(e.seed, { items: e.items, avoid: e.avoid ?? DEFAULT_OPTIONS.avoid }, e.select);
      if (src !== gen.asm) stale.push(e.name);
    }
    // Not fatal: a generator change makes new programs, and the committed ELFs stay valid tests. But
    // then the .S no longer documents the .elf: regenerate with node test/fuzz/run.mjs --write-corpus.
    if (stale.length > 0) console.warn(`test/fuzz/corpus: ${stale.join(', ')} differ from the generator's output; run node test/fuzz/run.mjs --write-corpus`);
  });
});

describe('fuzz program generator', () => {
  test('is deterministic per seed', () => {
    expect(generate(7).asm).toBe(generate(7).asm);
    expect(generate(7).asm).not.toBe(generate(8).asm);
    const full = generate(9);
    const prefix = generate(9, DEFAULT_OPTIONS, 10);
    expect(prefix.items).toEqual(full.items.slice(0, 10));
  });

  test('covers every item kind over a few seeds', () => {
    const kinds = new Set<string>();
    const text: string[] = [];
    for (let s = 1; s <= 20; s++) {
      const p = generate(s);
      for (const it of p.items) kinds.add(it.kind.split(' ')[0]!);
      text.push(p.asm);
    }
    for (const k of ['alu', 'alu-imm', 'lui', 'auipc', 'li', 'load', 'store', 'atomic', 'rvc', 'norvc', 'csr', 'csr-probe', 'csr-ro', 'trap', 'control', 'fence']) {
      expect(kinds, k).toContain(k);
    }
    const all = text.join('\n');
    for (const m of ['mulhsu', 'remu', 'amomaxu.w', 'lr.w', 'sc.w', 'c.lwsp', 'c.swsp', 'c.addi4spn', 'c.addi16sp', 'c.beqz', 'c.jal', 'c.jr', 'ecall', 'c.ebreak', 'mscratch', 'mstatus', 'medeleg', 'pmpcfg']) {
      expect(all, m).toContain(m);
    }
  });
});
