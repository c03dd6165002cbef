/**
 * Debug Console commands of the confidential-VM hardware (cvm-model 1-5), as plain text:
 *   keys           the key table by ASID beside the secure processor's guests, and the machine seed
 *   sp status      the secure processor: last command, counts, guests, reports, chip identity
 *   sp report N    one attestation report's fields (N as `sp status` lists them, oldest 0)
 * A bare `sp` is the stack pointer register, as everywhere else: the commands need their word.
 * The same data as the custom requests vmscope/keys and vmscope/secureProcessor (adapter/custom).
 */
import { cvmRows, describePolicy, NODBG_VM_NOTE, spView } from '../cvm';
import { decodeReport } from '../custom/secure-processor';
import { ERR } from '../protocol';
import type { Target } from '../target';
import { fail } from '../validate';

const hex8 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

export const NO_CVM_TEXT = 'This machine has no confidential-VM hardware: add "features": ["secure-processor"] (or "memory-encryption") to its machine configuration file (launch attribute `config`).';
const NO_SP_TEXT = 'This machine has no secure processor: add "features": ["secure-processor"] to its machine configuration file (launch attribute `config`).';

export function keysCommand(t: Target): string {
  const m = t.machine;
  if (m.mee === undefined) return NO_CVM_TEXT;
  const v = m.mee.viewState();
  const out = [`Memory encryption: ${v.cipher}; C-bit: ${v.cbit}`, `Machine seed: ${hex8(m.seed ?? 0)} (${m.seed ?? 0})`];
  const rows = cvmRows(t);
  const withVmid = rows.filter((r) => r.vmid !== undefined);
  if (withVmid.length === 0) out.push('No VM has a key or a secure-processor guest yet.');
  else out.push(`  ${'VMID'.padStart(4)}  ${'key'.padEnd(16)}  ${'pages'.padStart(5)}  SP guest`);
  const notes = new Set<number>();
  for (const r of withVmid) {
    const g = r.guest;
    const guest = g ? `handle ${g.handle}, ${g.state}, policy ${describePolicy(g)}` : 'not launched by the secure processor';
    out.push(`  ${String(r.vmid).padStart(4)}  ${(r.key?.fingerprint ?? 'none').padEnd(16)}  ${String(r.key?.pagesInView ?? 0).padStart(5)}  ${guest}${r.name ? `  (${r.name})` : ''}`);
    if (g?.nodbg && r.key) notes.add(r.vmid!);
  }
  const idle = rows.filter((r) => r.vmid === undefined);
  if (idle.length > 0) {
    out.push('Secure-processor guests without an ASID:');
    for (const r of idle) out.push(`  handle ${r.guest!.handle}: ${r.guest!.state}, policy ${describePolicy(r.guest!)}`);
  }
  for (const vmid of notes) out.push(`VMID ${vmid}: ${NODBG_VM_NOTE}`);
  out.push('(keys are fingerprints: the first 8 bytes of SHA-384 of the key; the keys never leave the hardware)');
  return out.join('\n');
}

export function spCommand(t: Target, args: string[]): string {
  const usage = 'sp status | sp report N';
  const m = t.machine;
  const word = args[0]?.toLowerCase();
  if (word !== 'report' && word !== 'status' && word !== 'info') fail(`${usage}: unexpected '${args.join(' ')}' (a bare sp is the stack pointer)`, ERR.evaluate);
  if (word !== 'report' && args.length > 1) fail(`${usage}: '${args[0]}' takes no arguments, got '${args.slice(1).join(' ')}'`, ERR.evaluate);
  if (m.sp === undefined) return NO_SP_TEXT;
  const v = spView(m)!;
  const reports = m.sp.reports();
  if (word === 'report') {
    const n = args.length === 2 && /^\d+$/.test(args[1]!) ? Number(args[1]) : NaN;
    if (!Number.isInteger(n)) fail(`${usage}: 'report' wants the number of a report, e.g. 'sp report 0'`, ERR.evaluate);
    if (n >= reports.length) fail(`${usage}: no report ${n}: ${reports.length === 0 ? 'none produced yet (ATTESTATION_REPORT)' : `reports 0..${reports.length - 1}`}`, ERR.evaluate);
    return reportText(n, reports[n]!.handle, reports[n]!.bytes);
  }
  const last = v.lastCommand;
  const out = [
    `Secure processor at ${hex8(m.sp.base)}: ${last ? `last command ${last.name} -> ${last.statusName}` : 'no command yet'}; buffer ${hex8(v.buffer)}`,
    `Commands run: ${Object.keys(v.commands).length === 0 ? 'none' : Object.entries(v.commands).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    v.guests.length === 0 ? 'Guests: none' : 'Guests:',
  ];
  for (const g of v.guests) {
    out.push(`  handle ${g.handle}: ${g.state}, ASID ${g.asid ?? 'none'}, policy ${describePolicy(g)}, ${g.reports} report${g.reports === 1 ? '' : 's'}`);
    out.push(`    launch digest ${g.digest}`);
  }
  out.push(reports.length === 0 ? 'Attestation reports: none' : 'Attestation reports (sp report N for the fields):');
  reports.forEach((r, i) => {
    const d = decodeReport(i, r.handle, r.bytes);
    out.push(`  ${i}: handle ${d.handle}, measurement ${d.measurement.slice(0, 32)}..., report_data ${d.reportData.slice(0, 32)}...`);
  });
  out.push(`Chip id: ${v.chipId}`, 'Chip public key (verifies the reports; vmscope verify-report):', m.sp.chipPublicKeyPem().trimEnd());
  return out.join('\n');
}

function reportText(index: number, handle: number, bytes: Uint8Array): string {
  const d = decodeReport(index, handle, bytes);
  const field = (name: string, value: string): string => `  ${name.padEnd(15)} ${value}`;
  return [
    `Attestation report ${index} (guest handle ${d.handle}, ${bytes.length} bytes, SNP layout):`,
    field('version', String(d.version)),
    field('policy', `0x${d.policy.toString(16).padStart(8, '0')} (${d.policyFlags.length > 0 ? d.policyFlags.join(', ') : 'no flags'})`),
    field('report_data', d.reportData),
    field('measurement', d.measurement),
    field('host_data', d.hostData),
    field('report_id', d.reportId),
    field('chip_id', d.chipId),
    field('signature_algo', `${d.signatureAlgo}${d.signatureAlgo === 1 ? ' (ECDSA P-384 with SHA-384)' : ''}`),
    field('signature r', d.signature.r),
    field('signature s', d.signature.s),
  ].join('\n');
}
