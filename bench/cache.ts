/**
 * `npm run bench -- --only cache` (issue 4): what the cache model and memory encryption cost.
 *
 * 1. The CPU-bound guest (bench.elf, its whole run unless --cache-insns makes it a prefix) plain, with the full
 *    cache hierarchy (`caches: {}`), with memory encryption, and with both. bench.elf runs in M-mode,
 *    the host with ASID 0: encryption applies to a guest's private pages only (cvm-model 2), so there
 *    the feature costs its hooks, never an AES block.
 * 2. So also a guest that is encrypted: examples/cvm/cvm.elf with examples/cvm/cvm.vmscope.json (the
 *    secure processor launches a guest whose private pages are encrypted with its own key), caches
 *    off and on. Its whole run is short (under a million instructions) and includes the secure
 *    processor's fixed work (launch measurement, the P-384 signature of the attestation report).
 * 3. bench.c's own rounds as an encrypted guest: bench/programs/cvm-bench/cvm-bench.elf (the cvm
 *    hypervisor launching bench.c in VS-mode, ASID 1, vsatp Bare, so every access is private, under its
 *    key), as many instructions as in 1 from its first VM entry (the launch before it, hypervisor
 *    start and the secure processor measuring and encrypting the image, runs untimed), caches off and
 *    on, with the ratio to plain bench.elf.
 *
 * Each configuration runs in a Node process of its own (best()). Machines are built as the CLI and the
 * adapter build them: new Machine(config, { crypto: new NodeCrypto() }).
 * A fixed seed keeps keys and runs the same from one run to the next. Prints figures, never asserts on time.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeCrypto } from '../adapter/node-crypto';
import { DEFAULT_CONFIG, findSymbol, loadElf, Machine, type MachineConfig } from '../emulator/api';
import { parseMachineConfig } from '../emulator/config-file';

export interface CacheBenchOptions {
  /** The CPU-bound guest. */
  elf: string;
  /** Instruction limit per run of bench.elf (and of cvm-bench.elf after its launch). */
  insns: number;
  /** Runs per configuration of bench.elf (best taken). */
  repeat: number;
  /** Runs of the cvm example per configuration (best taken; each is short). */
  cvmRepeat: number;
}

const SEED = 1;
const CVM_DIR = path.join('examples', 'cvm');
const CVM_BENCH_DIR = path.join('bench', 'programs', 'cvm-bench');

interface Timed {
  insns: number;
  seconds: number;
  stop: string;
}

/** Run `skip` instructions untimed (a guest's launch), then time up to `maxInsns` more. */
function timedRun(config: MachineConfig, bytes: Uint8Array, maxInsns: number, skip: number): Timed {
  const m = new Machine(config, { crypto: new NodeCrypto() });
  m.onOutput = () => {};
  m.load(loadElf(bytes));
  if (skip > 0) m.run(skip);
  const from = m.instret;
  const t0 = process.hrtime.bigint();
  const stop = m.run(maxInsns);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { insns: m.instret - from, seconds, stop: stop.kind === 'exit' ? `exit ${stop.code}` : stop.kind === 'limit' ? 'instruction limit' : `fault: ${stop.message}` };
}

/** One configuration's measurement, as the child process runs it (bench/run.ts --cache-child). */
interface ChildJob {
  config: MachineConfig;
  elf: string;
  maxInsns: number;
  repeat: number;
  /** Instructions run before timing starts. */
  skip: number;
}

/** In the child: the best of `repeat` runs, as JSON on stdout. */
export function cacheChild(job: string): void {
  const j = JSON.parse(job) as ChildJob;
  const bytes = new Uint8Array(readFileSync(j.elf));
  let b: Timed | undefined;
  for (let i = 0; i < j.repeat; i++) {
    const r = timedRun(j.config, bytes, j.maxInsns, j.skip);
    if (b === undefined || r.seconds < b.seconds) b = r;
  }
  process.stdout.write(JSON.stringify(b));
}

/**
 * The best of `repeat` runs of one configuration, measured in a process of its own: in one process the
 * engine's optimized code for the run loop and the memory paths carries the type feedback of the
 * configurations before it, which moved ratios by a third from one order of rows to another.
 */
