/** Launch digest and attestation reports (cvm-model 5.5), checked against independent computations. */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../../adapter/node-crypto';
import {
  AttestationBuf, chipPublicKeyPem, extendDigest, GuestState, LaunchMeasureBuf, PAGE_TYPE_NORMAL, PAGE_TYPE_VMSA, POLICY_ES, POLICY_NODBG,
  REPORT_SIZE, ReportField, reportSignature, signaturePaddingClear, SIGNED_SIZE, SpCmd, SpStatus,
} from '../../../emulator/cvm/sp';
import { Fields, IMAGE, pattern, referenceDigest, REPORT_AT, SCRATCH, spMachine } from './sp-harness';

const measure = (t: ReturnType<typeof spMachine>, h: number): Buffer => {
  const r = t.ok(SpCmd.LAUNCH_MEASURE, new Fields(LaunchMeasureBuf.size).u32(0, h).u64(LaunchMeasureBuf.address, SCRATCH).u32(LaunchMeasureBuf.len, 48));
  expect(r.getUint32(LaunchMeasureBuf.len, true)).toBe(48);
  return Buffer.from(t.mee.readDram(SCRATCH, 48));
};

const verify = (report: Uint8Array, pem: string): boolean => {
  const { r, s } = reportSignature(report);
  return nodeCrypto.verify('sha384', report.subarray(0, SIGNED_SIZE), { key: pem, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]));
};

describe('launch digest', () => {
  it('a fresh guest measures 48 zero bytes', () => {
    const t = spMachine();
    expect(measure(t, t.launchStart())).toEqual(Buffer.alloc(48));
  });

  it('equals the SNP PAGE_INFO chain computed independently: whole pages, a partial page, a VMSA page', () => {
    const t = spMachine();
    const h = t.launchStart();
    const image = pattern(0x2000, 11), tail = pattern(0x30, 12), vmsa = pattern(0x1000, 13);
    t.mee.writeDram(IMAGE, image);
    t.mee.writeDram(IMAGE + 0x4000, tail);
    t.mee.writeDram(IMAGE + 0x8000, vmsa);
    expect(t.update(h, IMAGE, image.length, 0x8000_0000).status).toBe(SpStatus.SUCCESS);
    expect(t.update(h, IMAGE + 0x4000, tail.length, 0x2_0000_5000).status).toBe(SpStatus.SUCCESS);
    expect(t.update(h, IMAGE + 0x8000, vmsa.length, 0xffff_f000, SpCmd.LAUNCH_UPDATE_VMSA).status).toBe(SpStatus.SUCCESS);
    const expected = referenceDigest([
      { data: image.subarray(0, 0x1000), type: 1, gpa: 0x8000_0000 },
      { data: image.subarray(0x1000), type: 1, gpa: 0x8000_1000 },
      { data: tail, type: 1, gpa: 0x2_0000_5000 },
      { data: vmsa, type: 2, gpa: 0xffff_f000 },
    ]);
    expect(measure(t, h).toString('hex')).toBe(expected.toString('hex'));
  });

  it('depends on the contents, the gpa and the page type', () => {
    const c = new NodeCrypto();
    const ld = new Uint8Array(48), page = c.sha384(new Uint8Array(4096));
    const a = extendDigest(c, ld, page, PAGE_TYPE_NORMAL, 0x1000);
    expect(Buffer.from(a).toString('hex')).toBe(referenceDigest([{ data: new Uint8Array(0), type: 1, gpa: 0x1000 }]).toString('hex'));
    expect(extendDigest(c, ld, page, PAGE_TYPE_NORMAL, 0x2000)).not.toEqual(a);
    expect(extendDigest(c, ld, page, PAGE_TYPE_VMSA, 0x1000)).not.toEqual(a);
    expect(extendDigest(c, ld, c.sha384(new Uint8Array(1)), PAGE_TYPE_NORMAL, 0x1000)).not.toEqual(a);
  });

  it('is the same for the same image on every machine seed (keys differ, the measurement does not)', () => {
    const digests = [1, 2].map((seed) => {
      const t = spMachine(seed);
      const h = t.launchStart();
      t.mee.writeDram(IMAGE, pattern(0x1000, 1));
      t.update(h, IMAGE, 0x1000, 0);
      return { d: measure(t, h), raw: Buffer.from(t.mee.readDram(IMAGE, 0x1000)) };
    });
    expect(digests[0]!.d).toEqual(digests[1]!.d);
    expect(digests[0]!.raw.equals(digests[1]!.raw)).toBe(false);
  });
});

