/** The secure processor's commands (cvm-model 5.2-5.4): happy paths, state rules, ASID rules, NODBG. */
import { describe, expect, it } from 'vitest';
import {
  DbgBuf, GuestState, GuestStatusBuf, LaunchMeasureBuf, LaunchStartBuf, POLICY_NODBG, POLICY_SNP, SP_COMMANDS, SpCmd, SpStatus,
} from '../../../emulator/cvm/sp';
import { CMD_BUF, Fields, IMAGE, pattern, SCRATCH, spMachine } from './sp-harness';

const word = (b: Uint8Array, off = 0): number => new DataView(b.buffer, b.byteOffset).getUint32(off, true);

function status(t: ReturnType<typeof spMachine>, handle: number) {
  const out = t.ok(SpCmd.GUEST_STATUS, new Fields(GuestStatusBuf.size).u32(0, handle));
  return { policy: out.getUint32(GuestStatusBuf.policy, true), asid: out.getUint32(GuestStatusBuf.asid, true), state: out.getUint8(GuestStatusBuf.state) };
}

const dbg = (t: ReturnType<typeof spMachine>, id: number, handle: number, src: number, dst: number, len: number) =>
  t.cmd(id, new Fields(DbgBuf.size).u32(0, handle).u64(DbgBuf.srcAddr, src).u64(DbgBuf.dstAddr, dst).u32(DbgBuf.len, len));