function best(config: MachineConfig, elf: string, maxInsns: number, repeat: number, skip = 0): Timed {
  const job: ChildJob = { config, elf, maxInsns, repeat, skip };
  const r = spawnSync(process.execPath, [process.argv[1]!, '--cache-child', JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: the measurement of ${elf} failed: ${r.stderr || r.error?.message || `exit ${String(r.status)}`}`);
  return JSON.parse(r.stdout) as Timed;
}

/** Instructions before the first VM entry (the hypervisor's vcpu_enter): start-up and the launch. */
function launchLength(config: MachineConfig, bytes: Uint8Array): number {
  const image = loadElf(bytes);
  const entry = findSymbol(image, 'vcpu_enter');
  if (entry === undefined) throw new Error('bench: no symbol vcpu_enter in cvm-bench.elf; rebuild it (make -C bench/programs/cvm-bench)');
  const m = new Machine(config, { crypto: new NodeCrypto() });
  m.onOutput = () => {};
  m.load(image);
  m.setBreakpoints([entry.value]);
  const stop = m.run(10_000_000);
  if (stop.kind !== 'breakpoint') throw new Error(`bench: cvm-bench.elf never entered its guest (${stop.kind})`);
  return m.instret;
}

const mips = (t: Timed): number => t.insns / t.seconds / 1e6;
const fmt = (x: number, digits = 1): string => x.toFixed(digits);

export function benchCaches(o: CacheBenchOptions): void {
  const enc = { features: ['memory-encryption'], seed: SEED };
  const plain = best({ ...DEFAULT_CONFIG }, o.elf, o.insns, o.repeat);
  const prefix = plain.stop === 'instruction limit';
  console.log(`\ncaches and memory encryption: ${path.relative(process.cwd(), o.elf)}, ${prefix ? `first ${o.insns} instructions` : 'whole run'}, best of ${o.repeat}`);
  console.log(`plain: ${fmt(mips(plain))} MIPS`);
  const rows: [string, MachineConfig][] = [
    ['caches', { ...DEFAULT_CONFIG, caches: {} }],
    ['encryption', { ...DEFAULT_CONFIG, ...enc }],
    ['caches+encryption', { ...DEFAULT_CONFIG, caches: {}, ...enc }],
  ];
  for (const [name, config] of rows) {
    const r = best(config, o.elf, o.insns, o.repeat);
    console.log(`${name}: ${fmt(mips(r))} MIPS (ratio ${fmt(mips(r) / mips(plain), 3)} of plain)`);
  }
  console.log('(bench.elf runs in M-mode, host ASID 0: memory encryption touches guest private pages only, so here it costs its hooks, no AES)');

  const cvmElf = path.join(CVM_DIR, 'cvm.elf');
  const cvmConfig = parseMachineConfig(readFileSync(path.join(CVM_DIR, 'cvm.vmscope.json'), 'utf8'));
  const features = (cvmConfig.features ?? []).join(', ');
  const off = best({ ...cvmConfig }, cvmElf, Number.MAX_SAFE_INTEGER, o.cvmRepeat);
  const on = best({ ...cvmConfig, caches: {} }, cvmElf, Number.MAX_SAFE_INTEGER, o.cvmRepeat);
  console.log(`encrypted guest: ${path.join(CVM_DIR, 'cvm.elf')} (features: ${features}; hypervisor + an encrypted VS-mode guest), whole run, best of ${o.cvmRepeat}`);
  console.log(`guest caches off: ${off.insns} instructions in ${fmt(off.seconds * 1e3)} ms = ${fmt(mips(off))} MIPS (ratio ${fmt(mips(off) / mips(plain), 3)} of plain) [${off.stop}]`);
  console.log(`guest caches on: ${on.insns} instructions in ${fmt(on.seconds * 1e3)} ms = ${fmt(mips(on))} MIPS (ratio ${fmt(mips(on) / mips(plain), 3)} of plain, ${fmt(mips(on) / mips(off), 3)} of caches off) [${on.stop}]`);
  console.log('(the guest run includes the secure processor\'s fixed work: launch measurement and the P-384 signature of its report)');

  const gElf = path.join(CVM_BENCH_DIR, 'cvm-bench.elf');
  const gConfig = parseMachineConfig(readFileSync(path.join(CVM_BENCH_DIR, 'cvm-bench.vmscope.json'), 'utf8'));
  const gFeatures = (gConfig.features ?? []).join(', ');
  const launch = launchLength({ ...gConfig }, new Uint8Array(readFileSync(gElf)));
  console.log(`bench.c as an encrypted guest: ${gElf} (features: ${gFeatures}; VS-mode, ASID 1, vsatp Bare: every access private, under its key), ${prefix ? `${o.insns} instructions` : 'its run'} after the launch, best of ${o.repeat}`);
  const gOff = best({ ...gConfig }, gElf, o.insns, o.repeat, launch);
  const gOn = best({ ...gConfig, caches: {} }, gElf, o.insns, o.repeat, launch);
  console.log(`bench.c as an encrypted guest, encryption: ${fmt(mips(gOff))} MIPS (ratio ${fmt(mips(gOff) / mips(plain), 3)} of plain) [${gOff.stop}]`);
  console.log(`bench.c as an encrypted guest, caches+encryption: ${fmt(mips(gOn))} MIPS (ratio ${fmt(mips(gOn) / mips(plain), 3)} of plain, ${fmt(mips(gOn) / mips(gOff), 3)} of encryption alone) [${gOn.stop}]`);
  console.log(`(timed from the first VM entry: the ${launch} instructions before it, hypervisor start-up and the secure processor measuring and encrypting the guest image, run untimed; the rest is bench.c's rounds in the guest)`);
}
