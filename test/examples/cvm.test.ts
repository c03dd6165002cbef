/**
 * examples/cvm: the reference hypervisor launching an encrypted guest through the secure processor.
 *
 *  (a) In process (Machine + NodeCrypto, the machine of cvm.vmscope.json): exit 0, cvm.expected.
 *  (b) Memory encryption as the output claims: the page the hypervisor dumps is the DRAM ciphertext
 *      of the guest's secret page, not the secret, and it decrypts to the secret under ASID 1's key.
 *  (c) Attestation: the report verifies with the chip's public key (Node crypto, not vmscope's code),
 *      its measurement is the digest LAUNCH_MEASURE printed and the SNP digest of the guest image
 *      computed here, its report_data is the guest's.
 *  (d) The same output with the cache model on.
 *  (e) The CLI as the README runs it: `vmscope run ... --reports DIR`, then `vmscope verify-report`;
 *      and without the secure processor, a message that says what to do.
 *  (f) The launch configuration of examples/cvm/.vscode/launch.json stops in the guest (VMID 1).
 *  (g) With the RISC-V toolchain, `make -C examples/cvm` rebuilds the committed ELFs.
 *
 * Re-capture the expected output (QEMU has no secure processor): make -C examples/cvm expected
 */
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSymbol, loadElf, Machine, type MachineConfig, type StopReason } from '../../emulator/api';
import { parseMachineConfig } from '../../emulator/config-file';
import { NodeCrypto } from '../../adapter/node-crypto';
import { HAS_TOOLCHAIN } from '../oracles';
import { vmscope } from '../cli/cli';
import { client } from '../dap/helpers';
import { REPO_ROOT } from '../diff/vmscope';
import { flatImage } from './flat-image';

const DIR = path.join(REPO_ROOT, 'examples', 'cvm');
const ELF = path.join(DIR, 'cvm.elf');
const GUEST_ELF = path.join(DIR, 'cvm-guest.elf');
const CONFIG = path.join(DIR, 'cvm.vmscope.json');
const EXPECTED = readFileSync(path.join(DIR, 'cvm.expected'), 'latin1');

/** What guest/guest.c keeps in its private page and puts in report_data. */
const SECRET = 'vault code 0451, tell no one';
const REPORT_DATA = 'nonce from the guest owner: 5eaf00d5c0ffee42';
const GUEST_RAM = 0x8000_0000;
const PAGE = 4096;
/** SNP report layout (emulator/cvm/sp/README.md). */
const REPORT = { size: 0x4a0, signed: 0x2a0, version: 0x00, policy: 0x08, sigAlgo: 0x34, reportData: 0x50, measurement: 0x90, chipId: 0x1a0, sigR: 0x2a0, sigS: 0x2e8 };

interface Run {
  machine: Machine;
  stop: StopReason;
  text: string;
}

function runInProcess(elf: string, extra: Partial<MachineConfig> = {}): Run {
  const config: MachineConfig = { ...parseMachineConfig(readFileSync(CONFIG, 'utf8')), ...extra };
  const machine = new Machine(config, { crypto: new NodeCrypto() });
  machine.load(loadElf(readFileSync(elf)));
  const out: Buffer[] = [];
  machine.onOutput = (b) => out.push(Buffer.from(b));
  const stop = machine.run(50_000_000);
  return { machine, stop, text: Buffer.concat(out).toString('latin1') };
}

