/**
 * bench/programs/cvm-bench: bench.c's workload as an encrypted guest of the cvm hypervisor, the program
 * that `npm run bench -- --only cache` times with caches and encryption on.
 *
 *  (a) The committed cvm-bench.elf, with cvm-bench.vmscope.json: exit 0, cvm-bench.expected, and the
 *      guest's result line is bench.elf's (same rounds, same checksum; a guest has no counter, so it
 *      prints 0 measured instructions where bench.elf prints its minstret delta).
 *  (b) The cache model on: the same output and the same instruction count.
 *  (c) The guest's pages are encrypted: found through the hypervisor's own G-stage table, they read as
 *      bench.c's data (its sieve, its sorted array, its image) through ASID 1's key, and as something
 *      else in DRAM.
 *  (d) With the RISC-V toolchain, `make` rebuilds the ELFs (same loaded bytes) and the result runs.
 *
 * Each run is the whole program (about 264 million instructions, about a second each).
 * Re-capture the expected output (QEMU has no secure processor): make -C bench/programs/cvm-bench expected
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { debugTranslate, DEFAULT_CONFIG, findSymbol, loadElf, Machine, type MachineConfig, type StopReason } from '../../emulator/api';
import { parseMachineConfig } from '../../emulator/config-file';
import { NodeCrypto } from '../../adapter/node-crypto';
import { HAS_TOOLCHAIN } from '../oracles';
import { REPO_ROOT } from '../diff/vmscope';
import { flatImage } from './flat-image';

const DIR = path.join(REPO_ROOT, 'bench', 'programs', 'cvm-bench');
const ELF = path.join(DIR, 'cvm-bench.elf');
const GUEST_ELF = path.join(DIR, 'cvm-bench-guest.elf');
const CONFIG = path.join(DIR, 'cvm-bench.vmscope.json');
const BENCH_ELF = path.join(REPO_ROOT, 'bench', 'programs', 'bench.elf');
const EXPECTED = readFileSync(path.join(DIR, 'cvm-bench.expected'), 'latin1');
const LIMIT = 400_000_000;
const PAGE = 4096;
/** bench.c's last line without its instruction count: `bench: N rounds, checksum XXXXXXXX`. */
const RESULT = /bench: \d+ rounds, checksum [0-9a-f]{8}/;

interface Run {
  machine: Machine;
  stop: StopReason;
  text: string;
}

function run(elf: string, config: MachineConfig): Run {
  const machine = new Machine(config, { crypto: new NodeCrypto() });
  machine.load(loadElf(readFileSync(elf)));
  const out: Buffer[] = [];
  machine.onOutput = (b) => out.push(Buffer.from(b));
  const stop = machine.run(LIMIT);
  return { machine, stop, text: Buffer.concat(out).toString('latin1') };
}

const guestConfig = (extra: Partial<MachineConfig> = {}): MachineConfig => ({ ...parseMachineConfig(readFileSync(CONFIG, 'utf8')), ...extra });

function result(text: string): string {
  const m = RESULT.exec(text);
  if (m === null) throw new Error(`no line matching ${RESULT} in the output:\n${text}`);
  return m[0];
}

/** The host physical address behind guest-physical `gpa` of VMID 1, through the hypervisor's G-stage table. */
function hostAddress(m: Machine, gpa: number): number {
  const t = debugTranslate(m, 0, gpa, { kind: 'guestPhys', vmid: 1 });
  if (!t.ok) throw new Error(`GPA ${gpa.toString(16)}: ${t.reason}`);
  return t.pa;
}

/** `len` bytes of the guest at `gpa`, page by page: as DRAM holds them (asid 0) or through ASID `asid`'s key. */
function readGuest(m: Machine, gpa: number, len: number, asid: number): Buffer {
  const parts: Uint8Array[] = [];
  for (let at = gpa; at < gpa + len;) {
    const n = Math.min(gpa + len - at, PAGE - (at % PAGE));
    parts.push(m.readPhys(hostAddress(m, at), n, asid));
    at += n;
  }
  return Buffer.concat(parts);
}