describe('launch', () => {
  it('LAUNCH_START creates guests with handles from 1, in LAUNCHING, with the policy given', () => {
    const t = spMachine();
    expect(t.launchStart(POLICY_NODBG)).toBe(1);
    expect(t.launchStart(POLICY_SNP)).toBe(2);
    expect(status(t, 1)).toEqual({ policy: POLICY_NODBG, asid: 0, state: GuestState.LAUNCHING });
    expect(status(t, 2)).toEqual({ policy: POLICY_SNP, asid: 0, state: GuestState.LAUNCHING });
  });

  it('LAUNCH_START refuses DH/session parameters and key sharing (handle in != 0) with INVALID_PARAM', () => {
    const t = spMachine();
    const B = LaunchStartBuf;
    for (const [off, wide] of [[B.dhCertAddress, true], [B.dhCertLen, false], [B.sessionAddress, true], [B.sessionLen, false], [B.handle, false]] as const) {
      const f = new Fields(B.size);
      if (wide) f.u64(off, 0x8000_0000); else f.u32(off, 16);
      expect(t.cmd(SpCmd.LAUNCH_START, f).status, `field at 0x${off.toString(16)}`).toBe(SpStatus.INVALID_PARAM);
    }
    expect(t.launchStart()).toBe(1); // nothing was created by the failures
  });

  it('LAUNCH_UPDATE_DATA encrypts in place: the host sees ciphertext, the guest (its ASID) the image', () => {
    const t = spMachine();
    const image = pattern(0x2000, 3);
    const h = t.launchStart();
    t.mee.writeDram(IMAGE, image);
    expect(t.update(h, IMAGE, image.length, 0).status).toBe(SpStatus.SUCCESS);
    const raw = t.mee.readDram(IMAGE, image.length);
    expect(Buffer.from(raw).equals(Buffer.from(image))).toBe(false);
    expect(t.activate(h, 5).status).toBe(SpStatus.SUCCESS);
    for (const off of [0, 0x10, 0xffc, 0x1ff0]) expect(t.m.bus.read(IMAGE + off, 4, 5), `offset ${off}`).toBe(word(image, off));
    expect(t.m.bus.read(IMAGE, 4, 0)).toBe(word(raw));
  });

  it('LAUNCH_UPDATE_DATA checks alignment, length, address and gpa', () => {
    const t = spMachine();
    const h = t.launchStart();
    expect(t.update(h, IMAGE, 0, 0).status).toBe(SpStatus.INVALID_LEN);
    expect(t.update(h, IMAGE, 24, 0).status).toBe(SpStatus.INVALID_LEN);
    expect(t.update(h, IMAGE + 8, 16, 0).status).toBe(SpStatus.INVALID_ADDRESS);
    expect(t.update(h, 0x1000_0000, 16, 0).status).toBe(SpStatus.INVALID_ADDRESS); // a device, not RAM
    expect(t.update(h, 0x8040_0000 - 16, 32, 0).status).toBe(SpStatus.INVALID_ADDRESS); // runs off the end of RAM
    expect(t.update(h, 2 ** 33 + 0x8000_0000, 16, 0).status).toBe(SpStatus.INVALID_ADDRESS);
    expect(t.update(h, IMAGE, 16, 2 ** 34 - 8).status).toBe(SpStatus.INVALID_PARAM);
    expect(t.update(h, IMAGE, 16, 2 ** 34 - 16).status).toBe(SpStatus.SUCCESS);
  });

  it('LAUNCH_MEASURE writes 48 bytes and reports len 48; a short buffer gets INVALID_LEN and the needed length', () => {
    const t = spMachine();
    const h = t.launchStart();
    const B = LaunchMeasureBuf;
    const short = t.cmd(SpCmd.LAUNCH_MEASURE, new Fields(B.size).u32(0, h).u64(B.address, SCRATCH).u32(B.len, 47));
    expect(short.status).toBe(SpStatus.INVALID_LEN);
    expect(short.out.getUint32(B.len, true)).toBe(48);
    t.mee.writeDram(SCRATCH, new Uint8Array(64).fill(0xee));
    const r = t.cmd(SpCmd.LAUNCH_MEASURE, new Fields(B.size).u32(0, h).u64(B.address, SCRATCH).u32(B.len, 64));
    expect(r.status).toBe(SpStatus.SUCCESS);
    expect(r.out.getUint32(B.len, true)).toBe(48);
    expect([...t.mee.readDram(SCRATCH, 64)]).toEqual([...new Uint8Array(48), ...new Uint8Array(16).fill(0xee)]);
    expect(t.cmd(SpCmd.LAUNCH_MEASURE, new Fields(B.size).u32(0, h).u64(B.address, 0x1000).u32(B.len, 48)).status).toBe(SpStatus.INVALID_ADDRESS);
  });

  it('LAUNCH_UPDATE_VMSA encrypts like data', () => {
    const t = spMachine();
    const h = t.launchStart();
    const vmsa = pattern(0x1000, 9);
    t.mee.writeDram(IMAGE, vmsa);
    expect(t.update(h, IMAGE, vmsa.length, 0x3000, SpCmd.LAUNCH_UPDATE_VMSA).status).toBe(SpStatus.SUCCESS);
    expect(t.activate(h, 1).status).toBe(SpStatus.SUCCESS);
    expect(t.m.bus.read(IMAGE + 0x100, 4, 1)).toBe(word(vmsa, 0x100));
  });

  it('LAUNCH_FINISH makes the guest RUNNING', () => {
    const t = spMachine();
    const h = t.launchStart();
    expect(t.handleCmd(SpCmd.LAUNCH_FINISH, h).status).toBe(SpStatus.SUCCESS);
    expect(status(t, h).state).toBe(GuestState.RUNNING);
  });
});