describe('ATTESTATION_REPORT', () => {
  const policy = POLICY_NODBG | POLICY_ES;
  const hostData = pattern(32, 99);
  const reportData = pattern(64, 42);

  function produce(seed = 1234) {
    const t = spMachine(seed);
    const h = t.launchStart(policy, hostData);
    t.mee.writeDram(IMAGE, pattern(0x1000, 1));
    t.update(h, IMAGE, 0x1000, 0);
    const digest = measure(t, h);
    t.handleCmd(SpCmd.LAUNCH_FINISH, h);
    const r = t.report(h, reportData);
    expect(r.status).toBe(SpStatus.SUCCESS);
    expect(r.out.getUint32(AttestationBuf.len, true)).toBe(REPORT_SIZE);
    return { t, h, digest, bytes: t.mee.readDram(REPORT_AT, REPORT_SIZE) };
  }

  it('has the SNP layout: version 2, policy, ECDSA P-384, report_data, measurement, host_data, ids', () => {
    const { t, digest, bytes } = produce();
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const at = (off: number, len: number) => Buffer.from(bytes.subarray(off, off + len));
    expect(v.getUint32(ReportField.version, true)).toBe(2);
    expect(v.getUint32(ReportField.guestSvn, true)).toBe(0);
    expect(v.getBigUint64(ReportField.policy, true)).toBe(BigInt(policy));
    expect(v.getUint32(ReportField.vmpl, true)).toBe(0);
    expect(v.getUint32(ReportField.signatureAlgo, true)).toBe(1);
    expect(at(ReportField.familyId, 0x24)).toEqual(Buffer.alloc(0x24)); // family_id, image_id, vmpl
    expect(at(ReportField.platformVersion, 0x18)).toEqual(Buffer.alloc(0x18)); // platform_version, _info, flags
    expect(at(ReportField.reportData, 64)).toEqual(Buffer.from(reportData));
    expect(at(ReportField.measurement, 48)).toEqual(digest);
    expect(at(ReportField.hostData, 32)).toEqual(Buffer.from(hostData));
    expect(at(ReportField.reportId, 32)).not.toEqual(Buffer.alloc(32));
    expect(at(ReportField.chipId, 64)).not.toEqual(Buffer.alloc(64));
    expect(signaturePaddingClear(bytes)).toBe(true);
    expect(t.sp.reports().map((r) => [r.handle, Buffer.from(r.bytes).equals(Buffer.from(bytes))])).toEqual([[1, true]]);
  });

  it('verifies with Node crypto and the chip key; any flipped byte of the signed part or the signature fails', () => {
    const { t, bytes } = produce();
    const pem = t.sp.chipPublicKeyPem();
    expect(pem).toBe(chipPublicKeyPem(new NodeCrypto(), 1234));
    expect(verify(bytes, pem)).toBe(true);
    for (const off of [0, ReportField.policy, ReportField.reportData + 5, ReportField.measurement, SIGNED_SIZE - 1, ReportField.sigR, ReportField.sigS + 47]) {
      const bad = bytes.slice();
      bad[off]! ^= 0x01;
      expect(verify(bad, pem), `byte 0x${off.toString(16)}`).toBe(false);
    }
    expect(verify(bytes, chipPublicKeyPem(new NodeCrypto(), 1235))).toBe(false);
  });

  it('the chip identity follows the seed; report_id differs per guest and stays for one guest', () => {
    const a = produce(1), b = produce(1), c = produce(2);
    const chip = (x: Uint8Array) => Buffer.from(x.subarray(ReportField.chipId, ReportField.chipId + 64)).toString('hex');
    expect(chip(a.bytes)).toBe(chip(b.bytes));
    expect(chip(a.bytes)).not.toBe(chip(c.bytes));
    const id = (x: Uint8Array) => Buffer.from(x.subarray(ReportField.reportId, ReportField.reportId + 32)).toString('hex');
    expect(a.t.report(a.h, new Uint8Array(64), REPORT_AT + 0x1000).status).toBe(SpStatus.SUCCESS);
    expect(id(a.t.mee.readDram(REPORT_AT + 0x1000, REPORT_SIZE))).toBe(id(a.bytes));
    const h2 = a.t.running();
    expect(a.t.report(h2, new Uint8Array(64), REPORT_AT + 0x2000).status).toBe(SpStatus.SUCCESS);
    expect(id(a.t.mee.readDram(REPORT_AT + 0x2000, REPORT_SIZE))).not.toBe(id(a.bytes));
    expect(a.t.sp.reports().map((r) => r.handle)).toEqual([1, 1, 2]);
  });

  it('a short buffer: INVALID_LEN with the needed length; a bad address: INVALID_ADDRESS; nothing recorded', () => {
    const t = spMachine();
    const h = t.running();
    const short = t.report(h, new Uint8Array(64), REPORT_AT, REPORT_SIZE - 1);
    expect(short.status).toBe(SpStatus.INVALID_LEN);
    expect(short.out.getUint32(AttestationBuf.len, true)).toBe(REPORT_SIZE);
    expect(t.report(h, new Uint8Array(64), 0x8040_0000 - 0x400).status).toBe(SpStatus.INVALID_ADDRESS);
    expect(t.sp.reports()).toEqual([]);
    expect((t.sp.viewState() as { guests: { state: string; reports: number }[] }).guests[0]).toMatchObject({ state: 'RUNNING', reports: 0 });
  });

  it('is refused while the guest is still launching', () => {
    const t = spMachine();
    const h = t.launchStart();
    expect(t.report(h).status).toBe(SpStatus.INVALID_GUEST_STATE);
    expect(GuestState.LAUNCHING).toBe(1);
  });
});