describe('cvm-bench (cvm-bench.vmscope.json)', () => {
  let off: Run, on: Run;
  beforeAll(() => {
    off = run(ELF, guestConfig());
    on = run(ELF, guestConfig({ caches: {} }));
  });

  it('exits 0 and prints cvm-bench.expected: the launch, then bench.c\'s result from the guest', () => {
    expect(off.stop).toEqual({ kind: 'exit', code: 0 });
    expect(off.text).toBe(EXPECTED);
    expect(off.text).toContain('[hv] SP LAUNCH_FINISH handle 1 -> SUCCESS: the guest is RUNNING');
    expect(off.text).toContain(`[guest] ${result(off.text)}, measured instructions 0\n`);
  });

  it('the guest computes what bench.elf computes (same rounds, same checksum)', () => {
    const bench = run(BENCH_ELF, { ...DEFAULT_CONFIG });
    expect(bench.stop).toEqual({ kind: 'exit', code: 0 });
    expect(result(off.text)).toBe(result(bench.text));
  });

  it('with the cache model on: the same output and the same instruction count', () => {
    expect(on.stop).toEqual({ kind: 'exit', code: 0 });
    expect(on.text).toBe(off.text);
    expect(on.machine.instret).toBe(off.machine.instret);
    expect(on.machine.cache!.asids()).toEqual(expect.arrayContaining([0, 1]));
  });

  it('the guest\'s pages hold its data through ASID 1\'s key and ciphertext in DRAM', () => {
    const m = off.machine;
    const guest = loadElf(readFileSync(GUEST_ELF));
    const sym = (name: string) => {
      const s = findSymbol(guest, name);
      if (s === undefined) throw new Error(`no symbol ${name} in ${GUEST_ELF}`);
      return s;
    };
    expect(m.mee!.viewState().keys.map((k) => k.asid)).toContain(1);

    // bench.c's sieve of its last round: byte i is 1 exactly when i is prime.
    const sieve = sym('sieve_buf');
    const primes = Buffer.alloc(sieve.size, 1);
    primes[0] = primes[1] = 0;
    for (let i = 2; i * i < primes.length; i++) if (primes[i]) for (let j = i * i; j < primes.length; j += i) primes[j] = 0;
    expect(readGuest(m, sieve.value, sieve.size, 1)).toEqual(primes);
    const dram = readGuest(m, sieve.value, sieve.size, 0);
    expect(dram.equals(primes)).toBe(false);
    expect(dram.filter((b) => b > 1).length).toBeGreaterThan(sieve.size / 2); // not 0/1 bytes: ciphertext

    // Its quicksorted array: ascending through the key, not in DRAM.
    const sorted = sym('sort_buf');
    const words = (b: Buffer) => Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));
    const ascending = (w: number[]) => w.every((x, i) => i === 0 || w[i - 1]! <= x);
    expect(ascending(words(readGuest(m, sorted.value, sorted.size, 1)))).toBe(true);
    expect(ascending(words(readGuest(m, sorted.value, sorted.size, 0)))).toBe(false);

    // The image the secure processor encrypted in place at launch (LAUNCH_UPDATE_DATA).
    const image = Buffer.from(flatImage(guest));
    expect(readGuest(m, 0x8000_0000, image.length, 1)).toEqual(image);
    expect(readGuest(m, 0x8000_0000, image.length, 0).equals(image)).toBe(false);
  });
});

describe.skipIf(!HAS_TOOLCHAIN)('cvm-bench rebuilds from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-cvm-bench-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('make builds cvm-bench.elf and cvm-bench-guest.elf from bench.c and examples/cvm', () => {
    execFileSync('make', ['-C', DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
    for (const f of ['cvm-bench.elf', 'cvm-bench-guest.elf']) expect(existsSync(path.join(out, f)), f).toBe(true);
  }, 120_000);

  // Not bit-identical (the debug info names the build directory), but the loaded bytes must be the
  // committed ones: otherwise the committed ELFs are stale.
  it.each(['cvm-bench.elf', 'cvm-bench-guest.elf'])('rebuilt %s loads the same bytes as the committed one', (f) => {
    const flat = (elf: string) => Buffer.from(flatImage(loadElf(readFileSync(elf))));
    expect(flat(path.join(out, f)).equals(flat(path.join(DIR, f)))).toBe(true);
  });

  it('rebuilt cvm-bench.elf prints cvm-bench.expected', () => {
    const r = run(path.join(out, 'cvm-bench.elf'), guestConfig());
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.text).toBe(EXPECTED);
  });
});
