/**
 * Launch commands (SEV API spec chapter "Guest Launch"; cvm-model 5.2): LAUNCH_START creates a guest
 * with a fresh key, LAUNCH_UPDATE_* encrypt its initial image in place and measure it, LAUNCH_MEASURE
 * reads the digest, LAUNCH_FINISH makes it runnable. Handlers return a status and never throw for a
 * bad buffer.
 */
import { CmdBuffer, LaunchMeasureBuf, LaunchStartBuf, LaunchUpdateBuf } from './buffers';
import type { Guest, SpContext } from './context';
import { DIGEST_SIZE, initialDigest, measureRange, PAGE_TYPE_VMSA } from './digest';
import { vekFor } from './identity';
import { GuestState, POLICY_ES, POLICY_SNP, SpStatus } from './protocol';

const HOST_DATA_SIZE = 32;
const PAGE = 4096;
/** Guest-physical addresses are 34 bits (cvm-model 2.1: the C-bit, bit 33 of the GPA, is stripped). */
const GPA_LIMIT = 2 ** 34;

export function launchStart(ctx: SpContext, buf: CmdBuffer): number {
  const B = LaunchStartBuf;
  // SEV's handle != 0 asks to share that guest's key; vmscope does not model key sharing.
  if (buf.u32(B.handle) !== 0) return SpStatus.INVALID_PARAM;
  // No DH key exchange or launch session (the guest owner's channel): the fields must be empty.
  if (buf.u64(B.dhCertAddress) !== 0 || buf.u32(B.dhCertLen) !== 0 || buf.u64(B.sessionAddress) !== 0 || buf.u32(B.sessionLen) !== 0) {
    return SpStatus.INVALID_PARAM;
  }
  // A protection level this machine's hardware lacks (emulator/cvm/README.md): the policy cannot be met.
  const policy = buf.u32(B.policy);
  if ((policy & (POLICY_ES | POLICY_SNP) & ~ctx.supportedPolicy) !== 0) return SpStatus.UNSUPPORTED;
  const handle = ctx.nextHandle++;
  const launchIndex = ctx.launches++;
  const guest: Guest = {
    handle, launchIndex, state: GuestState.LAUNCHING, policy, asid: null,
    vek: vekFor(ctx.crypto, ctx.seed, handle, launchIndex), digest: initialDigest(),
    hostData: buf.bytesAt(B.hostData, HOST_DATA_SIZE), reports: 0, pages: [], vmsa: null,
  };
  ctx.guests.set(handle, guest);
  buf.setU32(B.handle, handle);
  return SpStatus.SUCCESS;
}

/** LAUNCH_UPDATE_DATA (page type 1) and LAUNCH_UPDATE_VMSA (page type 2): measure, then encrypt in place. */
export function launchUpdate(pageType: number) {
  return (ctx: SpContext, buf: CmdBuffer, g: Guest): number => {
    const B = LaunchUpdateBuf;
    const pa = buf.u64(B.address), len = buf.u32(B.len), gpa = buf.u64(B.gpa);
    const st = ctx.checkBlocks(pa, len);
    if (st !== SpStatus.SUCCESS) return st;
    if (gpa + len > GPA_LIMIT) return SpStatus.INVALID_PARAM;
    const plain = ctx.mem.readDram(pa, len);
    g.digest = measureRange(ctx.crypto, g.digest, plain, pageType, gpa);
    ctx.mem.encryptWith(pa, plain, g.vek);
    const vmsa = pageType === PAGE_TYPE_VMSA;
    if (vmsa) g.vmsa = pa - (pa % PAGE);
    for (let off = 0; off < len; off += PAGE) {
      const p = pa + off - ((pa + off) % PAGE);
      if (!g.pages.some((x) => x.pa === p)) g.pages.push({ pa: p, gpa: gpa + off - ((gpa + off) % PAGE), vmsa });
    }
    if (g.asid !== null) ctx.notify('activated', g);
    return SpStatus.SUCCESS;
  };
}

/** Writes the 48-byte digest; len in is the buffer's size, len out is 48 (also on INVALID_LEN). */
export function launchMeasure(ctx: SpContext, buf: CmdBuffer, g: Guest): number {
  const B = LaunchMeasureBuf;
  const pa = buf.u64(B.address), len = buf.u32(B.len);
  buf.setU32(B.len, DIGEST_SIZE);
  if (len < DIGEST_SIZE) return SpStatus.INVALID_LEN;
  const st = ctx.checkRange(pa, DIGEST_SIZE);
  if (st !== SpStatus.SUCCESS) return st;
  ctx.mem.writeDram(pa, g.digest.slice());
  return SpStatus.SUCCESS;
}

export function launchFinish(_ctx: SpContext, _buf: CmdBuffer, g: Guest): number {
  g.state = GuestState.RUNNING;
  return SpStatus.SUCCESS;
}
