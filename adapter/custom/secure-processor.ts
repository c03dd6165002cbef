/**
 * `vmscope/secureProcessor` (adapter/protocol.ts): the secure processor's guests, last command and
 * counts, its chip identity, and every attestation report it produced with the fields decoded (the SNP
 * layout of emulator/cvm/sp/report.ts), for the secure-processor view and `sp report N`.
 */
import { decodePolicy, ReportField, reportSignature } from '../../emulator/cvm/sp/index';
import { needSp, spView } from '../cvm';
import type { SecureProcessorResponse, SpReportState } from '../protocol';
import type { Target } from '../target';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A produced report's fields (little-endian integers, byte strings as hex). */
export function decodeReport(index: number, handle: number, bytes: Uint8Array): SpReportState {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (off: number, len: number): string => hex(bytes.subarray(off, off + len));
  const policy = v.getUint32(ReportField.policy, true);
  const sig = reportSignature(bytes);
  return {
    index, handle, version: v.getUint32(ReportField.version, true), policy, policyFlags: decodePolicy(policy),
    reportData: at(ReportField.reportData, 64), measurement: at(ReportField.measurement, 48), hostData: at(ReportField.hostData, 32),
    reportId: at(ReportField.reportId, 32), chipId: at(ReportField.chipId, 64), signatureAlgo: v.getUint32(ReportField.signatureAlgo, true),
    signature: { r: hex(sig.r), s: hex(sig.s) }, bytes: hex(bytes),
  };
}

export function secureProcessor(t: Target): SecureProcessorResponse {
  const sp = needSp(t.machine);
  const view = spView(t.machine)!;
  return {
    guests: view.guests, lastCommand: view.lastCommand, commands: view.commands, buffer: view.buffer,
    reports: sp.reports().map((r, i) => decodeReport(i, r.handle, r.bytes)),
    chipId: view.chipId, chipPublicKeyPem: sp.chipPublicKeyPem(),
  };
}
