/** The secure processor as a bus device and a feature: registers, access rules, view state, snapshots. */
import { describe, expect, it } from 'vitest';
import { DeviceStateError } from '../../../emulator/devices/state';
import {
  CMDRESP_DONE, decodePolicy, LaunchStartBuf, POLICY_ES, POLICY_NODBG, POLICY_SNP, SP_BASE, SP_MAGIC, SP_REG, SP_SIZE, SpCmd, SpStatus, statusName,
} from '../../../emulator/cvm/sp';
import { CMD_BUF, Fields, spMachine } from './sp-harness';

describe('registers', () => {
  it('sits at 0x1020_0000 (0x1000 bytes) and answers on the bus: magic VPSP, version 1', () => {
    const t = spMachine();
    expect([t.sp.base, t.sp.size]).toEqual([0x1020_0000, 0x1000]);
    expect([SP_BASE, SP_SIZE]).toEqual([0x1020_0000, 0x1000]);
    expect(t.m.bus.read(SP_BASE + SP_REG.MAGIC, 4)).toBe(SP_MAGIC);
    expect(t.m.bus.read(SP_BASE + SP_REG.VERSION, 4)).toBe(1);
    expect(SP_MAGIC).toBe(0x50535056);
  });

  it('accepts only aligned 32-bit accesses: a byte or halfword access faults on the bus', () => {
    const t = spMachine();
    expect(t.sp.accepts(0, 4)).toBe(true);
    expect(t.sp.accepts(0xffc, 4)).toBe(true);
    expect(t.sp.accepts(0, 1)).toBe(false);
    expect(t.sp.accepts(0x0c, 2)).toBe(false);
    expect(t.sp.accepts(2, 4)).toBe(false);
    expect(t.m.bus.read(SP_BASE + SP_REG.MAGIC, 1)).toBe(-1);
    expect(t.m.bus.write(SP_BASE, 2, 0x30)).toBe(false);
  });

  it('BUF_LO is 32 bits, BUF_HI keeps bits 1:0; magic, version and unassigned offsets ignore writes', () => {
    const t = spMachine();
    t.sp.write(SP_REG.BUF_LO, 4, 0xdead_beef);
    t.sp.write(SP_REG.BUF_HI, 4, 0xffff_ffff);
    t.sp.write(SP_REG.MAGIC, 4, 0);
    t.sp.write(SP_REG.VERSION, 4, 7);
    t.sp.write(0x100, 4, 0x1234);
    expect([t.sp.read(SP_REG.BUF_LO, 4), t.sp.read(SP_REG.BUF_HI, 4), t.sp.read(SP_REG.MAGIC, 4), t.sp.read(SP_REG.VERSION, 4), t.sp.read(0x100, 4)])
      .toEqual([0xdead_beef, 3, SP_MAGIC, 1, 0]);
  });

  it('CMDRESP reads 0 before any command, then done | command << 16 | status', () => {
    const t = spMachine();
    expect(t.sp.read(SP_REG.CMDRESP, 4)).toBe(0);
    t.cmd(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size));
    expect(t.sp.read(SP_REG.CMDRESP, 4)).toBe((CMDRESP_DONE | (0x30 << 16)) >>> 0);
    t.cmd(SpCmd.LAUNCH_FINISH, new Fields(4).u32(0, 5));
    expect(t.sp.read(SP_REG.CMDRESP, 4)).toBe((CMDRESP_DONE | (0x35 << 16) | SpStatus.INVALID_GUEST) >>> 0);
    t.sp.write(SP_REG.CMDRESP, 4, 0xff99_0000); // id = bits 23:16 = 0x99
    expect(t.sp.read(SP_REG.CMDRESP, 4)).toBe((CMDRESP_DONE | (0x99 << 16) | SpStatus.INVALID_COMMAND) >>> 0);
  });

  it('works through the bus; BUF_HI gives address bits 33:32 (0x1_8000_1000 is not RAM)', () => {
    const t = spMachine();
    t.m.bus.write(SP_BASE + SP_REG.BUF_LO, 4, CMD_BUF);
    t.m.bus.write(SP_BASE + SP_REG.BUF_HI, 4, 1);
    t.m.bus.write(SP_BASE + SP_REG.CMDRESP, 4, SpCmd.LAUNCH_START << 16);
    expect(t.m.bus.read(SP_BASE + SP_REG.CMDRESP, 4) & 0xffff).toBe(SpStatus.INVALID_ADDRESS);
    t.m.bus.write(SP_BASE + SP_REG.BUF_HI, 4, 0);
    t.m.bus.write(SP_BASE + SP_REG.CMDRESP, 4, SpCmd.LAUNCH_START << 16);
    expect(t.m.bus.read(SP_BASE + SP_REG.CMDRESP, 4) & 0xffff).toBe(SpStatus.SUCCESS);
    expect(t.mee.readDram(CMD_BUF, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
  });
});

describe('protocol helpers', () => {
  it('decodes policies and names statuses', () => {
    expect(decodePolicy(0)).toEqual([]);
    expect(decodePolicy(POLICY_NODBG | POLICY_ES | POLICY_SNP)).toEqual(['NODBG', 'ES', 'SNP']);
    expect(decodePolicy(POLICY_NODBG | 0x8000_0002)).toEqual(['NODBG', 'other 0x80000002']);
    expect(statusName(SpStatus.INVALID_PARAM)).toBe('INVALID_PARAM');
    expect(statusName(22)).toBe('INVALID_PARAM');
    expect(statusName(0x99)).toBe('status 0x99');
  });
});

describe('as a feature', () => {
  it('shows guests, the chip, the last command and counters as JSON-safe data', () => {
    const t = spMachine();
    const h = t.running(POLICY_NODBG | POLICY_SNP);
    t.activate(h, 4);
    t.launchStart();
    const v = t.sp.viewState() as Record<string, unknown>;
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
    expect(t.sp.name).toBe('secure-processor');
    expect(v.guests).toEqual([
      { handle: 1, state: 'RUNNING', policy: { value: 0x10001, flags: ['NODBG', 'SNP'] }, asid: 4, digest: expect.stringMatching(/^[0-9a-f]{96}$/), reports: 0 },
      { handle: 2, state: 'LAUNCHING', policy: { value: 0, flags: [] }, asid: null, digest: '0'.repeat(96), reports: 0 },
    ]);
    expect(v.chipId).toMatch(/^[0-9a-f]{128}$/);
    expect(v.chipPublicKey).toContain('BEGIN PUBLIC KEY');
    expect(v.lastCommand).toEqual({ id: 0x30, name: 'LAUNCH_START', status: 0, statusName: 'SUCCESS' });
    expect(v.commands).toEqual({ LAUNCH_START: 2, LAUNCH_UPDATE_DATA: 1, LAUNCH_FINISH: 1, ACTIVATE: 1 });
  });
});

describe('snapshots', () => {
  it('restore brings back guests, keys in the engine, reports, registers and counters', () => {
    const t = spMachine();
    const a = t.running();
    t.activate(a, 10);
    t.report(a);
    const b = t.launchStart(POLICY_ES);
    const saved = structuredClone(t.sp.save());
    expect(JSON.parse(JSON.stringify(saved))).toEqual(saved);
    const view = JSON.stringify(t.sp.viewState());

    t.handleCmd(SpCmd.DEACTIVATE, a);
    t.handleCmd(SpCmd.DECOMMISSION, a);
    t.activate(b, 11);
    t.launchStart();
    expect(t.mee.boundAsids()).toEqual([11]);

    t.sp.restore(saved);
    expect(JSON.stringify(t.sp.viewState())).toBe(view);
    expect(t.mee.boundAsids()).toEqual([10]);
    expect(t.sp.reports().length).toBe(1);
    expect(t.launchStart()).toBe(3); // handle counter restored too
    expect(t.report(a).status).toBe(SpStatus.SUCCESS);
  });

  it('a corrupt snapshot fails with a DeviceStateError naming the field', () => {
    const t = spMachine();
    t.launchStart();
    const s = t.sp.save() as unknown as Record<string, unknown>;
    expect(() => t.sp.restore({ ...s, bufHi: 4 })).toThrow(DeviceStateError);
    expect(() => t.sp.restore({ ...s, guests: [{ ...(s.guests as object[])[0], vek: 'zz' }] })).toThrow(/vek/);
    expect(() => t.sp.restore({ ...s, guests: [{ ...(s.guests as object[])[0], state: 2 }] })).toThrow(/state/);
    expect(() => t.sp.restore(null)).toThrow(DeviceStateError);
  });
});
