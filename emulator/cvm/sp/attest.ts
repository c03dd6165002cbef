/**
 * ATTESTATION_REPORT (cvm-model 5.5: SNP report layout, signed by the chip key) and the debug commands
 * DBG_DECRYPT / DBG_ENCRYPT (SEV API spec "Debugging"), which policy NODBG forbids.
 */
import { AttestationBuf, CmdBuffer, DbgBuf } from './buffers';
import type { Guest, SpContext } from './context';
import { reportIdFor } from './identity';
import { POLICY_NODBG, SpStatus } from './protocol';
import { buildReport, REPORT_SIZE } from './report';

const REPORT_DATA_SIZE = 64;

/** Writes a signed report at `address`; len in is the buffer's size, len out REPORT_SIZE (also on INVALID_LEN). */
export function attestationReport(ctx: SpContext, buf: CmdBuffer, g: Guest): number {
  const B = AttestationBuf;
  const pa = buf.u64(B.address), len = buf.u32(B.len);
  buf.setU32(B.len, REPORT_SIZE);
  if (len < REPORT_SIZE) return SpStatus.INVALID_LEN;
  const st = ctx.checkRange(pa, REPORT_SIZE);
  if (st !== SpStatus.SUCCESS) return st;
  const chip = ctx.chip;
  const report = buildReport({
    policy: g.policy,
    reportData: buf.bytesAt(B.reportData, REPORT_DATA_SIZE),
    measurement: g.digest,
    hostData: g.hostData,
    reportId: reportIdFor(ctx.crypto, ctx.seed, g.handle, g.launchIndex),
    chipId: chip.id,
  }, (m) => chip.sign(m));
  ctx.mem.writeDram(pa, report.slice());
  ctx.reports.push({ handle: g.handle, bytes: report });
  g.reports++;
  return SpStatus.SUCCESS;
}

/**
 * DBG_DECRYPT: src holds the guest's ciphertext; its plaintext (under the guest's key, at src's address
 * tweak) goes raw to dst. DBG_ENCRYPT: src holds plaintext; it is encrypted for dst's address into dst.
 */
export function debugCrypt(decrypt: boolean) {
  return (ctx: SpContext, buf: CmdBuffer, g: Guest): number => {
    if ((g.policy & POLICY_NODBG) !== 0) return SpStatus.POLICY_FAILURE;
    const src = buf.u64(DbgBuf.srcAddr), dst = buf.u64(DbgBuf.dstAddr), len = buf.u32(DbgBuf.len);
    let st = ctx.checkBlocks(src, len);
    if (st === SpStatus.SUCCESS) st = ctx.checkBlocks(dst, len);
    if (st !== SpStatus.SUCCESS) return st;
    if (decrypt) ctx.mem.writeDram(dst, ctx.mem.decryptWith(src, len, g.vek));
    else ctx.mem.encryptWith(dst, ctx.mem.readDram(src, len), g.vek);
    return SpStatus.SUCCESS;
  };
}
