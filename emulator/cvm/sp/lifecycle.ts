/**
 * Key binding and guest bookkeeping (cvm-model 1.2, 5.2): ACTIVATE binds the guest's key to an ASID in
 * the memory-encryption engine, DEACTIVATE unbinds it, DECOMMISSION retires the guest, GUEST_STATUS
 * reports it.
 */
import { ActivateBuf, CmdBuffer, GuestStatusBuf } from './buffers';
import type { Guest, SpContext } from './context';
import { ASID_MAX, ASID_MIN, GuestState, SpStatus } from './protocol';

export function activate(ctx: SpContext, buf: CmdBuffer, g: Guest): number {
  const asid = buf.u32(ActivateBuf.asid);
  if (asid < ASID_MIN || asid > ASID_MAX) return SpStatus.INVALID_ASID;
  // Already bound (to this or another ASID): DEACTIVATE first.
  if (g.asid !== null) return SpStatus.ACTIVE;
  // Another guest's key (or one the engine holds for another reason) is bound to this ASID.
  if (ctx.asidOwner(asid) !== undefined || ctx.mem.keyBound(asid)) return SpStatus.ASID_OWNED;
  ctx.mem.bindKey(asid, g.vek);
  g.asid = asid;
  ctx.notify('activated', g);
  return SpStatus.SUCCESS;
}

export function deactivate(ctx: SpContext, _buf: CmdBuffer, g: Guest): number {
  if (g.asid === null) return SpStatus.INACTIVE;
  ctx.mem.unbindKey(g.asid);
  g.asid = null;
  return SpStatus.SUCCESS;
}

/** Refused while the key is still bound (SEV_RET_ACTIVE), as the SEV API requires DEACTIVATE first. */
export function decommission(ctx: SpContext, _buf: CmdBuffer, g: Guest): number {
  if (g.asid !== null) return SpStatus.ACTIVE;
  g.state = GuestState.DECOMMISSIONED;
  ctx.notify('decommissioned', g);
  return SpStatus.SUCCESS;
}

export function guestStatus(_ctx: SpContext, buf: CmdBuffer, g: Guest): number {
  buf.setU32(GuestStatusBuf.policy, g.policy);
  buf.setU32(GuestStatusBuf.asid, g.asid ?? 0);
  buf.setU8(GuestStatusBuf.state, g.state);
  return SpStatus.SUCCESS;
}