describe('keys and ASIDs', () => {
  it('ACTIVATE binds the key in the engine, DEACTIVATE unbinds it, GUEST_STATUS shows the ASID', () => {
    const t = spMachine();
    const h = t.running();
    expect(t.mee.keyBound(7)).toBe(false);
    expect(t.activate(h, 7).status).toBe(SpStatus.SUCCESS);
    expect(t.mee.keyBound(7)).toBe(true);
    expect(status(t, h)).toEqual({ policy: 0, asid: 7, state: GuestState.RUNNING });
    expect(t.handleCmd(SpCmd.DEACTIVATE, h).status).toBe(SpStatus.SUCCESS);
    expect(t.mee.keyBound(7)).toBe(false);
    expect(status(t, h).asid).toBe(0);
    expect(t.handleCmd(SpCmd.DEACTIVATE, h).status).toBe(SpStatus.INACTIVE);
  });

  it.each([0, 128, 0xffff_ffff])('ACTIVATE with ASID %d: INVALID_ASID', (asid) => {
    const t = spMachine();
    const h = t.launchStart();
    expect(t.activate(h, asid).status).toBe(SpStatus.INVALID_ASID);
    expect(t.mee.boundAsids()).toEqual([]);
  });

  it('an ASID holds one key: ASID_OWNED for a second guest, free again after DEACTIVATE', () => {
    const t = spMachine();
    const a = t.launchStart(), b = t.launchStart();
    expect(t.activate(a, 127).status).toBe(SpStatus.SUCCESS);
    expect(t.activate(b, 127).status).toBe(SpStatus.ASID_OWNED);
    expect(t.activate(a, 3).status).toBe(SpStatus.ACTIVE); // already bound: DEACTIVATE first
    expect(t.handleCmd(SpCmd.DEACTIVATE, a).status).toBe(SpStatus.SUCCESS);
    expect(t.activate(b, 127).status).toBe(SpStatus.SUCCESS);
    expect(status(t, b).asid).toBe(127);
  });

  it('DECOMMISSION is refused while the key is bound (ACTIVE); afterwards the handle is gone (INVALID_GUEST)', () => {
    const t = spMachine();
    const h = t.running();
    t.activate(h, 2);
    expect(t.handleCmd(SpCmd.DECOMMISSION, h).status).toBe(SpStatus.ACTIVE);
    t.handleCmd(SpCmd.DEACTIVATE, h);
    expect(t.handleCmd(SpCmd.DECOMMISSION, h).status).toBe(SpStatus.SUCCESS);
    for (const c of SP_COMMANDS) {
      if (c.states === null) continue;
      expect(t.cmd(c.id, new Fields(c.size).u32(0, h)).status, c.name).toBe(SpStatus.INVALID_GUEST);
    }
    expect(t.launchStart()).toBe(h + 1); // handles are not reused
  });
});

describe('state rules (cvm-model 5.3)', () => {
  const cases = SP_COMMANDS.flatMap((c) => c.states === null ? [] :
    [GuestState.LAUNCHING, GuestState.RUNNING].filter((s) => !c.states.includes(s)).map((s) => ({ name: c.name, id: c.id, size: c.size, state: s })));

  it('covers the launch commands on a running guest and the report on a launching one', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(['ATTESTATION_REPORT', 'LAUNCH_FINISH', 'LAUNCH_MEASURE', 'LAUNCH_UPDATE_DATA', 'LAUNCH_UPDATE_VMSA']);
  });

  it.each(cases)('$name in state $state: INVALID_GUEST_STATE, nothing changes', ({ id, size, state }) => {
    const t = spMachine();
    const h = state === GuestState.RUNNING ? t.running() : t.launchStart();
    const before = JSON.stringify(t.sp.save().guests);
    expect(t.cmd(id, new Fields(size).u32(0, h)).status).toBe(SpStatus.INVALID_GUEST_STATE);
    expect(JSON.stringify(t.sp.save().guests)).toBe(before);
  });

  it('every guest command on a handle that never existed: INVALID_GUEST', () => {
    const t = spMachine();
    t.launchStart();
    for (const c of SP_COMMANDS) if (c.states !== null) expect(t.cmd(c.id, new Fields(c.size).u32(0, 9)).status, c.name).toBe(SpStatus.INVALID_GUEST);
  });

  it('an unknown command id: INVALID_COMMAND; a buffer outside RAM: INVALID_ADDRESS', () => {
    const t = spMachine();
    for (const id of [0, 0x24, 0x34, 0xa0, 0xff]) expect(t.cmd(id, new Fields(8)).status, `0x${id.toString(16)}`).toBe(SpStatus.INVALID_COMMAND);
    t.sp.write(4, 4, 0x1000);
    t.sp.write(8, 4, 0);
    expect(t.sp.execute(SpCmd.LAUNCH_START)).toBe(SpStatus.INVALID_ADDRESS);
    t.sp.write(4, 4, 0x803f_fff0); // the 0x48-byte buffer would run off the end of the 4 MiB RAM
    expect(t.sp.execute(SpCmd.LAUNCH_START)).toBe(SpStatus.INVALID_ADDRESS);
    expect(t.sp.save().guests).toEqual([]);
  });
});

