/**
 * examples/attacks: one program per attack of cvm-model section 7, each running the same guest at the
 * four protection levels (none, enc, es, snp; ASIDs 1..4) and printing one result line per level:
 *
 *   [attack] <attack> level=<level>: <OUTCOME>: <why>
 *
 * (a) Each example, run in-process with its machine configuration (<attack>.vmscope.json), exits 0
 *     and prints exactly <attack>.expected.
 * (b) Its outcome per level is the one the table below (= examples/attacks/README.md) says, with the
 *     named fault where the level stops it.
 * (c) Where the outcome can be seen from outside the guest (DRAM through the memory-encryption
 *     engine, the RMP, the VMSA, the cache statistics), the test looks there too.
 * (d) With the RISC-V toolchain, `make -C examples/attacks` rebuilds every ELF and the rebuilt images
 *     are the committed ones.
 *
 * Re-capture the expected outputs: make -C examples/attacks expected (after npm run build)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../adapter/node-crypto';
import { loadElf, Machine, type StopReason } from '../../emulator/api';
import { parseMachineConfig } from '../../emulator/config-file';
import { validateLaunch } from '../../adapter/launch-config';
import { HAS_TOOLCHAIN } from '../oracles';
import { REPO_ROOT } from '../diff/vmscope';

const DIR = path.join(REPO_ROOT, 'examples', 'attacks');
const LEVELS = ['none', 'enc', 'es', 'snp'] as const;
type Level = (typeof LEVELS)[number];
const ASID: Record<Level, number> = { none: 1, enc: 2, es: 3, snp: 4 };

type Outcome = 'SUCCEEDED' | 'STOPPED' | 'NOT-STOPPED';
/** An outcome, and for STOPPED what stopped it (matched against the line's reason). */
interface Expect { outcome: Outcome; by?: RegExp }
const S: Expect = { outcome: 'SUCCEEDED' };
const NS: Expect = { outcome: 'NOT-STOPPED' };
const ENCRYPTION: Expect = { outcome: 'STOPPED', by: /^encryption: host [0-9a-f]+ holds ciphertext/ };
const REGISTERS: Expect = { outcome: 'STOPPED', by: /^register protection: s1 read 0 at the exit/ };
const INTEGRITY: Expect = { outcome: 'STOPPED', by: /^integrity fault \(cause 25\)/ };

/** cvm-model section 7, per level (examples/attacks/README.md has the same table with the reasons). */
const TABLE: Record<string, Record<Level, Expect>> = {
  'read-secrets': { none: S, enc: ENCRYPTION, es: ENCRYPTION, snp: ENCRYPTION },
  'register-tampering': { none: S, enc: S, es: REGISTERS, snp: REGISTERS },
  remapping: { none: S, enc: S, es: S, snp: INTEGRITY },
  replay: { none: S, enc: S, es: S, snp: INTEGRITY },
  'cache-probing': { none: S, enc: NS, es: NS, snp: NS },
  cachewarp: { none: S, enc: NS, es: NS, snp: NS },
  'ciphertext-side-channel': { none: S, enc: S, es: NS, snp: NS },
};
const ATTACKS = Object.keys(TABLE);

interface Run {
  machine: Machine;
  stop: StopReason;
  out: string;
  /** The result lines, in order. */
  results: { attack: string; level: string; outcome: string; why: string }[];
}

const RESULT = /^\[attack\] (\S+) level=(\w+): ([A-Z-]+): (.*)$/;
const runs = new Map<string, Run>();

/**
 * Run examples/attacks/<name>/<name>.elf in-process with its configuration (once per test file). The
 * run is not judged here: a level that goes wrong must not hide the results of the others.
 */
function run(name: string): Run {
  const cached = runs.get(name);
  if (cached !== undefined) return cached;
  const config = parseMachineConfig(readFileSync(path.join(DIR, name, `${name}.vmscope.json`), 'utf8'));
  const machine = new Machine(config, { crypto: new NodeCrypto() });
  machine.load(loadElf(readFileSync(path.join(DIR, name, `${name}.elf`))));
  let out = '';
  machine.onOutput = (b) => { out += Buffer.from(b).toString('latin1'); };
  const stop = machine.run(50_000_000);
  const results = out.split('\n').flatMap((line) => {
    const m = RESULT.exec(line);
    return m === null ? [] : [{ attack: m[1]!, level: m[2]!, outcome: m[3]!, why: m[4]! }];
  });
  const r = { machine, stop, out, results };
  runs.set(name, r);
  return r;
}

