/**
 * Long fuzz campaigns against QEMU 7.2 (needs riscv64-unknown-elf-gcc, qemu-system-riscv32 and a built
 * dist/cli.js). Started through test/fuzz/run.mjs, which bundles this file with esbuild:
 *
 *   node test/fuzz/run.mjs --seeds 1000 [--start 1] [--jobs 2] [--items 300] [--no-bisect] [--json FILE]
 *                          [--all (do not avoid gen.ts KNOWN_BUGS)] [--avoid feature,...]
 *   node test/fuzz/run.mjs --all --avoid misaligned-fault-tval,sip-lcofi,csr-ro-zero --seeds 20
 *                                                            # hunt for one known bug (lr-trap-sc)
 *   node test/fuzz/run.mjs --seed 42 --keep /tmp/seed42     # one seed, keep .S/.elf/outputs
 *   node test/fuzz/run.mjs --seed 42 --minimize              # also shrink a divergence to few items
 *   node test/fuzz/run.mjs --write-corpus                   # regenerate test/fuzz/corpus/ from QEMU
 *
 * Every divergence is bisected to the first body item responsible and printed; a summary groups them
 * by item kind. Exit code 1 when any seed diverged.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runQemu } from '../diff/qemu';
import { REPO_ROOT } from '../diff/vmscope';
import { DEFAULT_OPTIONS, generate, type GenOptions } from './gen';
import { build, checkSeed, describeDivergence, minimize, type Divergence } from './harness';

export const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'fuzz', 'corpus');

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function campaign(argv: string[]): Promise<number> {
  const single = arg(argv, 'seed');
  const start = Number(arg(argv, 'start') ?? 1);
  const count = single !== undefined ? 1 : Number(arg(argv, 'seeds') ?? 100);
  const first = single !== undefined ? Number(single) : start;
  const jobs = Number(arg(argv, 'jobs') ?? 2);
  const opts: GenOptions = {
    items: Number(arg(argv, 'items') ?? DEFAULT_OPTIONS.items),
    // --all: also generate what exposes known bugs; --avoid a,b: leave out more.
    avoid: [...(argv.includes('--all') ? [] : DEFAULT_OPTIONS.avoid), ...(arg(argv, 'avoid')?.split(',') ?? [])],
  };
  const bisect = !argv.includes('--no-bisect');
  const keep = arg(argv, 'keep');
  const jsonOut = arg(argv, 'json');

  const divergences: Divergence[] = [];
  let next = first;
  let done = 0;
  const t0 = Date.now();
  async function worker(): Promise<void> {
    while (next < first + count) {
      const seed = next++;
      const res = await checkSeed(seed, opts, bisect, keep !== undefined ? path.join(keep, `seed${seed}`) : undefined);
      done++;
      if (keep !== undefined) {
        const d = path.join(keep, `seed${seed}`);
        writeFileSync(path.join(d, 'qemu.out'), res.outcome.qemu.stdout);
        writeFileSync(path.join(d, 'vmscope.out'), res.outcome.vmscope.stdout);
      }
      if (!res.ok) {
        divergences.push(res.divergence!);
        process.stdout.write(`\n${describeDivergence(res.divergence!)}\n`);
        if (argv.includes('--minimize') && res.divergence!.item >= 0) {
          const m = await minimize(seed, res.divergence!.item, opts);
          const body = m.program.asm.split('\n');
          const from = body.findIndex((l) => l.startsWith('# ---- body'));
          const to = body.findIndex((l) => l.startsWith('  j epilogue'));
          process.stdout.write(`minimized seed ${seed} to items ${m.kept.join(' ')}:\n${body.slice(from, to).join('\n')}\n`);
          if (keep !== undefined) writeFileSync(path.join(keep, `seed${seed}`, 'min.S'), m.program.asm);
        }
      }
      if (done % 25 === 0) process.stderr.write(`[${done}/${count}] ${divergences.length} divergent, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));

  const byKind = new Map<string, number[]>();
  for (const d of divergences) {
    const k = `${d.kind}: ${d.culprit.join(' ; ').replace(/\b(x\d+|zero|ra|sp|gp|tp|t\d|s\d+|a\d)\b/g, 'R').replace(/-?\b\d+\b/g, 'N')}`;
    byKind.set(k, [...(byKind.get(k) ?? []), d.seed]);
  }
  process.stdout.write(`\n== ${count} seeds from ${first}, ${opts.items} items each: ${divergences.length} divergent (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  for (const [k, seeds] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
    process.stdout.write(`  ${String(seeds.length).padStart(4)}  ${k}   seeds ${seeds.slice(0, 8).join(' ')}${seeds.length > 8 ? ' ...' : ''}\n`);
  }
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify(divergences, null, 2));
  return divergences.length === 0 ? 0 : 1;
}

export interface CorpusEntry {
  /** File stem in test/fuzz/corpus/. */
  name: string;
  /** A hand-written NAME.S (on the generator's frame): built as committed, not generated. */
  hand?: boolean;
  seed: number;
  items: number;
  /** Generator avoid list (default: KNOWN_BUGS). */
  avoid?: string[];
  /** Keep only these body items (a minimized program). */
  select?: number[];
  /** Set while a vmscope bug makes this program diverge (the corpus test then expects a failure). */
  knownBug?: string;
}

export function corpusProgram(e: CorpusEntry) {
  return generate(e.seed, { items: e.items, avoid: e.avoid ?? DEFAULT_OPTIONS.avoid }, e.select);
}

/** Regenerate the committed corpus: NAME.S, NAME.elf, NAME.expected, NAME.exitcode from QEMU (3 runs agree). */
async function writeCorpus(): Promise<number> {
  const manifest = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'corpus.json'), 'utf8')) as { programs: CorpusEntry[] };
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const e of manifest.programs) {
    const asm = e.hand ? readFileSync(path.join(CORPUS_DIR, `${e.name}.S`), 'utf8') : corpusProgram(e).asm;
    const elf = build(asm, CORPUS_DIR, e.name);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runQemu(elf, { timeoutMs: 20_000 }));
    for (const r of runs) {
      if (r.timedOut || Buffer.compare(r.stdout, runs[0]!.stdout) !== 0 || r.exitCode !== runs[0]!.exitCode) {
        throw new Error(`${e.name}: QEMU runs disagree or time out`);
      }
    }
    writeFileSync(path.join(CORPUS_DIR, `${e.name}.expected`), runs[0]!.stdout);
    writeFileSync(path.join(CORPUS_DIR, `${e.name}.exitcode`), `${runs[0]!.exitCode}\n`);
    process.stdout.write(`${e.name}: ${runs[0]!.stdout.length} bytes, exit ${runs[0]!.exitCode}\n`);
  }
  return 0;
}

const argv = process.argv.slice(2);
(argv.includes('--write-corpus') ? writeCorpus() : campaign(argv)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