/** The first match of `re` in `text` (its groups), or a failure naming what was looked for. */
function match(text: string, re: RegExp): RegExpExecArray {
  const m = re.exec(text);
  if (m === null) throw new Error(`no line matching ${re} in the output:\n${text}`);
  return m;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const u32 = (b: Uint8Array, off: number): number => Buffer.from(b).readUInt32LE(off);

/**
 * The SNP launch digest (cvm-model 5.5), written out here rather than taken from the emulator: per
 * 4 KiB page (the last one padded with zeros), LD = SHA-384(LD || SHA-384(page) || u16 0x70 ||
 * u8 page_type 1 || 5 zero bytes || u64 gpa).
 */
function launchDigest(image: Uint8Array, gpa: number): Uint8Array {
  const sha384 = (b: Uint8Array) => crypto.createHash('sha384').update(b).digest();
  let ld: Buffer = Buffer.alloc(48);
  for (let off = 0; off < image.length; off += PAGE) {
    const page = Buffer.alloc(PAGE);
    page.set(image.subarray(off, off + PAGE));
    const info = Buffer.alloc(0x70);
    ld.copy(info, 0);
    sha384(page).copy(info, 0x30);
    info.writeUInt16LE(0x70, 0x60);
    info[0x62] = 1;
    info.writeBigUInt64LE(BigInt(gpa + off), 0x68);
    ld = sha384(info);
  }
  return ld;
}

/** ECDSA P-384 / SHA-384 over [0, 0x2A0) with r and s little-endian in 72-byte fields. */
function signatureValid(report: Uint8Array, publicPem: string): boolean {
  const be = (off: number) => Buffer.from(report.slice(off, off + 48)).reverse();
  const padding = [...report.subarray(REPORT.sigR + 48, REPORT.sigS), ...report.subarray(REPORT.sigS + 48, REPORT.sigS + 72)];
  if (padding.some((b) => b !== 0)) return false;
  return crypto.verify('sha384', report.subarray(0, REPORT.signed), { key: crypto.createPublicKey(publicPem), dsaEncoding: 'ieee-p1363' },
    Buffer.concat([be(REPORT.sigR), be(REPORT.sigS)]));
}

describe('cvm in process (cvm.vmscope.json)', () => {
  let run: Run, machine: Machine, text: string;
  beforeAll(() => {
    run = runInProcess(ELF);
    ({ machine, text } = run);
  });

  it('exits 0 and prints cvm.expected', () => {
    expect(run.stop).toEqual({ kind: 'exit', code: 0 });
    expect(text).toBe(EXPECTED);
  });

  it('prints every launch command with its status, in KVM\'s order', () => {
    const cmds = [...text.matchAll(/^\[hv\] SP (\w+) .* -> (\w+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(cmds[0]).toBe('LAUNCH_START SUCCESS');
    expect(cmds[1]).toBe('ACTIVATE SUCCESS');
    expect(cmds.filter((c) => c === 'LAUNCH_UPDATE_DATA SUCCESS').length).toBeGreaterThan(0);
    expect(cmds.slice(-3)).toEqual(['LAUNCH_MEASURE SUCCESS', 'LAUNCH_FINISH SUCCESS', 'ATTESTATION_REPORT SUCCESS']);
  });

  it('the hypervisor dumps the DRAM ciphertext of the secret page, which decrypts to the secret only with ASID 1\'s key', () => {
    const gpa = Number.parseInt(match(text, /^\[guest\] my secret, in a private page at GPA ([0-9a-f]+): "([^"]*)"$/m)[1]!, 16);
    expect(text).toContain(`[guest] my secret, in a private page at GPA ${gpa.toString(16)}: "${SECRET}"`);
    const m = match(text, /^\[hv\] the guest asks me to read its page at GPA ([0-9a-f]+): host ([0-9a-f]+), where DRAM holds\n\[hv\] {3}([0-9a-f]{64}) /m);
    expect(Number.parseInt(m[1]!, 16)).toBe(gpa);
    const hpa = Number.parseInt(m[2]!, 16);
    const dumped = Buffer.from(m[3]!, 'hex');

    const secret = Buffer.concat([Buffer.from(SECRET, 'latin1'), Buffer.alloc(dumped.length - SECRET.length)]);
    expect(Buffer.from(machine.mee!.readDram(hpa, dumped.length))).toEqual(dumped); // what DRAM holds
    expect(Buffer.from(machine.readPhys(hpa, dumped.length))).toEqual(dumped);      // the host's view, no key
    expect(dumped.equals(secret)).toBe(false);
    expect(dumped.includes(Buffer.from('vault'))).toBe(false);
    expect(Buffer.from(machine.readPhys(hpa, dumped.length, 1))).toEqual(secret);   // through ASID 1's key
    // The guest sets the first 4 bytes the hypervisor read beside its own.
    expect(text).toContain(`[guest] the hypervisor read ${m[3]!.slice(0, 8)}... where I read ${hex(secret.subarray(0, 4))}...:`);
  });

  it('the image pages hold ciphertext after LAUNCH_UPDATE_DATA: the hypervisor\'s before/after bytes', () => {
    const m = match(text, /^\[hv\] {3}host ([0-9a-f]+), first 16 bytes: ([0-9a-f]{32}) before, ([0-9a-f]{32}) after$/m);
    const hpa = Number.parseInt(m[1]!, 16);
    const image = flatImage(loadElf(readFileSync(GUEST_ELF)));
    expect(m[2]).toBe(hex(image.subarray(0, 16)));
    expect(m[3]).toBe(hex(machine.mee!.readDram(hpa, 16)));
    expect(Buffer.from(machine.readPhys(hpa, 16, 1))).toEqual(Buffer.from(image.subarray(0, 16)));
  });

  it('the guest image embedded in cvm.elf is cvm-guest.elf\'s', () => {
    const hv = loadElf(readFileSync(ELF));
    const start = findSymbol(hv, 'guest_image')!.value, end = findSymbol(hv, 'guest_image_end')!.value;
    const seg = hv.segments.find((s) => s.paddr <= start && end <= s.paddr + s.data.length)!;
    const embedded = seg.data.subarray(start - seg.paddr, end - seg.paddr);
    expect(Buffer.from(embedded)).toEqual(Buffer.from(flatImage(loadElf(readFileSync(GUEST_ELF)))));
    expect(text).toContain(`[hv] guest image: ${embedded.length} bytes copied to GPA 80000000`);
  });

  it('the report verifies, and attests the launch digest, the policy and the guest\'s report_data', () => {
    const reports = machine.sp!.reports();
    expect(reports.length).toBe(1);
    const rep = reports[0]!.bytes;
    expect(rep.length).toBe(REPORT.size);
    expect(signatureValid(rep, machine.sp!.chipPublicKeyPem())).toBe(true);
    const tampered = rep.slice();
    tampered[REPORT.reportData] ^= 1;
    expect(signatureValid(tampered, machine.sp!.chipPublicKeyPem())).toBe(false);

    expect(u32(rep, REPORT.version)).toBe(2);
    expect(u32(rep, REPORT.policy)).toBe(0);
    expect(u32(rep, REPORT.sigAlgo)).toBe(1);
    const measurement = hex(rep.subarray(REPORT.measurement, REPORT.measurement + 48));
    expect(match(text, /^\[hv\] {3}measurement ([0-9a-f]{96})$/m)[1]).toBe(measurement);
    expect(match(text, /^\[guest\] {3}measurement ([0-9a-f]{96})$/m)[1]).toBe(measurement);
    const image = flatImage(loadElf(readFileSync(GUEST_ELF)));
    expect(hex(launchDigest(image, GUEST_RAM))).toBe(measurement);

    const reportData = Buffer.alloc(64);
    reportData.write(REPORT_DATA, 'latin1');
    expect(Buffer.from(rep.subarray(REPORT.reportData, REPORT.reportData + 64))).toEqual(reportData);
    expect(text).toContain(`[guest]   report_data "${REPORT_DATA}": mine, echoed back`);
    expect(text).toContain(`[guest]   chip_id ${hex(rep.subarray(REPORT.chipId, REPORT.chipId + 16))}...`);

    // The firmware wrote it into the shared page, where it stays in DRAM as is (no key).
    const at = Number.parseInt(match(text, /^\[hv\] SP ATTESTATION_REPORT handle 1, to host ([0-9a-f]+) -> SUCCESS/m)[1]!, 16);
    expect(Buffer.from(machine.mee!.readDram(at, REPORT.size))).toEqual(Buffer.from(rep));
  });
});

describe('cvm with the cache model on', () => {
  it('prints the same and exits 0; the secret page\'s first line is in the L1D under both tags', () => {
    const run = runInProcess(ELF, { caches: {} });
    expect(run.stop).toEqual({ kind: 'exit', code: 0 });
    expect(run.text).toBe(EXPECTED);
    const cache = run.machine.cache!;
    expect(cache.asids()).toEqual(expect.arrayContaining([0, 1]));
    // README, "Debugging it": (pa, ASID 1, private) from the guest's write, (pa, ASID 0, shared) from
    // the hypervisor's read (cvm-model 4.1).
    const hpa = Number.parseInt(match(EXPECTED, /^\[hv\] the guest asks me to read its page at GPA [0-9a-f]+: host ([0-9a-f]+),/m)[1]!, 16);
    const tags = cache.lines('hart0.l1d').filter((l) => l.pa === hpa).map((l) => `${l.asid}/${l.enc}`).sort();
    expect(tags).toEqual(['0/0', '1/1']);
  });
});

describe('cvm through the CLI', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmscope-cvm-reports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('vmscope run --config cvm.vmscope.json --reports DIR, then vmscope verify-report: valid', () => {
    const run = vmscope(['run', ELF, '--config', CONFIG, '--reports', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.toString('latin1')).toBe(EXPECTED);
    const verify = vmscope(['verify-report', path.join(dir, 'report-1.bin'), '--chip-key', path.join(dir, 'chip-key.pem')]);
    expect(verify.code, verify.stderr).toBe(0);
    const out = verify.stdout.toString();
    expect(out).toContain('signature: valid');
    expect(out).toContain(`measurement: ${match(EXPECTED, /^\[hv\] {3}measurement ([0-9a-f]{96})$/m)[1]}`);
  });

  it('without the secure processor, the firmware says how to run it (exit 5)', () => {
    const run = vmscope(['run', ELF]);
    expect(run.code).toBe(5);
    expect(run.stdout.toString()).toContain('[fw] no secure processor at 10200000: run this on vmscope with the secure-processor feature');
  });
});

describe('cvm in the debugger (examples/cvm/.vscode/launch.json)', () => {
  it('stops at a guest source line in VS-mode, VMID 1, with the guest\'s symbols', async () => {
    const json = readFileSync(path.join(DIR, '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '').replaceAll('${workspaceFolder}', DIR);
    const launch = (JSON.parse(json) as { configurations: Record<string, unknown>[] }).configurations.find((c) => c.name === 'vmscope: cvm (caches on)')!;
    expect(launch).toBeDefined();
    const guestC = path.join(DIR, 'guest', 'guest.c');
    const line = readFileSync(guestC, 'utf8').split('\n').findIndex((l) => l.includes('say("my secret, in a private page')) + 1;
    expect(line).toBeGreaterThan(0);

    const dc = client();
    await dc.start();
    try {
      const stopped = dc.waitForEvent('stopped', 30_000);
      await Promise.all([
        dc.waitForEvent('initialized').then(async () => {
          await dc.setBreakpointsRequest({ source: { path: guestC }, breakpoints: [{ line }] });
          await dc.configurationDoneRequest();
        }),
        dc.launch(launch as DebugProtocol.LaunchRequestArguments),
      ]);
      expect(((await stopped) as DebugProtocol.StoppedEvent).body.reason).toBe('breakpoint');
      expect((await dc.threadsRequest()).body.threads[0]!.name).toBe('hart 0: VS-mode, VMID 1 (cvm-guest)');
      const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
      expect(frame.name).toBe('main');
      expect(frame.source?.path).toBe(guestC);
      expect(frame.line).toBe(line);
      // The secret page as the guest sees it (gpa:1:, through its key) and as DRAM holds it (phys:, the
      // hypervisor's view): the README's "Debugging it".
      const gpa = findSymbol(loadElf(readFileSync(GUEST_ELF)), 'secret_page')!.value;
      const hpa = match(EXPECTED, new RegExp(`^\\[hv\\] the guest asks me to read its page at GPA ${gpa.toString(16)}: host ([0-9a-f]+),`, 'm'))[1]!;
      const read = async (memoryReference: string) =>
        Buffer.from(((await dc.customRequest('readMemory', { memoryReference, count: SECRET.length })).body as { data: string }).data, 'base64').toString('latin1');
      expect(await read(`gpa:1:0x${gpa.toString(16)}`)).toBe(SECRET);
      expect(await read(`dec:1:0x${hpa}`)).toBe(SECRET);
      expect(await read(`phys:0x${hpa}`)).not.toBe(SECRET);
    } finally {
      await dc.stop();
    }
  });
});

describe.skipIf(!HAS_TOOLCHAIN)('cvm rebuilds from source', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'vmscope-cvm-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('make -C examples/cvm builds cvm.elf and cvm-guest.elf', () => {
    execFileSync('make', ['-C', DIR, '-B', `OUT=${out}`], { stdio: 'pipe' });
    for (const f of ['cvm.elf', 'cvm-guest.elf']) expect(existsSync(path.join(out, f)), f).toBe(true);
  }, 120_000);

  // Not bit-identical (the debug info names the build directory), but the loaded bytes must be the
  // committed ones: otherwise the committed ELFs are stale.
  it.each(['cvm.elf', 'cvm-guest.elf'])('rebuilt %s loads the same bytes as the committed one', (f) => {
    const flat = (elf: string, bin: string) => {
      execFileSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
      return readFileSync(bin);
    };
    const rebuilt = flat(path.join(out, f), path.join(out, `${f}.rebuilt.bin`));
    const committed = flat(path.join(DIR, f), path.join(out, `${f}.committed.bin`));
    expect(Buffer.compare(rebuilt, committed)).toBe(0);
  });

  it('rebuilt cvm.elf prints cvm.expected', () => {
    const run = runInProcess(path.join(out, 'cvm.elf'));
    expect(run.stop).toEqual({ kind: 'exit', code: 0 });
    expect(run.text).toBe(EXPECTED);
  });
});
