/**
 * Differential tests: every guest in test/programs must produce exactly NAME.expected on stdout and
 * exit with NAME.exitcode -- on vmscope (always) and on QEMU (when installed, so the expected files
 * cannot silently rot). With the RISC-V toolchain installed, the guests are also rebuilt from source
 * into a temporary directory and run.
 *
 * UPDATE_EXPECTED=1 re-captures the expected files from QEMU (3 runs that must agree):
 *   make -C test/programs expected
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { HAS_TOOLCHAIN } from '../oracles';
import { hasQemu, qemuCommandLine, runQemu, type RunResult } from './qemu';
import { REPO_ROOT, runVmscope } from './vmscope';

const PROGRAMS_DIR = path.join(REPO_ROOT, 'test', 'programs');

interface Program {
  name: string;
  harts: number;
  maxInsns: number;
  covers: string;
  /** Needs the hypervisor extension: QEMU -cpu ...,h=true and vmscope --isa with h. */
  h?: boolean;
}

const manifest = JSON.parse(readFileSync(path.join(PROGRAMS_DIR, 'programs.json'), 'utf8')) as { programs: Program[] };
const PROGRAMS = manifest.programs;
const UPDATE = process.env.UPDATE_EXPECTED === '1';

const elfPath = (p: Program, dir = PROGRAMS_DIR) => path.join(dir, `${p.name}.elf`);
const expectedPath = (p: Program) => path.join(PROGRAMS_DIR, `${p.name}.expected`);
const exitCodePath = (p: Program) => path.join(PROGRAMS_DIR, `${p.name}.exitcode`);

function expected(p: Program): { stdout: Buffer; exitCode: number } {
  return {
    stdout: readFileSync(expectedPath(p)),
    exitCode: Number.parseInt(readFileSync(exitCodePath(p), 'utf8').trim(), 10),
  };
}

/** Compare as text first (readable diffs), then as bytes (no encoding surprises). */
function expectSameRun(what: string, got: RunResult, want: { stdout: Buffer; exitCode: number }) {
  expect(got.timedOut, `${what}: timed out; stderr: ${got.stderr}`).toBe(false);
  expect(got.stdout.toString('latin1'), `${what}: stdout`).toBe(want.stdout.toString('latin1'));
  expect(Buffer.compare(got.stdout, want.stdout), `${what}: stdout bytes`).toBe(0);
  expect(got.exitCode, `${what}: exit code; stderr: ${got.stderr}`).toBe(want.exitCode);
}


describe('guest programs on vmscope', () => {
  for (const p of PROGRAMS) {
    test.skipIf(UPDATE)(`${p.name}: output and exit code match ${p.name}.expected`, async () => {
      const got = await runVmscope(elfPath(p), { harts: p.harts, maxInsns: p.maxInsns, h: p.h });
      expectSameRun(`vmscope ${p.name}`, got, expected(p));
    });
  }
});

describe.skipIf(!hasQemu())('guest programs on QEMU (keeps the expected files honest)', () => {
  for (const p of PROGRAMS) {
    test(`${p.name}: QEMU output and exit code match ${p.name}.expected`, async () => {
      if (UPDATE) {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await runQemu(elfPath(p), { harts: p.harts, h: p.h }));
        for (const r of runs) {
          expect(r.timedOut, `${qemuCommandLine(elfPath(p), p.harts, p.h)} timed out`).toBe(false);
          expect(Buffer.compare(r.stdout, runs[0].stdout), 'QEMU output differs between runs').toBe(0);
          expect(r.exitCode, 'QEMU exit code differs between runs').toBe(runs[0].exitCode);
        }
        writeFileSync(expectedPath(p), runs[0].stdout);
        writeFileSync(exitCodePath(p), `${runs[0].exitCode}\n`);
        return;
      }
      const got = await runQemu(elfPath(p), { harts: p.harts, h: p.h });
      expectSameRun(qemuCommandLine(elfPath(p), p.harts, p.h), got, expected(p));
    });
  }
});

describe('guest program invariants', () => {
  test('rvc_c (with C) and rvc_noc (without C) print the same thing', () => {
    const c = PROGRAMS.find((p) => p.name === 'rvc_c')!;
    const noc = PROGRAMS.find((p) => p.name === 'rvc_noc')!;
    expect(readFileSync(expectedPath(noc)).toString('latin1')).toBe(readFileSync(expectedPath(c)).toString('latin1'));
  });

  test('rvc_noc.elf has no compressed instructions (ELF e_flags.RVC clear), rvc_c.elf has', () => {
    const flags = (name: string) => readFileSync(path.join(PROGRAMS_DIR, `${name}.elf`)).readUInt32LE(36);
    expect(flags('rvc_noc') & 1).toBe(0);
    expect(flags('rvc_c') & 1).toBe(1);
  });

  test('at least one program exits non-zero on purpose', () => {
    expect(PROGRAMS.some((p) => expected(p).exitCode !== 0)).toBe(true);
  });
});

describe.skipIf(UPDATE || !HAS_TOOLCHAIN)('guest programs rebuild from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-programs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('make -C test/programs builds every program', () => {
    execFileSync('make', ['-C', PROGRAMS_DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
  }, 300_000);

  for (const p of PROGRAMS) {
    // Not bit-identical to the committed ELF (debug info names temporary files), but it must behave
    // the same: nothing a guest prints depends on code addresses.
    test(`rebuilt ${p.name}.elf runs and matches ${p.name}.expected`, async () => {
      const elf = elfPath(p, out);
      const got = hasQemu()
        ? await runQemu(elf, { harts: p.harts, h: p.h })
        : await runVmscope(elf, { harts: p.harts, maxInsns: p.maxInsns, h: p.h });
      expectSameRun(`rebuilt ${p.name}`, got, expected(p));
    });
  }
});
