/**
 * `npm run bench`: run the benchmark guest (bench/programs/bench.elf) on the emulator in-process and
 * print instructions, seconds and MIPS; when QEMU is installed, also QEMU's wall time on the same ELF
 * (plain TCG, no -icount: as fast as QEMU goes) and the ratio. Then what the cache model and memory
 * encryption cost (bench/cache.ts) and how the debug adapter responds (bench/dap.ts). Prints figures,
 * never asserts on time. Everything it runs is committed: no toolchain needed, QEMU optional.
 *
 *   node dist/bench.js [FILE.elf] [--only PARTS] [--repeat N] [--max-insns N]
 *                      [--cache-insns N] [--cache-repeat N] [--steps N] [--reads N] [--reverse-at N] [--reverse-runs N]
 *
 *   --only PARTS      comma-separated parts to run (default: all, in this order):
 *                       cpu    plain MIPS of FILE.elf, and QEMU's time on it when installed
 *                       cache  caches / memory encryption on FILE.elf, the encrypted cvm guest, and bench.c as an
 *                              encrypted guest (bench/programs/cvm-bench) with caches and encryption (issue 4)
 *                       dap    step round trip, readMemory 64 KiB, reverse step (issue 5)
 *   --repeat N        cpu: runs of FILE.elf, best taken (3)
 *   --max-insns N     cpu: instruction limit per run (2000000000)
 *   --cache-insns N   cache: instruction limit per configuration's run (2000000000: the whole run; less for a prefix)
 *   --cache-repeat N  cache: runs per configuration of FILE.elf, best taken (2); the cvm guest runs 5x that
 *   --steps N         dap: steps measured (200)
 *   --reads N         dap: readMemory requests measured per address space (50)
 *   --reverse-at N    dap: minstret at which the reverse step starts (100000000)
 *   --reverse-runs N  dap: sessions of the reverse step, median printed (3)
 *
 * e.g. `npm run bench -- --only cache,dap`. Run from the repository root (paths are relative to the
 * working directory); the dap part spawns dist/adapter.js, which `npm run bench` builds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, loadElf, Machine } from '../emulator/api';
import { benchCaches, cacheChild } from './cache';
import { benchDap } from './dap';

const QEMU_BIN = process.env.QEMU_RISCV32 ?? 'qemu-system-riscv32';
// Same machine as test/diff/qemu.ts, minus -icount (which slows QEMU down and is only needed there for
// deterministic time).
const QEMU_CPU = 'rv32,h=false,debug=false,f=false,d=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1].startsWith('--')));
const elfPath = path.resolve(positional[0] ?? path.join('bench', 'programs', 'bench.elf'));
const repeat = Number(argValue('--repeat') ?? '3');
const maxInsns = Number(argValue('--max-insns') ?? '2000000000');
const PARTS = ['cpu', 'cache', 'dap'] as const;
const only = (argValue('--only') ?? PARTS.join(',')).split(',').map((p) => p.trim()).filter((p) => p !== '');
const unknown = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0 || only.length === 0) {
  console.error(`bench: --only takes a comma-separated list of ${PARTS.join(', ')}; got '${argValue('--only') ?? ''}'`);
  process.exit(2);
}
const want = (part: (typeof PARTS)[number]): boolean => only.includes(part);

function runEmulator(bytes: Uint8Array): { insns: number; seconds: number; output: string; stop: string } {
  const m = new Machine({ ...DEFAULT_CONFIG });
  const out: number[] = [];
  m.onOutput = (b) => out.push(...b);
  m.load(loadElf(bytes));
  const t0 = process.hrtime.bigint();
  const stop = m.run(maxInsns);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stopText = stop.kind === 'exit' ? `exit ${stop.code}` : stop.kind === 'limit' ? 'instruction limit' : `fault: ${stop.message}`;
  return { insns: m.instret, seconds, output: Buffer.from(out).toString('latin1'), stop: stopText };
}

function hasQemu(): boolean {
  return spawnSync(QEMU_BIN, ['--version'], { stdio: 'ignore' }).status === 0;
}

function runQemu(elf: string): Promise<{ seconds: number; output: string; code: number | null }> {
  const args = ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf, '-cpu', QEMU_CPU, '-monitor', 'none', '-serial', 'stdio'];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(QEMU_BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, output, code }));
  });
}

const fmt = (x: number, digits = 3) => x.toFixed(digits);

async function main(): Promise<void> {
  const child = argValue('--cache-child');
  if (child !== undefined) return cacheChild(child); // one measurement of the cache part (bench/cache.ts best())
  if (want('cpu')) await benchCpu();
  if (want('cache')) {
    benchCaches({ elf: elfPath, insns: Number(argValue('--cache-insns') ?? '2000000000'), repeat: Number(argValue('--cache-repeat') ?? '2'),
      cvmRepeat: 5 * Number(argValue('--cache-repeat') ?? '2') });
  }
  if (want('dap')) {
    await benchDap({ steps: Number(argValue('--steps') ?? '200'), reads: Number(argValue('--reads') ?? '50'),
      reverseAt: Number(argValue('--reverse-at') ?? '100000000'), reverseRuns: Number(argValue('--reverse-runs') ?? '3') });
  }
}

async function benchCpu(): Promise<void> {
  const bytes = new Uint8Array(readFileSync(elfPath));
  console.log(`benchmark guest: ${path.relative(process.cwd(), elfPath)}`);
  let best = Infinity;
  let insns = 0;
  for (let i = 0; i < repeat; i++) {
    const r = runEmulator(bytes);
    insns = r.insns;
    best = Math.min(best, r.seconds);
    if (i === 0) process.stdout.write(`guest says: ${r.output.trimEnd()}  [${r.stop}]\n`);
    console.log(`vmscope run ${i + 1}/${repeat}: ${insns} instructions in ${fmt(r.seconds)} s = ${fmt(insns / r.seconds / 1e6, 1)} MIPS`);
  }
  console.log(`vmscope best: ${fmt(best)} s, ${fmt(insns / best / 1e6, 1)} MIPS`);
  if (!hasQemu()) {
    console.log('QEMU: not installed, no comparison');
    return;
  }
  let qbest = Infinity;
  for (let i = 0; i < repeat; i++) {
    const q = await runQemu(elfPath);
    qbest = Math.min(qbest, q.seconds);
    if (i === 0) console.log(`QEMU guest says: ${q.output.trimEnd()}  [exit ${q.code}] (without -icount, QEMU's minstret counts host ticks)`);
  }
  console.log(`QEMU best wall time (process start to exit, plain TCG): ${fmt(qbest)} s, ~${fmt(insns / qbest / 1e6, 1)} MIPS`);
  console.log(`ratio vmscope/QEMU: ${fmt(best / qbest, 1)}x`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
