/**
 * `vmscope verify-report REPORT.bin --chip-key KEY.pem`: check an attestation report from vmscope's
 * secure processor (SEV-SNP layout, emulator/cvm/sp/report.ts) as a guest owner would: the length,
 * the signature algorithm, and the ECDSA P-384 / SHA-384 signature over bytes [0, 0x2A0) with the
 * chip's public key; then print what the report attests. Exit 0 when valid, EXIT.badReport when not.
 * chipKeyOf() and verifyReport() are the checks themselves, also used by the keys view's Verify button
 * (src/views/report-verify.ts).
 */
import * as crypto from 'node:crypto';
import {
  decodePolicy, REPORT_SIZE, ReportField, reportSignature, SIG_ALGO_ECDSA_P384_SHA384, SIGNED_SIZE, signaturePaddingClear,
} from '../../emulator/cvm/sp';
import { parseArgs, UsageError } from './args';
import { EXIT } from './exit-codes';

export const VERIFY_REPORT_USAGE = `usage: vmscope verify-report REPORT.bin --chip-key KEY.pem
  --chip-key KEY.pem   the chip's public key (vmscope chip-key --seed N prints it for machine seed N)`;

export interface VerifyReportIo {
  readFile(path: string): Uint8Array;
  out(s: string): void;
  err(s: string): void;
}

const NAME = 'vmscope verify-report';
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function verifyReportCommand(args: string[], io: VerifyReportIo): number {
  let reportPath: string, keyPath: string;
  try {
    const parsed = parseArgs(args, { 'chip-key': { kind: 'string' } });
    if (parsed.positional.length !== 1) {
      throw new UsageError(parsed.positional.length === 0 ? 'no report given' : `one report at a time, got ${parsed.positional.join(' ')}`);
    }
    reportPath = parsed.positional[0]!;
    const key = parsed.options.get('chip-key') as string | undefined;
    if (key === undefined) throw new UsageError('--chip-key KEY.pem is required (vmscope chip-key --seed N -o KEY.pem writes it)');
    keyPath = key;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${NAME}: ${e.message}\n${VERIFY_REPORT_USAGE}`);
    return EXIT.usage;
  }

  const report = readInput(io, reportPath);
  const pem = readInput(io, keyPath);
  if (report === undefined || pem === undefined) return EXIT.noInput;
  const chip = chipKeyOf(pem);
  if (chip.problem === 'not-pem') {
    io.err(`${NAME}: ${keyPath} is not a PEM public key (${chip.detail}); pass the file that vmscope chip-key writes`);
    return EXIT.usage;
  }
  if (chip.problem === 'not-p384') {
    io.err(`${NAME}: ${keyPath} is not an ECDSA P-384 public key; the chip key is (vmscope chip-key --seed N)`);
    return EXIT.usage;
  }

  const v = verifyReport(report, chip.key);
  if (v.problem === 'size') {
    io.err(`${NAME}: ${reportPath} is ${report.length} bytes, an attestation report is ${REPORT_SIZE} (0x${REPORT_SIZE.toString(16)}); ` +
      'save exactly the bytes ATTESTATION_REPORT wrote');
    return EXIT.badReport;
  }
  if (v.problem === 'algo') {
    io.err(`${NAME}: ${reportPath}: signature_algo is ${v.algo}, expected ${SIG_ALGO_ECDSA_P384_SHA384} (ECDSA P-384 with SHA-384); ` +
      'the file is not a vmscope/SEV-SNP attestation report or is corrupt');
    return EXIT.badReport;
  }

  io.out(v.fields.map(([k, value]) => `${(k + ':').padEnd(13)}${value}\n`).join(''));
  if (!v.valid) {
    io.out('signature: INVALID\n');
    io.err(`${NAME}: the signature of ${reportPath} does not verify with ${keyPath}: the report was changed after ` +
      'it was signed, or it comes from a machine with another seed (compare with vmscope chip-key --seed N for that machine)');
    return EXIT.badReport;
  }
  io.out('signature: valid\n');
  return 0;
}

/** The chip's public key from its PEM, or why it is not an ECDSA P-384 public key. */
export type ChipKey =
  | { problem?: undefined; key: crypto.KeyObject }
  | { problem: 'not-pem'; detail: string }
  | { problem: 'not-p384' };

export function chipKeyOf(pem: Uint8Array | string): ChipKey {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(typeof pem === 'string' ? pem : Buffer.from(pem));
  } catch (e) {
    return { problem: 'not-pem', detail: (e as Error).message };
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') return { problem: 'not-p384' };
  return { key };
}

/**
 * What a verifier concludes about a report: `size` (not REPORT_SIZE bytes) and `algo` (signature_algo
 * is not ECDSA P-384 / SHA-384) stop before the signature is looked at; otherwise `valid` says whether
 * the signature over bytes [0, SIGNED_SIZE) verifies with `key` (and the padding beyond r and s is
 * zero), `problem` 'signature' when not, and `fields` are the attested fields as `verify-report` prints them.
 */
export interface ReportVerification {
  valid: boolean;
  problem?: 'size' | 'algo' | 'signature';
  /** signature_algo as found (with problem 'algo'). */
  algo?: number;
  fields: [string, string][];
}

export function verifyReport(report: Uint8Array, key: crypto.KeyObject): ReportVerification {
  if (report.length !== REPORT_SIZE) return { valid: false, problem: 'size', fields: [] };
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const algo = view.getUint32(ReportField.signatureAlgo, true);
  if (algo !== SIG_ALGO_ECDSA_P384_SHA384) return { valid: false, problem: 'algo', algo, fields: [] };
  const fields = describe(report, view);
  const { r, s } = reportSignature(report);
  const valid = signaturePaddingClear(report) && crypto.verify(
    'sha384', report.subarray(0, SIGNED_SIZE), { key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]),
  );
  return valid ? { valid, fields } : { valid, problem: 'signature', fields };
}

/** The attested fields, in the order `verify-report` prints them. */
function describe(report: Uint8Array, view: DataView): [string, string][] {
  const field = (off: number, len: number): string => hex(report.subarray(off, off + len));
  const policyLo = view.getUint32(ReportField.policy, true);
  const policyHi = view.getUint32(ReportField.policy + 4, true);
  const flags = decodePolicy(policyLo);
  const policy = `0x${(policyHi * 0x1_0000_0000 + policyLo).toString(16)}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`;
  return [
    ['version', String(view.getUint32(ReportField.version, true))],
    ['policy', policy],
    ['vmpl', String(view.getUint32(ReportField.vmpl, true))],
    ['measurement', field(ReportField.measurement, 48)],
    ['report_data', field(ReportField.reportData, 64)],
    ['host_data', field(ReportField.hostData, 32)],
    ['report_id', field(ReportField.reportId, 32)],
    ['chip_id', field(ReportField.chipId, 64)],
  ];
}

function readInput(io: VerifyReportIo, path: string): Uint8Array | undefined {
  try {
    return io.readFile(path);
  } catch (e) {
    io.err(`${NAME}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return undefined;
  }
}
