/**
 * `vmscope/machineState` (adapter/protocol.ts): the harts and the VMs seen so far, for the VMs view.
 * Translation only: privilege, V and hgatp come from the machine, names from the Target's symbols.
 */
import { spGuests } from '../cvm';
import type { HartState, MachineStateResponse, VmState } from '../protocol';
import type { Target } from '../target';

const PRIV = ['U', 'S', '?', 'M'];
/** Sv32 hgatp.VMID is 7 bits (privileged spec 9.2.10). */
const MAX_VMID = 127;

export function machineState(t: Target): MachineStateResponse {
  const harts: HartState[] = t.machine.harts.map((h, id) => {
    const p = PRIV[h.priv] ?? '?';
    const vmid = t.vmidOf(id);
    const mode = h.virt ? `V${p}` : h.hasH && p === 'S' ? 'HS' : p;
    const symbol = t.forHart(id).symbolize(h.pc) ?? t.forHart(id).functionName(h.pc);
    return { id, mode, priv: h.priv, virt: h.virt, ...(vmid !== undefined ? { vmid } : {}), pc: h.pc >>> 0, ...(symbol ? { symbol } : {}) };
  });
  const vms: VmState[] = [];
  // ASIDs are VMIDs for guest accesses (cvm-model 1.1); ASID 0 is the host's, VMID 0 only with V=1.
  const cached = new Set(t.machine.cache?.asids().filter((a) => a !== 0) ?? []);
  const launched = spGuests(t.machine).filter((g) => g.asid !== null && g.state !== 'DECOMMISSIONED');
  for (let vmid = 0; vmid <= MAX_VMID; vmid++) {
    const hgatp = t.rootOf(vmid);
    const name = t.guests.get(vmid)?.name;
    const g = launched.find((x) => x.asid === vmid);
    if (hgatp === undefined && name === undefined && !cached.has(vmid) && g === undefined) continue;
    vms.push({
      vmid, ...(name ? { name } : {}), ...(hgatp !== undefined ? { hgatp: hgatp >>> 0 } : {}),
      harts: harts.filter((h) => h.vmid === vmid).map((h) => h.id), ...(cached.has(vmid) ? { ran: true } : {}),
      ...(g ? { launch: { handle: g.handle, state: g.state, policyFlags: g.policyFlags } } : {}),
    });
  }
  return { harts, vms };
}
