/**
 * `npm run bench`: run the benchmark guest (bench/programs/bench.elf) on the emulator in-process and
 * print instructions, seconds and MIPS; when QEMU is installed, also QEMU's wall time on the same ELF
 * (plain TCG, no -icount: as fast as QEMU goes) and the ratio. Prints figures, never asserts on time.
 *
 *   node dist/bench.js [FILE.elf] [--repeat N] [--max-insns N]
 *
 * Run from the repository root (paths are relative to the working directory).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, loadElf, Machine } from '../emulator/api';

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
