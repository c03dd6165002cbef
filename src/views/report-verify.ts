/**
 * The keys view's Verify button, in the extension host: an attestation report as the adapter decoded
 * it (vmscope/secureProcessor) checked with Node's crypto against the chip public key the adapter
 * reports, by the checks of `vmscope verify-report` (adapter/cli/verify-report.ts). The verdicts are
 * kept per session here, so that they survive a reload of the webview. No 'vscode' import: the unit
 * tests use it as it is.
 */
import { createHash } from 'node:crypto';
import { chipKeyOf, verifyReport } from '../../adapter/cli/verify-report';
import { REPORT_SIZE } from '../../emulator/cvm/sp';
import type { SpReportState } from '../../adapter/protocol';
import type { ReportVerdict } from '../../media/protocol';

/** Verifies `report` against the chip key `pem` (SPKI PEM, as vmscope/secureProcessor gives it). */
export function verifySpReport(report: SpReportState, pem: string, stop: number): ReportVerdict {
  const bytes = Buffer.from(report.bytes, 'hex');
  const chip = chipKeyOf(pem);
  if (chip.problem !== undefined) {
    const why = chip.problem === 'not-pem' ? `is not a PEM public key (${chip.detail})` : 'is not an ECDSA P-384 public key';
    return { valid: false, summary: `Not checked: the chip key the adapter reports ${why}.`, fields: [], stop };
  }
  const v = verifyReport(bytes, chip.key);
  switch (v.problem) {
    case undefined:
      return { valid: true, summary: 'Signature valid: ECDSA P-384 with SHA-384 over bytes [0, 0x2A0), with this machine\'s chip key. The report is what the secure processor signed.', fields: v.fields, stop };
    case 'size':
      return { valid: false, summary: `Invalid: the report is ${bytes.length} bytes, an attestation report is ${REPORT_SIZE} (0x${REPORT_SIZE.toString(16)}).`, fields: [], stop };
    case 'algo':
      return { valid: false, summary: `Invalid: signature_algo is ${v.algo}, not 1 (ECDSA P-384 with SHA-384).`, fields: [], stop };
    case 'signature':
      return { valid: false, summary: 'Invalid: the signature does not verify with this machine\'s chip key: the report was changed after it was signed, or another chip signed it.', fields: v.fields, stop };
  }
}

/** The verdicts of one session by report index, each valid for the exact bytes it checked. */
export class VerdictStore {
  private readonly byIndex = new Map<number, { digest: string; verdict: ReportVerdict }>();

  set(report: SpReportState, verdict: ReportVerdict): void {
    this.byIndex.set(report.index, { digest: digestOf(report), verdict });
  }

  /**
   * The verdicts of the reports in `reports`, by index (as a string key). A verdict whose report is
   * gone or now has other bytes (reverse execution replayed another one) is dropped.
   */
  current(reports: readonly SpReportState[]): Record<string, ReportVerdict> {
    const out: Record<string, ReportVerdict> = {};
    const live = new Map(reports.map((r) => [r.index, digestOf(r)]));
    for (const [index, v] of [...this.byIndex]) {
      if (live.get(index) !== v.digest) this.byIndex.delete(index);
      else out[String(index)] = v.verdict;
    }
    return out;
  }
}

function digestOf(r: SpReportState): string {
  return createHash('sha256').update(r.bytes).digest('hex');
}

/**
 * Whether an error of a custom request says that the machine has no confidential-VM hardware
 * (ERR.noCvm; VS Code passes on only the message, adapter/cvm.ts NO_CVM and NO_SP): the views then
 * show how to turn it on instead of an error.
 */
export function isNoCvm(message: string): boolean {
  return /has no (confidential-VM hardware|secure processor)/.test(message) && /"features"/.test(message);
}
