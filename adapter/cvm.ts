/**
 * The confidential-VM hardware as the adapter shows it (cvm-model 1-5): the memory encryption
 * engine's keys by ASID, the secure processor's guests, and the NODBG note that every plaintext view
 * of a NODBG guest carries (5.6). The emulator computes; this reads its view state and reshapes it.
 *
 * The secure processor's viewState() is typed `unknown` (a Feature's view is free-form), so it is
 * checked here field by field: a change on the emulator side fails with a message naming the field.
 */
import type { Machine } from '../emulator/api';
import { ERR, MAX_ASID, type SpCommandState, type SpGuestState } from './protocol';
import type { Target } from './target';
import { fail } from './validate';

/** What the secure processor's viewState() holds (emulator/cvm/sp/device.ts). */
export interface SpView {
  guests: SpGuestState[];
  chipId: string;
  chipPublicKey: string;
  lastCommand: SpCommandState | null;
  commands: Record<string, number>;
  buffer: number;
}

const NO_CVM = 'this machine has no confidential-VM hardware: add "features": ["secure-processor"] (or "memory-encryption") to its machine configuration file (launch attribute `config`)';
const NO_SP = 'this machine has no secure processor: add "features": ["secure-processor"] to its machine configuration file (launch attribute `config`)';

/** The memory encryption engine, or an error response (ERR.noCvm) naming what to configure. */
export function needMee(m: Machine): NonNullable<Machine['mee']> {
  if (m.mee === undefined) fail(NO_CVM, ERR.noCvm);
  return m.mee;
}

/** The secure processor, or an error response (ERR.noCvm). */
export function needSp(m: Machine): NonNullable<Machine['sp']> {
  if (m.sp === undefined) fail(NO_SP, ERR.noCvm);
  return m.sp;
}

