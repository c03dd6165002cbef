/**
 * The attestation report in the SEV-SNP layout (AMD SEV-SNP firmware ABI spec, Table
 * "ATTESTATION_REPORT Structure"; the same offsets as Linux's and virtee's `struct attestation_report`).
 * Shared by the secure processor, which builds and signs it, and `vmscope verify-report`, which reads it.
 */
export const REPORT_SIZE = 0x4a0;
/** The signature covers bytes [0, SIGNED_SIZE). */
export const SIGNED_SIZE = 0x2a0;
export const REPORT_VERSION = 2;
/** signature_algo 1: ECDSA P-384 with SHA-384. */
export const SIG_ALGO_ECDSA_P384_SHA384 = 1;
/** r and s are little-endian, zero-padded to 72 bytes each. */
export const SIG_COMPONENT_SIZE = 72;
const P384_BYTES = 48;

export const ReportField = {
  version: 0x00, guestSvn: 0x04, policy: 0x08, familyId: 0x10, imageId: 0x20, vmpl: 0x30,
  signatureAlgo: 0x34, platformVersion: 0x38, platformInfo: 0x40, flags: 0x48,
  reportData: 0x50, measurement: 0x90, hostData: 0xc0, idKeyDigest: 0xe0, authorKeyDigest: 0x110,
  reportId: 0x140, reportIdMa: 0x160, reportedTcb: 0x180, chipId: 0x1a0,
  sigR: 0x2a0, sigS: 0x2e8,
} as const;

/** What the firmware puts in a report; everything else is zero. */
export interface ReportInput {
  policy: number;
  reportData: Uint8Array; // 64
  measurement: Uint8Array; // 48
  hostData: Uint8Array; // 32
  reportId: Uint8Array; // 32
  chipId: Uint8Array; // 64
}

export type ReportSigner = (message: Uint8Array) => { r: Uint8Array; s: Uint8Array };

/** A complete, signed report (REPORT_SIZE bytes). */
export function buildReport(input: ReportInput, sign: ReportSigner): Uint8Array {
  const rep = new Uint8Array(REPORT_SIZE);
  const view = new DataView(rep.buffer);
  view.setUint32(ReportField.version, REPORT_VERSION, true);
  view.setUint32(ReportField.policy, input.policy >>> 0, true); // u64; the high half stays 0
  view.setUint32(ReportField.signatureAlgo, SIG_ALGO_ECDSA_P384_SHA384, true);
  rep.set(input.reportData.subarray(0, 64), ReportField.reportData);
  rep.set(input.measurement.subarray(0, 48), ReportField.measurement);
  rep.set(input.hostData.subarray(0, 32), ReportField.hostData);
  rep.set(input.reportId.subarray(0, 32), ReportField.reportId);
  rep.set(input.chipId.subarray(0, 64), ReportField.chipId);
  const { r, s } = sign(rep.subarray(0, SIGNED_SIZE));
  rep.set(toLittleEndian(r), ReportField.sigR);
  rep.set(toLittleEndian(s), ReportField.sigS);
  return rep;
}

/** The big-endian 48-byte r and s of a report's signature (for a verifier's ECDSA). */
export function reportSignature(report: Uint8Array): { r: Uint8Array; s: Uint8Array } {
  const be = (off: number): Uint8Array => report.slice(off, off + P384_BYTES).reverse();
  return { r: be(ReportField.sigR), s: be(ReportField.sigS) };
}

/** True when the bytes of a signature field beyond the 48 of a P-384 component are all zero. */
export function signaturePaddingClear(report: Uint8Array): boolean {
  for (const off of [ReportField.sigR, ReportField.sigS]) {
    for (let i = off + P384_BYTES; i < off + SIG_COMPONENT_SIZE; i++) if (report[i] !== 0) return false;
  }
  return true;
}

function toLittleEndian(bigEndian: Uint8Array): Uint8Array {
  return bigEndian.slice().reverse();
}