describe('debug commands', () => {
  it('DBG_DECRYPT gives the plaintext of a private range; DBG_ENCRYPT writes one the guest reads', () => {
    const t = spMachine();
    const image = pattern(0x1000, 5);
    const h = t.running(0, image);
    expect(dbg(t, SpCmd.DBG_DECRYPT, h, 0x8010_0000 + 0x40, SCRATCH, 0x80).status).toBe(SpStatus.SUCCESS);
    expect([...t.mee.readDram(SCRATCH, 0x80)]).toEqual([...image.subarray(0x40, 0xc0)]);

    const secret = pattern(0x20, 77);
    t.mee.writeDram(SCRATCH + 0x1000, secret);
    expect(dbg(t, SpCmd.DBG_ENCRYPT, h, SCRATCH + 0x1000, IMAGE + 0x200, 0x20).status).toBe(SpStatus.SUCCESS);
    expect(Buffer.from(t.mee.readDram(IMAGE + 0x200, 0x20)).equals(Buffer.from(secret))).toBe(false);
    t.activate(h, 9);
    expect(t.m.bus.read(IMAGE + 0x200, 4, 9)).toBe(word(secret));
    expect(t.m.bus.read(IMAGE + 0x1fc, 4, 9)).toBe(word(image, 0x1fc)); // neighbours untouched
  });

  it('DBG_* check lengths and addresses', () => {
    const t = spMachine();
    const h = t.running();
    expect(dbg(t, SpCmd.DBG_DECRYPT, h, IMAGE, SCRATCH, 20).status).toBe(SpStatus.INVALID_LEN);
    expect(dbg(t, SpCmd.DBG_DECRYPT, h, IMAGE + 4, SCRATCH, 16).status).toBe(SpStatus.INVALID_ADDRESS);
    expect(dbg(t, SpCmd.DBG_ENCRYPT, h, IMAGE, 0x2000, 16).status).toBe(SpStatus.INVALID_ADDRESS);
  });

  it.each([SpCmd.DBG_DECRYPT, SpCmd.DBG_ENCRYPT])('policy NODBG: command %i (DBG_*) fails with POLICY_FAILURE and touches nothing', (id) => {
    const t = spMachine();
    const h = t.running(POLICY_NODBG);
    t.mee.writeDram(SCRATCH, new Uint8Array(16).fill(0xab));
    const image = t.mee.readDram(IMAGE, 16);
    expect(dbg(t, id, h, id === SpCmd.DBG_DECRYPT ? IMAGE : SCRATCH, id === SpCmd.DBG_DECRYPT ? SCRATCH : IMAGE, 16).status).toBe(SpStatus.POLICY_FAILURE);
    expect([...t.mee.readDram(SCRATCH, 16)]).toEqual(Array(16).fill(0xab));
    expect([...t.mee.readDram(IMAGE, 16)]).toEqual([...image]);
  });
});

it('the command buffer may sit anywhere in RAM', () => {
  const t = spMachine();
  const at = 0x803f_ffb8; // exactly 0x48 bytes before the end of RAM
  const r = t.cmd(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size), at);
  expect(r.status).toBe(SpStatus.SUCCESS);
  expect(r.out.getUint32(0, true)).toBe(1);
  expect(CMD_BUF).not.toBe(at);
});