function bad(field: string): never {
  throw new Error(`the secure processor's view state has no valid '${field}' (emulator/cvm/sp/device.ts viewState changed?)`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (o: Record<string, unknown>, k: string, where: string): number => (typeof o[k] === 'number' ? (o[k] as number) : bad(`${where}.${k}`));
const text = (o: Record<string, unknown>, k: string, where: string): string => (typeof o[k] === 'string' ? (o[k] as string) : bad(`${where}.${k}`));

function guestOf(g: unknown, i: number): SpGuestState {
  const where = `guests[${i}]`;
  if (!isObj(g)) bad(where);
  const p = g.policy;
  if (!isObj(p) || typeof p.value !== 'number' || !Array.isArray(p.flags) || !p.flags.every((f) => typeof f === 'string')) bad(`${where}.policy`);
  const asid = g.asid === null ? null : num(g, 'asid', where);
  const flags = p.flags as string[];
  return {
    handle: num(g, 'handle', where), state: text(g, 'state', where), policy: p.value >>> 0, policyFlags: flags, asid,
    digest: text(g, 'digest', where), reports: num(g, 'reports', where), nodbg: flags.includes('NODBG'),
  };
}

/** The secure processor's state, checked; undefined without one. */
export function spView(m: Machine): SpView | undefined {
  if (m.sp === undefined) return undefined;
  const v = m.sp.viewState();
  if (!isObj(v) || !Array.isArray(v.guests)) bad('guests');
  const last = v.lastCommand;
  let lastCommand: SpCommandState | null = null;
  if (last !== null) {
    if (!isObj(last)) bad('lastCommand');
    lastCommand = { id: num(last, 'id', 'lastCommand'), name: text(last, 'name', 'lastCommand'), status: num(last, 'status', 'lastCommand'), statusName: text(last, 'statusName', 'lastCommand') };
  }
  const counts = v.commands;
  if (!isObj(counts) || !Object.values(counts).every((n) => typeof n === 'number')) bad('commands');
  const buffer = Number(text(v, 'buffer', 'view'));
  return {
    guests: v.guests.map(guestOf), chipId: text(v, 'chipId', 'view'), chipPublicKey: text(v, 'chipPublicKey', 'view'),
    lastCommand, commands: { ...(counts as Record<string, number>) }, buffer: Number.isFinite(buffer) ? buffer : bad('buffer'),
  };
}

/** The secure-processor guests, oldest first ([] without a secure processor). */
export function spGuests(m: Machine): SpGuestState[] {
  return spView(m)?.guests ?? [];
}

/** The live guest whose key is bound to `asid` (decommissioned ones are kept only for the view). */
export function guestOfAsid(m: Machine, asid: number): SpGuestState | undefined {
  return spGuests(m).find((g) => g.asid === asid && g.state !== 'DECOMMISSIONED');
}

/** The key bound to `asid`: its fingerprint, or undefined when none (or no engine). */
export function keyOf(m: Machine, asid: number): { fingerprint: string; pagesInView: number } | undefined {
  if (m.mee === undefined || !m.mee.keyBound(asid)) return undefined;
  const k = m.mee.viewState().keys.find((x) => x.asid === asid);
  return k === undefined ? undefined : { fingerprint: k.fingerprint, pagesInView: k.pagesInView };
}

/**
 * cvm-model 5.6: the note for plaintext read through ASID `asid`'s key when its guest has policy
 * NODBG (undefined otherwise: no key, the host, a guest that allows debugging).
 */
export function nodbgNote(m: Machine, asid: number): string | undefined {
  if (asid === 0 || m.mee === undefined || !m.mee.keyBound(asid)) return undefined;
  const g = guestOfAsid(m, asid);
  if (g === undefined || !g.nodbg) return undefined;
  return `NODBG: ASID ${asid} (secure-processor guest ${g.handle}) has policy NODBG; this plaintext is the emulator's view, a real hypervisor could not have read it (cvm-model 5.6)`;
}

/** The notes of a set of ASIDs whose keys a view used (one per NODBG guest). */
export function nodbgNotes(m: Machine, asids: Iterable<number>): string[] {
  const out: string[] = [];
  for (const a of new Set(asids)) {
    const n = nodbgNote(m, a);
    if (n !== undefined) out.push(n);
  }
  return out;
}

/** The key line of a VM: `bound, fingerprint 1a2b3c4d5e6f7081`, or none. */
export function describeKey(m: Machine, asid: number): string {
  if (m.mee === undefined) return 'no memory encryption on this machine';
  const k = keyOf(m, asid);
  return k === undefined ? 'none bound (the guest runs unencrypted, cvm-model 1.2)' : `bound, fingerprint ${k.fingerprint}`;
}

/** `0x00000001 (NODBG)`, `0x00000000 (none)`. */
export function describePolicy(g: SpGuestState): string {
  return `0x${g.policy.toString(16).padStart(8, '0')} (${g.policyFlags.length > 0 ? g.policyFlags.join(', ') : 'no flags'})`;
}

/** One VM as the confidential-VM views list it: by VMID (= ASID), or a secure-processor guest with no ASID. */
export interface CvmRow {
  /** undefined: a secure-processor guest not activated (no ASID). */
  vmid?: number;
  /** From the launch attribute `symbols`. */
  name?: string;
  key?: { fingerprint: string; pagesInView: number };
  guest?: SpGuestState;
  /** The last G-stage root seen for the VMID. */
  hgatp?: number;
}

/**
 * The VMs the hardware knows of: every VMID with a key bound, a secure-processor guest, a G-stage root
 * seen or `symbols`, ascending; then the secure-processor guests that have no ASID (oldest first).
 */
export function cvmRows(t: Target): CvmRow[] {
  const m = t.machine;
  const guests = spGuests(m);
  const rows: CvmRow[] = [];
  for (let vmid = 1; vmid <= MAX_ASID; vmid++) {
    const key = keyOf(m, vmid);
    const guest = guests.find((g) => g.asid === vmid && g.state !== 'DECOMMISSIONED');
    const hgatp = t.rootOf(vmid);
    const name = t.guests.get(vmid)?.name;
    if (key === undefined && guest === undefined && hgatp === undefined && name === undefined) continue;
    rows.push({ vmid, ...(name ? { name } : {}), ...(key ? { key } : {}), ...(guest ? { guest } : {}), ...(hgatp !== undefined ? { hgatp: hgatp >>> 0 } : {}) });
  }
  for (const g of guests) if (g.asid === null || g.state === 'DECOMMISSIONED') rows.push({ guest: g });
  return rows;
}

/** `VMID 1 (guest-a)` or `SP guest 2 (no ASID)`. */
export function rowName(r: CvmRow): string {
  if (r.vmid === undefined) return `SP guest ${r.guest!.handle} (${r.guest!.state === 'DECOMMISSIONED' ? 'decommissioned' : 'no ASID'})`;
  return `VMID ${r.vmid}${r.name ? ` (${r.name})` : ''}`;
}

/** One line: launch state, policy flags, key. */
export function rowSummary(r: CvmRow): string {
  const parts: string[] = [];
  if (r.guest) parts.push(`SP guest ${r.guest.handle} ${r.guest.state}`, `policy ${r.guest.policyFlags.length ? r.guest.policyFlags.join(' ') : 'none'}`);
  else if (r.vmid !== undefined) parts.push('not launched by the secure processor');
  if (r.vmid !== undefined) parts.push(r.key ? `key ${r.key.fingerprint}` : 'no key');
  return parts.join(', ');
}

/** cvm-model 5.6, said of a whole VM (variables, REPL). */
export const NODBG_VM_NOTE = 'NODBG: plaintext views of this guest (dec:, gpa:, its va:) are the emulator\'s; a real hypervisor could not show them (cvm-model 5.6)';
