/**
 * The secure processor's snapshot: plain JSON-safe data (byte strings as hex), checked field by field
 * on restore so that a corrupt snapshot fails with a message naming the field.
 */
import { DeviceStateError, StateReader } from '../../devices/state';
import type { Guest, LaunchedPage, ProducedReport } from './context';
import { GuestState } from './protocol';

export interface SpRegisters {
  bufLo: number;
  bufHi: number;
  done: boolean;
  lastCmd: number;
  lastStatus: number;
}

export interface SpState extends SpRegisters {
  nextHandle: number;
  launches: number;
  counts: Record<string, number>;
  guests: GuestSave[];
  reports: { handle: number; bytes: string }[];
}

interface GuestSave {
  handle: number; launchIndex: number; state: number; policy: number; asid: number | null;
  vek: string; digest: string; hostData: string; reports: number;
  pages: LaunchedPage[]; vmsa: number | null;
}

export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function saveGuest(g: Guest): GuestSave {
  return {
    handle: g.handle, launchIndex: g.launchIndex, state: g.state, policy: g.policy, asid: g.asid,
    vek: toHex(g.vek), digest: toHex(g.digest), hostData: toHex(g.hostData), reports: g.reports,
    pages: g.pages.map((p) => ({ ...p })), vmsa: g.vmsa,
  };
}

export function saveReport(r: ProducedReport): { handle: number; bytes: string } {
  return { handle: r.handle, bytes: toHex(r.bytes) };
}

const DEVICE = 'secure-processor';
const U32 = 0xffff_ffff;
const STATES: readonly number[] = Object.values(GuestState);

/** Parses a snapshot made by save(); throws DeviceStateError when it is not one. */
export function readState(state: unknown): SpState {
  const r = new StateReader(DEVICE, state);
  const rec = state as Record<string, unknown>;
  const counts = rec.counts;
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)
    || !Object.values(counts).every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw new DeviceStateError(DEVICE, "field 'counts' must map command names to counts");
  }
  return {
    bufLo: r.int('bufLo', 0, U32), bufHi: r.int('bufHi', 0, 3), done: r.bool('done'),
    lastCmd: r.int('lastCmd', 0, 0xff), lastStatus: r.int('lastStatus', 0, 0xffff),
    nextHandle: r.int('nextHandle', 1, U32), launches: r.int('launches', 0, U32),
    counts: { ...(counts as Record<string, number>) },
    guests: list(rec.guests, 'guests').map((g, i) => readGuest(new StateReader(DEVICE, g), g as Record<string, unknown>, i)),
    reports: list(rec.reports, 'reports').map((x, i) => {
      const rr = new StateReader(DEVICE, x);
      return { handle: rr.int('handle', 1, U32), bytes: hex(x as Record<string, unknown>, 'bytes', `reports[${i}]`, 0x4a0) };
    }),
  };
}

function readGuest(r: StateReader, rec: Record<string, unknown>, i: number): GuestSave {
  const where = `guests[${i}]`;
  const state = r.int('state', 0, 0xff);
  if (!STATES.includes(state)) throw new DeviceStateError(DEVICE, `${where}.state ${state} is not a guest state`);
  return {
    handle: r.int('handle', 1, U32), launchIndex: r.int('launchIndex', 0, U32), state, policy: r.int('policy', 0, U32),
    asid: rec.asid === null ? null : r.int('asid', 1, 127),
    vek: hex(rec, 'vek', where, 16), digest: hex(rec, 'digest', where, 48), hostData: hex(rec, 'hostData', where, 32),
    reports: r.int('reports', 0, U32),
    pages: readPages(rec.pages, where), vmsa: rec.vmsa === null || rec.vmsa === undefined ? null : r.int('vmsa', 0, 2 ** 34 - 1),
  };
}

/** Launch pages of a guest (absent in snapshots from before they were recorded: none). */
function readPages(v: unknown, where: string): LaunchedPage[] {
  if (v === undefined) return [];
  return list(v, `${where}.pages`).map((p, i) => {
    const r = new StateReader(DEVICE, p);
    const vmsa = (p as Record<string, unknown>).vmsa;
    if (typeof vmsa !== 'boolean') throw new DeviceStateError(DEVICE, `${where}.pages[${i}].vmsa must be true or false`);
    return { pa: r.int('pa', 0, 2 ** 34 - 1), gpa: r.int('gpa', 0, 2 ** 34 - 1), vmsa };
  });
}

export function guestFromSave(g: GuestSave): Guest {
  return {
    handle: g.handle, launchIndex: g.launchIndex, state: g.state as GuestState, policy: g.policy, asid: g.asid,
    vek: fromHex(g.vek), digest: fromHex(g.digest), hostData: fromHex(g.hostData), reports: g.reports,
    pages: g.pages.map((p) => ({ ...p })), vmsa: g.vmsa,
  };
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function list(v: unknown, key: string): unknown[] {
  if (!Array.isArray(v)) throw new DeviceStateError(DEVICE, `field '${key}' must be an array`);
  return v;
}

function hex(rec: Record<string, unknown>, key: string, where: string, bytes: number): string {
  const v = rec[key];
  if (typeof v !== 'string' || v.length !== 2 * bytes || !/^[0-9a-f]*$/.test(v)) {
    throw new DeviceStateError(DEVICE, `${where}.${key} must be ${bytes} bytes as lower-case hex`);
  }
  return v;
}
