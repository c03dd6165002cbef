/**
 * The keys view's Verify (src/views/report-verify.ts) on reports the secure processor produced and
 * the adapter decoded, checked against the chip key it reports: valid; invalid after any change to
 * the signed bytes or the signature, or with another machine's chip key; verdicts kept per report
 * until its bytes change. And the keys view's markup of reports and verdicts (media/keys-view/render.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeReport } from '../../../adapter/custom/secure-processor';
import { needMee, needSp } from '../../../adapter/cvm';
import type { KeysResponse, SecureProcessorResponse, SpReportState } from '../../../adapter/protocol';
import { DEFAULT_CONFIG } from '../../../emulator/config';
import { chipPublicKeyPem, POLICY_NODBG, REPORT_SIZE, ReportField } from '../../../emulator/cvm/sp';
import { Machine } from '../../../emulator/machine';
import { asText, keysBody, measuredGuest, noCvmBody } from '../../../media/keys-view/render';
import type { ToKeysView } from '../../../media/protocol';
import { isNoCvm, VerdictStore, verifySpReport } from '../../../src/views/report-verify';
import { pattern, REPORT_AT, spMachine } from '../cvm/sp-harness';

const SEED = 77;
let report: SpReportState;
let pem: string;
let otherPem: string;
let sp: SecureProcessorResponse;

/** `r` with byte `off` of its report flipped (the decoded fields as the adapter would give them). */
function flipped(r: SpReportState, off: number): SpReportState {
  const b = Buffer.from(r.bytes, 'hex');
  b[off]! ^= 0x01;
  return decodeReport(r.index, r.handle, b);
}

beforeAll(() => {
  const t = spMachine(SEED);
  const h = t.running(POLICY_NODBG);
  expect(t.activate(h, 1).status).toBe(0);
  expect(t.report(h, Buffer.from('nonce from the guest owner: 5eaf00d5c0ffee42'.padEnd(64, '\0'))).status).toBe(0);
  const bytes = t.mee.readDram(REPORT_AT, REPORT_SIZE);
  report = decodeReport(0, h, bytes);
  pem = t.sp.chipPublicKeyPem();
  otherPem = chipPublicKeyPem(t.crypto, SEED + 1);
  const g = t.sp.viewState() as { guests: { handle: number; digest: string }[] };
  sp = {
    guests: [{ handle: h, state: 'RUNNING', policy: POLICY_NODBG, policyFlags: ['NODBG'], asid: 1, digest: g.guests[0]!.digest, reports: 1, nodbg: true }],
    lastCommand: { id: 0x36, name: 'ATTESTATION_REPORT', status: 0, statusName: 'SUCCESS' }, commands: { ATTESTATION_REPORT: 1 }, buffer: 0,
    reports: [report], chipId: report.chipId, chipPublicKeyPem: pem,
  };
});

