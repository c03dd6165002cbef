/** `vmscope chip-key` and `vmscope verify-report` on reports the secure processor produced. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../adapter/cli/exit-codes';
import { POLICY_NODBG, POLICY_SNP, REPORT_SIZE, ReportField, SpCmd } from '../../emulator/cvm/sp';
import { pattern, REPORT_AT, spMachine } from '../unit/cvm/sp-harness';
import { vmscope } from './cli';

const SEED = 4242;
let dir: string;
let report: Uint8Array;
let measurement: string;
const at = (name: string): string => path.join(dir, name);
const hex = (b: Uint8Array, off: number, len: number): string => Buffer.from(b.subarray(off, off + len)).toString('hex');

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-verify-'));
  const t = spMachine(SEED);
  const h = t.running(POLICY_NODBG | POLICY_SNP);
  expect(t.report(h, pattern(64, 5)).status).toBe(0);
  report = t.mee.readDram(REPORT_AT, REPORT_SIZE);
  measurement = hex(report, ReportField.measurement, 48);
  fs.writeFileSync(at('report.bin'), report);
  expect(t.sp.reports().length).toBe(1);
  expect(SpCmd.ATTESTATION_REPORT).toBe(0x36);
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('vmscope chip-key', () => {
  it('prints the PEM for a seed, and writes the same with -o', () => {
    const printed = vmscope(['chip-key', '--seed', String(SEED)]);
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(printed.stdout.toString()).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const written = vmscope(['chip-key', '--seed', String(SEED), '-o', at('key.pem')]);
    expect(written.code).toBe(0);
    expect(written.stdout.toString()).toBe('');
    expect(fs.readFileSync(at('key.pem'), 'utf8')).toBe(printed.stdout.toString());
    expect(vmscope(['chip-key', '--seed', String(SEED + 1)]).stdout.toString()).not.toBe(printed.stdout.toString());
  });

  it('needs --seed', () => {
    const r = vmscope(['chip-key']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--seed N is required/);
    expect(vmscope(['chip-key', '--seed', '-1']).code).toBe(EXIT.usage);
  });
});

describe('vmscope verify-report', () => {
  beforeAll(() => {
    expect(vmscope(['chip-key', '--seed', String(SEED), '-o', at('key.pem')]).code).toBe(0);
    expect(vmscope(['chip-key', '--seed', String(SEED + 1), '-o', at('other.pem')]).code).toBe(0);
  });

  it('accepts a genuine report and prints what it attests', () => {
    const r = vmscope(['verify-report', at('report.bin'), '--chip-key', at('key.pem')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain(`measurement: ${measurement}\n`);
    expect(out).toContain(`report_data: ${hex(report, ReportField.reportData, 64)}\n`);
    expect(out).toContain(`host_data:   ${'00'.repeat(32)}\n`);
    expect(out).toContain('policy:      0x10001 (NODBG, SNP)\n');
    expect(out).toContain(`chip_id:     ${hex(report, ReportField.chipId, 64)}\n`);
    expect(out.endsWith('signature: valid\n')).toBe(true);
  });

  it.each([
    ['measurement', ReportField.measurement + 3],
    ['report_data', ReportField.reportData],
    ['signature r', ReportField.sigR + 10],
  ])('rejects a report with a flipped byte in %s', (_what, off) => {
    const bad = report.slice();
    bad[off]! ^= 0x80;
    fs.writeFileSync(at('bad.bin'), bad);
    const r = vmscope(['verify-report', at('bad.bin'), '--chip-key', at('key.pem')]);
    expect(r.code).toBe(EXIT.badReport);
    expect(r.stdout.toString()).toContain('signature: INVALID');
    expect(r.stderr).toMatch(/does not verify .*changed after it was signed/);
  });

  it("rejects a genuine report checked against another machine's chip key", () => {
    const r = vmscope(['verify-report', at('report.bin'), '--chip-key', at('other.pem')]);
    expect(r.code).toBe(EXIT.badReport);
    expect(r.stderr).toMatch(/another seed/);
  });

  it('rejects a file of the wrong length or signature algorithm before checking the signature', () => {
    fs.writeFileSync(at('short.bin'), report.subarray(0, 0x2a0));
    const short = vmscope(['verify-report', at('short.bin'), '--chip-key', at('key.pem')]);
    expect(short.code).toBe(EXIT.badReport);
    expect(short.stderr).toMatch(/672 bytes, an attestation report is 1184 \(0x4a0\)/);
    const algo = report.slice();
    algo[ReportField.signatureAlgo] = 2;
    fs.writeFileSync(at('algo.bin'), algo);
    const r = vmscope(['verify-report', at('algo.bin'), '--chip-key', at('key.pem')]);
    expect(r.code).toBe(EXIT.badReport);
    expect(r.stderr).toMatch(/signature_algo is 2, expected 1/);
  });

  it('usage errors: no report, no key, a key that is not a P-384 PEM; unreadable files', () => {
    expect(vmscope(['verify-report', '--chip-key', at('key.pem')]).code).toBe(EXIT.usage);
    const nokey = vmscope(['verify-report', at('report.bin')]);
    expect(nokey.code).toBe(EXIT.usage);
    expect(nokey.stderr).toMatch(/--chip-key KEY.pem is required/);
    fs.writeFileSync(at('junk.pem'), 'not a key');
    const junk = vmscope(['verify-report', at('report.bin'), '--chip-key', at('junk.pem')]);
    expect(junk.code).toBe(EXIT.usage);
    expect(junk.stderr).toMatch(/not a PEM public key/);
    expect(vmscope(['verify-report', at('missing.bin'), '--chip-key', at('key.pem')]).code).toBe(EXIT.noInput);
  });

  it('is listed in the help text', () => {
    const r = vmscope(['help']);
    expect(r.stdout.toString()).toContain('usage: vmscope verify-report REPORT.bin --chip-key KEY.pem');
    expect(r.stdout.toString()).toContain('usage: vmscope chip-key --seed N [-o KEY.pem]');
  });
});
