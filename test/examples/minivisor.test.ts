/**
 * examples/minivisor: a small hypervisor (HS-mode) running two guests (VS-mode).
 *
 *  (a) QEMU 7.2 with the H extension prints exactly minivisor.expected and exits 0 (when installed).
 *  (b) vmscope (`node dist/cli.js run examples/minivisor/minivisor.elf`) does the same -- once the
 *      emulator has the hypervisor extension. Whether it has is asked of the machine itself: the
 *      probe test/examples/fixtures/misa_h.elf exits 0 when misa bit 7 ('H') is set.
 *  (c) With the RISC-V toolchain, `make -C examples/minivisor` rebuilds it from source, and the
 *      rebuilt image is the committed one (so the committed ELFs cannot go stale).
 *
 * Re-capture the expected output from QEMU: make -C examples/minivisor expected
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_QEMU, HAS_TOOLCHAIN } from '../oracles';
import { QEMU_BIN, runProcess, type RunResult } from '../diff/qemu';
import { REPO_ROOT, VMSCOPE_CLI, runVmscope } from '../diff/vmscope';

const DIR = path.join(REPO_ROOT, 'examples', 'minivisor');
const ELF = path.join(DIR, 'minivisor.elf');
const EXPECTED = readFileSync(path.join(DIR, 'minivisor.expected'));
const PROBE = path.join(REPO_ROOT, 'test', 'examples', 'fixtures', 'misa_h.elf');

/** The command the expected file was captured with (examples/minivisor/Makefile, QEMU_ARGS). */
const QEMU_CPU_H =
  'rv32,h=true,debug=false,f=false,d=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false';
function qemuArgs(elf: string): string[] {
  return ['-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf, '-cpu', QEMU_CPU_H, '-smp', '1',
    '-icount', 'shift=0,sleep=off', '-monitor', 'none', '-serial', 'stdio'];
}
const runQemuH = (elf: string) => runProcess(QEMU_BIN, qemuArgs(elf), 30_000);

/** Does vmscope's default machine have H? Run the probe (exit 0 = misa.H set). */
function vmscopeHasHypervisor(): boolean {
  if (!existsSync(VMSCOPE_CLI)) return false;
  const r = spawnSync(process.execPath, [VMSCOPE_CLI, 'run', PROBE, '--max-insns', '1000'], { stdio: 'ignore' });
  return r.status === 0;
}
const hypervisorAvailable = vmscopeHasHypervisor();

function expectSameRun(what: string, got: RunResult) {
  expect(got.timedOut, `${what}: timed out; stderr: ${got.stderr}`).toBe(false);
  expect(got.stdout.toString('latin1'), `${what}: stdout`).toBe(EXPECTED.toString('latin1'));
  expect(Buffer.compare(got.stdout, EXPECTED), `${what}: stdout bytes`).toBe(0);
  expect(got.exitCode, `${what}: exit code; stderr: ${got.stderr}`).toBe(0);
}

describe('minivisor: the expected output', () => {
  it('shows both guests through every exit path and ends with the power-off', () => {
    const text = EXPECTED.toString('latin1');
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('[a] ')).length).toBeGreaterThan(2); // SBI console
    expect(lines.filter((l) => l.startsWith('[b] ')).length).toBeGreaterThan(2);
    expect(text).toContain('[a:vdev] ');  // MMIO exits
    expect(text).toContain('[b:vdev] ');
    expect(text).toMatch(/\[hv\] guest a shut down; exits: \d+ SBI, \d+ MMIO, [1-9]\d* lazy-map/);
    expect(text).toMatch(/\[hv\] guest b shut down; exits: \d+ SBI, \d+ MMIO, [1-9]\d* lazy-map/);
    // Time slicing: guest b prints while guest a computes without yielding.
    const counting = lines.findIndex((l) => l.startsWith('[a] counting primes'));
    const slice1 = lines.findIndex((l) => l.startsWith('[b] slice 1'));
    const result = lines.findIndex((l) => /^\[a\] \d+ primes below/.test(l));
    expect(counting).toBeGreaterThan(0);
    expect(slice1).toBeGreaterThan(counting);
    expect(result).toBeGreaterThan(slice1);
    expect(text.endsWith('[hv] all guests are done, powering off\n')).toBe(true);
  });
});

describe.skipIf(!HAS_QEMU)('minivisor on QEMU (h=true)', () => {
  it('prints minivisor.expected and exits 0', async () => {
    expectSameRun(`${QEMU_BIN} ${qemuArgs(ELF).join(' ')}`, await runQemuH(ELF));
  });

  it('the probe sees H on QEMU with h=true and not with h=false', async () => {
    expect((await runQemuH(PROBE)).exitCode).toBe(0);
    const noH = qemuArgs(PROBE).map((a) => (a === QEMU_CPU_H ? a.replace('h=true', 'h=false') : a));
    expect((await runProcess(QEMU_BIN, noH, 30_000)).exitCode).toBe(1);
  });
});

describe('minivisor on vmscope', () => {
  it.skipIf(!hypervisorAvailable)('prints minivisor.expected and exits 0', async () => {
    expectSameRun(`node dist/cli.js run ${ELF}`, await runVmscope(ELF, { maxInsns: 100_000_000, timeoutMs: 120_000, defaultIsa: true }));
  }, 180_000);
});

describe.skipIf(!HAS_TOOLCHAIN)('minivisor rebuilds from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-minivisor-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('make -C examples/minivisor builds minivisor.elf, guest-a.elf and guest-b.elf', () => {
    execFileSync('make', ['-C', DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
    for (const f of ['minivisor.elf', 'guest-a.elf', 'guest-b.elf']) expect(existsSync(path.join(out, f)), f).toBe(true);
  }, 120_000);

  // Not bit-identical (the debug info names the build directory), but the loaded bytes must be the
  // committed ones: otherwise the committed ELFs are stale.
  it.each(['minivisor.elf', 'guest-a.elf', 'guest-b.elf'])('rebuilt %s loads the same bytes as the committed one', (f) => {
    const flat = (elf: string, bin: string) => {
      execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
      return readFileSync(bin);
    };
    const rebuilt = flat(path.join(out, f), path.join(out, `${f}.rebuilt.bin`));
    const committed = flat(path.join(DIR, f), path.join(out, `${f}.committed.bin`));
    expect(Buffer.compare(rebuilt, committed)).toBe(0);
  });

  it.skipIf(!HAS_QEMU)('rebuilt minivisor.elf prints minivisor.expected on QEMU', async () => {
    expectSameRun('rebuilt minivisor.elf on QEMU', await runQemuH(path.join(out, 'minivisor.elf')));
  });
});
