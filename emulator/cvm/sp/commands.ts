/**
 * The command table (cvm-model 5.2) and the one dispatcher every command goes through: find the
 * command, read its buffer from DRAM, find the guest its handle names and check the guest's state,
 * run the handler, write the buffer back. Every failure is a status code (cvm-model 5.3: never a
 * silent success).
 */
import { attestationReport, debugCrypt } from './attest';
import {
  ActivateBuf, AttestationBuf, CmdBuffer, DbgBuf, GuestStatusBuf, HandleBuf, LaunchMeasureBuf, LaunchStartBuf, LaunchUpdateBuf,
} from './buffers';
import type { Guest, SpContext } from './context';
import { PAGE_TYPE_NORMAL, PAGE_TYPE_VMSA } from './digest';
import { launchFinish, launchMeasure, launchStart, launchUpdate } from './launch';
import { activate, deactivate, decommission, guestStatus } from './lifecycle';
import { GuestState, SpCmd, SpStatus } from './protocol';

interface CommandBase {
  id: number;
  name: string;
  /** Bytes of the command buffer. */
  size: number;
}
/** A command on an existing guest: the u32 handle at buffer offset 0 names it. */
interface GuestCommand extends CommandBase {
  /** States the guest must be in (else INVALID_GUEST_STATE). */
  states: readonly GuestState[];
  run(ctx: SpContext, buf: CmdBuffer, guest: Guest): number;
}
/** A command that names no existing guest (LAUNCH_START creates one). */
interface PlatformCommand extends CommandBase {
  states: null;
  run(ctx: SpContext, buf: CmdBuffer): number;
}
export type SpCommandSpec = GuestCommand | PlatformCommand;

const { LAUNCHING, RUNNING } = GuestState;
const LIVE = [LAUNCHING, RUNNING] as const;

export const SP_COMMANDS: readonly SpCommandSpec[] = [
  { id: SpCmd.LAUNCH_START, name: 'LAUNCH_START', size: LaunchStartBuf.size, states: null, run: launchStart },
  { id: SpCmd.LAUNCH_UPDATE_DATA, name: 'LAUNCH_UPDATE_DATA', size: LaunchUpdateBuf.size, states: [LAUNCHING], run: launchUpdate(PAGE_TYPE_NORMAL) },
  { id: SpCmd.LAUNCH_UPDATE_VMSA, name: 'LAUNCH_UPDATE_VMSA', size: LaunchUpdateBuf.size, states: [LAUNCHING], run: launchUpdate(PAGE_TYPE_VMSA) },
  { id: SpCmd.LAUNCH_MEASURE, name: 'LAUNCH_MEASURE', size: LaunchMeasureBuf.size, states: [LAUNCHING], run: launchMeasure },
  { id: SpCmd.LAUNCH_FINISH, name: 'LAUNCH_FINISH', size: HandleBuf.size, states: [LAUNCHING], run: launchFinish },
  { id: SpCmd.ACTIVATE, name: 'ACTIVATE', size: ActivateBuf.size, states: LIVE, run: activate },
  { id: SpCmd.DEACTIVATE, name: 'DEACTIVATE', size: HandleBuf.size, states: LIVE, run: deactivate },
  { id: SpCmd.DECOMMISSION, name: 'DECOMMISSION', size: HandleBuf.size, states: LIVE, run: decommission },
  { id: SpCmd.GUEST_STATUS, name: 'GUEST_STATUS', size: GuestStatusBuf.size, states: LIVE, run: guestStatus },
  { id: SpCmd.ATTESTATION_REPORT, name: 'ATTESTATION_REPORT', size: AttestationBuf.size, states: [RUNNING], run: attestationReport },
  { id: SpCmd.DBG_DECRYPT, name: 'DBG_DECRYPT', size: DbgBuf.size, states: LIVE, run: debugCrypt(true) },
  { id: SpCmd.DBG_ENCRYPT, name: 'DBG_ENCRYPT', size: DbgBuf.size, states: LIVE, run: debugCrypt(false) },
];

const BY_ID = new Map<number, SpCommandSpec>(SP_COMMANDS.map((c) => [c.id, c]));

/** 'LAUNCH_START' for 0x30; 'command 0x..' for ids vmscope does not implement. */
export function commandName(id: number): string {
  return BY_ID.get(id)?.name ?? `command 0x${id.toString(16)}`;
}

/** Runs command `id` with its buffer at system physical `bufAddr`; returns the status. */
export function runCommand(ctx: SpContext, id: number, bufAddr: number): number {
  const spec = BY_ID.get(id);
  if (spec === undefined) return SpStatus.INVALID_COMMAND;
  let st = ctx.checkRange(bufAddr, spec.size);
  if (st !== SpStatus.SUCCESS) return st;
  const buf = new CmdBuffer(ctx.mem.readDram(bufAddr, spec.size).slice());
  if (spec.states === null) st = spec.run(ctx, buf);
  else {
    const guest = ctx.liveGuest(buf.u32(0));
    if (guest === undefined) return SpStatus.INVALID_GUEST;
    if (!spec.states.includes(guest.state)) return SpStatus.INVALID_GUEST_STATE;
    st = spec.run(ctx, buf, guest);
  }
  // Out fields: results on success, the needed length on INVALID_LEN (as SEV's LAUNCH_MEASURE does).
  if (st === SpStatus.SUCCESS || st === SpStatus.INVALID_LEN) ctx.mem.writeDram(bufAddr, buf.bytes);
  return st;
}