/** The hex number `re` captures in the part of the output about `level` (from its `[hv] level=` line on). */
function hostAddress(out: string, level: Level, re: RegExp): number {
  const part = out.split(/^(?=\[hv\] level=)/m).find((p) => p.startsWith(`[hv] level=${level}:`));
  const m = part === undefined ? null : re.exec(part);
  if (m === null) throw new Error(`no ${re} in the output of level ${level}`);
  return parseInt(m[1]!, 16);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u32 = (b: Uint8Array): number => Buffer.from(b).readUInt32LE(0);

describe.each(ATTACKS)('examples/attacks/%s', (name) => {
  it('runs to the end and exits 0', () => {
    const r = run(name);
    expect(r.stop, r.out).toEqual({ kind: 'exit', code: 0 });
  });

  it('prints its .expected output', () => {
    expect(run(name).out).toBe(readFileSync(path.join(DIR, name, `${name}.expected`), 'latin1'));
  });

  it('prints one result per level, in order', () => {
    expect(run(name).results.map((r) => `${r.attack} ${r.level}`)).toEqual(LEVELS.map((l) => `${name} ${l}`));
  });

  for (const level of LEVELS) {
    const want = TABLE[name]![level];
    it(`level=${level}: ${want.outcome}${want.by ? ` (${want.by.source.replace(/^\^/, '')})` : ''}`, () => {
      const got = run(name).results.find((r) => r.level === level);
      expect(got, `no result line for level ${level}`).toBeDefined();
      expect(got!.outcome, got!.why).toBe(want.outcome);
      if (want.by) expect(got!.why).toMatch(want.by);
    });
  }
});

describe('what the attacks did, seen from outside the guests', () => {
  it('read-secrets: DRAM holds the secret in plaintext at level none, ciphertext of it under the guest key above', () => {
    const { machine: m, out } = run('read-secrets');
    const secret = Buffer.from('my PIN is 4711!\0', 'latin1');
    for (const level of LEVELS) {
      const pa = hostAddress(out, level, /maps GPA 80004000 to host ([0-9a-f]+)/);
      const dram = m.mee!.readDram(pa, 16);
      const plain = m.readPhys(pa, 16, ASID[level]); // through the key bound to the guest's ASID
      expect(Buffer.from(plain), level).toEqual(secret);
      if (level === 'none') expect(Buffer.from(dram)).toEqual(secret);
      else expect(Buffer.from(dram), level).not.toEqual(secret);
    }
  });

  it('register-tampering: at es and snp the registers were in an encrypted VMSA', () => {
    const { machine: m } = run('register-tampering');
    for (const level of ['es', 'snp'] as const) {
      const g = m.sp!.guestByAsid(ASID[level])!;
      expect(g.vmsa, level).not.toBeNull();
      const plain = m.readPhys(g.vmsa!, 160, ASID[level]);
      expect(hex(m.mee!.readDram(g.vmsa!, 160)), level).not.toBe(hex(plain));
      const pc = Buffer.from(plain).readUInt32LE(32 * 4); // where the guest would resume: in its RAM
      expect(pc >= 0x80000000 && pc < 0x80008000, `VMSA pc ${pc.toString(16)}`).toBe(true);
    }
    for (const level of ['none', 'enc'] as const) expect(m.sp!.guestByAsid(ASID[level])?.vmsa ?? null, level).toBeNull();
  });

  it('remapping: the RMP binds page B\'s host page to GPA 80004000, which is what faulted at snp', () => {
    const { machine: m, out } = run('remapping');
    const pa = hostAddress(out, 'snp', /-> host ([0-9a-f]+) \(the page behind GPA 80004000\)/);
    expect(m.rmp!.entry(pa)).toMatchObject({ assigned: true, asid: ASID.snp, gpn: 0x80004, validated: true });
    expect((m.rmp!.viewState() as { faults: number }).faults).toBeGreaterThanOrEqual(1);
    // Lower levels have no RMP entries: their pages were never assigned.
    const enc = hostAddress(out, 'enc', /-> host ([0-9a-f]+) \(the page behind GPA 80004000\)/);
    expect(m.rmp!.entry(enc)?.assigned ?? false).toBe(false);
  });

  it('replay: the replayed balance is what the guest\'s page holds at the end, except at snp', () => {
    const { machine: m, out } = run('replay');
    for (const level of LEVELS) {
      const pa = hostAddress(out, level, /saved 16 bytes at host ([0-9a-f]+)/);
      expect(u32(m.readPhys(pa, 4, ASID[level])), level).toBe(level === 'snp' ? 0 : 100);
    }
    const snp = hostAddress(out, 'snp', /saved 16 bytes at host ([0-9a-f]+)/);
    expect(m.rmp!.entry(snp)).toMatchObject({ assigned: true, asid: ASID.snp });
  });

  it('cache-probing: every guest\'s lines were in the LLC under its own ASID, and the host missed in exactly one probed set', () => {
    const { machine: m, out } = run('cache-probing');
    for (const level of LEVELS) expect(m.cache!.stats('llc', ASID[level]).accesses, level).toBeGreaterThan(0);
    const probes = out.split('\n').filter((l) => l.startsWith('[hv] probe cycles per set:'));
    expect(probes).toHaveLength(4);
    for (const p of probes) {
      const cycles = p.split(':')[1]!.trim().split(' ').map(Number);
      expect(cycles).toHaveLength(16);
      expect(cycles.filter((c) => c === cycles[0]).length).toBe(15); // the quiet sets all cost the same
      expect(cycles.indexOf(Math.max(...cycles))).toBe(11); // the guest's secret index (cache-probing/secret.h)
    }
  });

  it('cachewarp: every guest\'s dirty lines were discarded, and its counter reads 3 again', () => {
    const { machine: m, out } = run('cachewarp');
    for (const level of LEVELS) {
      const discards = m.cache!.stats('l1d', ASID[level]).discards + m.cache!.stats('llc', ASID[level]).discards;
      expect(discards, level).toBeGreaterThan(0);
      const base = hostAddress(out, level, /private RAM at host ([0-9a-f]+)\.\./);
      expect(u32(m.readPhys(base + 0x4000, 4, ASID[level])), level).toBe(3); // attempts_page: GPA 80004000
    }
  });

  it('ciphertext-side-channel: the VMSA block of t3 took exactly two ciphertexts, in the pattern of the secret bits', () => {
    const { out } = run('ciphertext-side-channel');
    for (const level of ['es', 'snp'] as const) {
      const part = out.split(/^(?=\[hv\] level=)/m).find((p) => p.startsWith(`[hv] level=${level}:`))!;
      const blocks = [...part.matchAll(/exit \d: ([0-9a-f]{32})/g)].map((x) => x[1]!);
      expect(blocks, level).toHaveLength(9);
      expect(new Set(blocks).size, level).toBe(2);
      const bits = blocks.slice(1).map((b) => (b === blocks[0] ? '0' : '1')).join('');
      expect(parseInt(bits, 2), level).toBe(0xa5); // ciphertext-side-channel/secret.h
    }
  });
});

describe('examples/attacks/.vscode/launch.json', () => {
  it('has a valid vmscope configuration per attack, with its config file and the guest symbols for VMIDs 1..4', () => {
    const text = readFileSync(path.join(DIR, '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const configs = (JSON.parse(text) as { configurations: Record<string, unknown>[] }).configurations;
    const at = (p: string): string => p.replace('${workspaceFolder}', DIR);
    expect(configs.map((c) => c.name)).toEqual(ATTACKS.map((a) => `vmscope: attack ${a}`));
    for (const [i, c] of configs.entries()) {
      const v = validateLaunch(c);
      if (typeof v === 'string') throw new Error(v);
      expect(at(v.program)).toBe(path.join(DIR, ATTACKS[i]!, `${ATTACKS[i]}.elf`));
      expect(existsSync(at(v.config!)), v.config).toBe(true);
      expect(v.symbols!.map((g) => g.vmid)).toEqual([1, 2, 3, 4]);
      for (const g of v.symbols!) expect(existsSync(at(g.program)), g.program).toBe(true);
    }
  });
});

describe.skipIf(!HAS_TOOLCHAIN)('examples/attacks rebuilds from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-attacks-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('make -C examples/attacks builds every example and its guest', () => {
    execFileSync('make', ['-C', DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
    for (const a of ATTACKS) for (const f of [`${a}.elf`, `${a}-guest.elf`]) expect(existsSync(path.join(out, a, f)), f).toBe(true);
  }, 180_000);

  // Not bit-identical (the debug info names the build directory), but the loaded bytes must be the
  // committed ones: otherwise the committed ELFs are stale.
  it.each(ATTACKS.flatMap((a) => [`${a}/${a}.elf`, `${a}/${a}-guest.elf`]))('rebuilt %s loads the same bytes as the committed one', (f) => {
    const flat = (elf: string, bin: string) => {
      execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
      return readFileSync(bin);
    };
    const tag = f.replace(/\//g, '_');
    const rebuilt = flat(path.join(out, f), path.join(out, `${tag}.rebuilt.bin`));
    const committed = flat(path.join(DIR, f), path.join(out, `${tag}.committed.bin`));
    expect(Buffer.compare(rebuilt, committed)).toBe(0);
  });
});
