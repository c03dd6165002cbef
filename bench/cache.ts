/**
 * `npm run bench -- --only cache` (issue 4): what the cache model and memory encryption cost.
 *
 * 1. The CPU-bound guest (bench.elf, a prefix of its run: the rounds are alike) plain, with the full
 *    cache hierarchy (`caches: {}`), with memory encryption, and with both. bench.elf runs in M-mode,
 *    the host with ASID 0: encryption applies to a guest's private pages only (cvm-model 2), so there
 *    the feature costs its hooks, never an AES block.
 * 2. So also a guest that is encrypted: examples/cvm/cvm.elf with examples/cvm/cvm.vmscope.json (the
 *    secure processor launches a guest whose private pages are encrypted with its own key), caches
 *    off and on. Its whole run is short (under a million instructions) and includes the secure
 *    processor's fixed work (launch measurement, the P-384 signature of the attestation report).
 *
 * Machines are built as the CLI and the adapter build them: new Machine(config, { crypto: new NodeCrypto() }).
 * A fixed seed keeps keys and runs the same from one run to the next. Prints figures, never asserts on time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NodeCrypto } from '../adapter/node-crypto';
import { DEFAULT_CONFIG, loadElf, Machine, type MachineConfig } from '../emulator/api';
import { parseMachineConfig } from '../emulator/config-file';

export interface CacheBenchOptions {
  /** The CPU-bound guest. */
  elf: string;
  /** Instructions of bench.elf per run (a prefix: with caches on it runs at a few MIPS). */
  insns: number;
  /** Runs per configuration of bench.elf (best taken). */
  repeat: number;
  /** Runs of the cvm example per configuration (best taken; each is short). */
  cvmRepeat: number;
}

const SEED = 1;
const CVM_DIR = path.join('examples', 'cvm');

interface Timed {
  insns: number;
  seconds: number;
  stop: string;
}

function timedRun(config: MachineConfig, bytes: Uint8Array, maxInsns: number): Timed {
  const m = new Machine(config, { crypto: new NodeCrypto() });
  m.onOutput = () => {};
  m.load(loadElf(bytes));
  const t0 = process.hrtime.bigint();
  const stop = m.run(maxInsns);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { insns: m.instret, seconds, stop: stop.kind === 'exit' ? `exit ${stop.code}` : stop.kind === 'limit' ? 'instruction limit' : `fault: ${stop.message}` };
}

function best(config: MachineConfig, bytes: Uint8Array, maxInsns: number, repeat: number): Timed {
  let b: Timed | undefined;
  for (let i = 0; i < repeat; i++) {
    const r = timedRun(config, bytes, maxInsns);
    if (b === undefined || r.seconds < b.seconds) b = r;
  }
  return b!;
}

const mips = (t: Timed): number => t.insns / t.seconds / 1e6;
const fmt = (x: number, digits = 1): string => x.toFixed(digits);

export function benchCaches(o: CacheBenchOptions): void {
  const bytes = new Uint8Array(readFileSync(o.elf));
  const enc = { features: ['memory-encryption'], seed: SEED };
  console.log(`\ncaches and memory encryption: ${path.relative(process.cwd(), o.elf)}, first ${o.insns} instructions, best of ${o.repeat}`);
  timedRun({ ...DEFAULT_CONFIG }, bytes, Math.min(o.insns, 5_000_000)); // warm the JIT up (when the cpu part did not)
  const plain = best({ ...DEFAULT_CONFIG }, bytes, o.insns, o.repeat);
  console.log(`plain: ${fmt(mips(plain))} MIPS`);
  const rows: [string, MachineConfig][] = [
    ['caches', { ...DEFAULT_CONFIG, caches: {} }],
    ['encryption', { ...DEFAULT_CONFIG, ...enc }],
    ['caches+encryption', { ...DEFAULT_CONFIG, caches: {}, ...enc }],
  ];
  for (const [name, config] of rows) {
    const r = best(config, bytes, o.insns, o.repeat);
    console.log(`${name}: ${fmt(mips(r))} MIPS (ratio ${fmt(mips(r) / mips(plain), 3)} of plain)`);
  }
  console.log('(bench.elf runs in M-mode, host ASID 0: memory encryption touches guest private pages only, so here it costs its hooks, no AES)');

  const cvmBytes = new Uint8Array(readFileSync(path.join(CVM_DIR, 'cvm.elf')));
  const cvmConfig = parseMachineConfig(readFileSync(path.join(CVM_DIR, 'cvm.vmscope.json'), 'utf8'));
  const features = (cvmConfig.features ?? []).join(', ');
  const off = best({ ...cvmConfig }, cvmBytes, Number.MAX_SAFE_INTEGER, o.cvmRepeat);
  const on = best({ ...cvmConfig, caches: {} }, cvmBytes, Number.MAX_SAFE_INTEGER, o.cvmRepeat);
  console.log(`encrypted guest: ${path.join(CVM_DIR, 'cvm.elf')} (features: ${features}; hypervisor + an encrypted VS-mode guest), whole run, best of ${o.cvmRepeat}`);
  console.log(`guest caches off: ${off.insns} instructions in ${fmt(off.seconds * 1e3)} ms = ${fmt(mips(off))} MIPS (ratio ${fmt(mips(off) / mips(plain), 3)} of plain) [${off.stop}]`);
  console.log(`guest caches on: ${on.insns} instructions in ${fmt(on.seconds * 1e3)} ms = ${fmt(mips(on))} MIPS (ratio ${fmt(mips(on) / mips(plain), 3)} of plain, ${fmt(mips(on) / mips(off), 3)} of caches off) [${on.stop}]`);
  console.log('(the guest run includes the secure processor\'s fixed work: launch measurement and the P-384 signature of its report)');
}
