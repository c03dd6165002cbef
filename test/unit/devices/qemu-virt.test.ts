/**
 * Differential test of the device models against QEMU 7.2 `virt` (see virt-sequence.ts). The results
 * QEMU gave are committed in fixtures/qemu-virt-7.2.json, so the comparison runs without QEMU; with
 * qemu-system-riscv32 7.2 and the RISC-V GCC on PATH the script is also run live and must give the
 * same results (VMSCOPE_UPDATE_FIXTURES=1 rewrites the fixture from the live run).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cProgram, LINK_LD, parseReport, replay, START_S, VIRT_SEQUENCE, type Result } from './virt-sequence';

const FIXTURE = path.join(__dirname, 'fixtures', 'qemu-virt-7.2.json');
const QEMU = 'qemu-system-riscv32';
const CC = 'riscv64-unknown-elf-gcc';

function version(cmd: string): string {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

const LIVE = /version 7\.2\./.test(version(QEMU)) && version(CC) !== '';

function runQemu(): Result[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-virt-'));
  fs.writeFileSync(path.join(dir, 'start.S'), START_S);
  fs.writeFileSync(path.join(dir, 'seq.c'), cProgram(VIRT_SEQUENCE));
  fs.writeFileSync(path.join(dir, 'link.ld'), LINK_LD);
  const elf = path.join(dir, 'seq.elf');
  const cc = spawnSync(CC, ['-march=rv32ima_zicsr', '-mabi=ilp32', '-O1', '-ffreestanding', '-nostdlib', '-nostartfiles',
    '-Wl,--no-warn-rwx-segments', '-T', path.join(dir, 'link.ld'), path.join(dir, 'start.S'), path.join(dir, 'seq.c'), '-o', elf],
  { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the QEMU script failed:\n${cc.stderr}`);
  const q = spawnSync(QEMU, ['-M', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-kernel', elf],
    { encoding: 'utf8', timeout: 30_000 });
  if (q.status !== 0) throw new Error(`QEMU exited with ${q.status}:\n${q.stderr}\n${q.stdout}`);
  return parseReport(VIRT_SEQUENCE, q.stdout);
}

describe('devices vs QEMU 7.2 virt', () => {
  it('replay gives the results recorded from QEMU 7.2', () => {
    const recorded = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Result[];
    expect(replay(VIRT_SEQUENCE)).toEqual(recorded);
  });

  it.skipIf(!LIVE)('replay gives what qemu-system-riscv32 7.2 gives now (live)', () => {
    const live = runQemu();
    if (process.env.VMSCOPE_UPDATE_FIXTURES) fs.writeFileSync(FIXTURE, JSON.stringify(live, null, 1) + '\n');
    expect(live).toHaveLength(VIRT_SEQUENCE.length);
    expect(replay(VIRT_SEQUENCE)).toEqual(live);
    expect(JSON.parse(fs.readFileSync(FIXTURE, 'utf8'))).toEqual(live);
  });
});