describe('Verify', () => {
  it('finds a genuine report valid, with the fields verify-report prints', () => {
    const v = verifySpReport(report, pem, 3);
    expect(v.valid).toBe(true);
    expect(v.stop).toBe(3);
    expect(v.summary).toMatch(/^Signature valid: ECDSA P-384 with SHA-384/);
    const fields = Object.fromEntries(v.fields);
    expect(fields.measurement).toBe(report.measurement);
    expect(fields.report_data).toBe(report.reportData);
    expect(fields.policy).toBe('0x1 (NODBG)');
    expect(fields.chip_id).toBe(report.chipId);
  });

  it.each([
    ['version', ReportField.version],
    ['measurement', ReportField.measurement + 7],
    ['report_data', ReportField.reportData + 63],
    ['the last signed byte', 0x29f],
    ['signature r', ReportField.sigR],
    ['signature s', ReportField.sigS + 47],
  ])('finds it invalid with a changed byte in %s', (_what, off) => {
    const v = verifySpReport(flipped(report, off), pem, 3);
    expect(v.valid).toBe(false);
    expect(v.summary).toMatch(/does not verify with this machine's chip key/);
  });

  it('finds it invalid with padding beyond r set, another chip\'s key, a short report, or another algorithm', () => {
    expect(verifySpReport(flipped(report, ReportField.sigR + 60), pem, 0).valid).toBe(false);
    expect(verifySpReport(report, otherPem, 0)).toMatchObject({ valid: false, summary: expect.stringMatching(/another chip signed it/) });
    expect(verifySpReport({ ...report, bytes: report.bytes.slice(0, 200) }, pem, 0)).toMatchObject({ valid: false, summary: expect.stringMatching(/is 100 bytes, an attestation report is 1184/) });
    expect(verifySpReport(flipped(report, ReportField.signatureAlgo + 1), pem, 0)).toMatchObject({ valid: false, summary: expect.stringMatching(/signature_algo is 257/) });
  });

  it('says when the chip key is not one, instead of a verdict on the report', () => {
    expect(verifySpReport(report, 'not a key', 0)).toMatchObject({ valid: false, summary: expect.stringMatching(/^Not checked: the chip key the adapter reports is not a PEM public key/) });
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(verifySpReport(report, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0).summary).toMatch(/is not an ECDSA P-384 public key/);
  });

  it('keeps a verdict while the report has the same bytes', () => {
    const store = new VerdictStore();
    const v = verifySpReport(report, pem, 1);
    store.set(report, v);
    expect(store.current([report])).toEqual({ 0: v });
    expect(store.current([])).toEqual({});
    // Gone once its report went: a new report 0 later is not verified yet.
    store.set(report, v);
    expect(store.current([flipped(report, ReportField.reportData)])).toEqual({});
    expect(store.current([report])).toEqual({});
  });
});

describe('the machine without the hardware', () => {
  it('is recognised from the adapter\'s own messages (VS Code passes on only the message)', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 1 });
    const message = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(isNoCvm(message(() => needMee(m)))).toBe(true);
    expect(isNoCvm(message(() => needSp(m)))).toBe(true);
    expect(isNoCvm("'vmscope/memoryPair': phys: names no ASID")).toBe(false);
    expect(noCvmBody('hello', message(() => needMee(m)))).toContain('&#34;features&#34;: [&#34;secure-processor&#34;]');
  });
});

describe('the keys view\'s markup', () => {
  const keys = (): KeysResponse => ({
    seed: SEED, cbit: 'bit 33', cipher: 'AES-128 XEX', secureProcessor: true, aes: { bytesDecrypted: 0 },
    keys: [{ asid: 1, fingerprint: '36a113e5802beeb2', pagesInView: 2, handle: 1, name: 'cvm-guest' }], guests: sp.guests,
  });
  const state = (verdicts: Record<string, ReturnType<typeof verifySpReport>>): Extract<ToKeysView, { type: 'keys' }> => ({ type: 'keys', session: 's', stop: 2, keys: keys(), sp, verdicts });

  it('matches the measurement with the guest\'s launch digest, and reads report_data as text', () => {
    expect(measuredGuest(report, sp.guests)?.handle).toBe(1);
    expect(measuredGuest({ ...report, measurement: '00'.repeat(48) }, sp.guests)).toBeUndefined();
    expect(asText(report.reportData)).toBe('nonce from the guest owner: 5eaf00d5c0ffee42');
    expect(asText(pattern(64, 1).reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''))).toBeUndefined();
  });

  it('has a Verify button per report and shows the verdict with the decoded fields', () => {
    const before = keysBody(state({}), new Set());
    expect(before).toContain('<vscode-button class="verify" data-index="0"');
    expect(before).toContain('data-verdict="none"');
    expect(before).toContain('= the launch digest of guest 1');
    expect(before).toContain("= this machine's chip id");
    expect(before).toContain('NODBG</span>');
    expect(before).toContain('36a113e5802beeb2');
    const after = keysBody(state({ 0: verifySpReport(report, pem, 2) }), new Set([0]));
    expect(after).toContain('data-verdict="valid"');
    expect(after).toContain('<details class="report-fields" data-index="0" open>');
    expect(after).toContain(`<th scope="row">measurement</th><td class="hex">${report.measurement}</td>`);
    expect(keysBody(state({ 0: verifySpReport(report, otherPem, 2) }), new Set())).toContain('data-verdict="invalid"');
  });

  it('says when there is a key table but no secure processor', () => {
    const html = keysBody({ type: 'keys', session: 's', stop: 1, keys: { ...keys(), secureProcessor: false, guests: [] }, sp: null, verdicts: {} }, new Set());
    expect(html).toContain('no secure processor');
    expect(html).not.toContain('Attestation reports');
  });
});
