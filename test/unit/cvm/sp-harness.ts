/**
 * A machine with the real memory-encryption engine and Node crypto, and a secure processor on it, driven
 * as a hypervisor would: write a command buffer into DRAM, point BUF_LO/BUF_HI at it, store the
 * command id to CMDRESP, read the status back.
 */
import * as nodeCrypto from 'node:crypto';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { DEFAULT_CONFIG } from '../../../emulator/config';
import type { MemoryEncryption } from '../../../emulator/cvm/mee';
import {
  ActivateBuf, AttestationBuf, HandleBuf, LaunchStartBuf, LaunchUpdateBuf, REPORT_SIZE, SecureProcessor, SP_BASE, SP_REG, SpCmd, SpStatus,
} from '../../../emulator/cvm/sp';
import { Machine } from '../../../emulator/machine';

export const RAM = 0x8000_0000;
/** Where the harness puts command buffers. */
export const CMD_BUF = RAM + 0x1000;
/** Guest image and scratch areas used by the tests. */
export const IMAGE = RAM + 0x10_0000;
export const SCRATCH = RAM + 0x20_0000;
export const REPORT_AT = RAM + 0x30_0000;

/** Little-endian field writer for a command buffer. */
export class Fields {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(off: number, v: number): this {
    this.view.setUint32(off, v >>> 0, true);
    return this;
  }
  u64(off: number, v: number): this {
    this.view.setUint32(off, v % 2 ** 32, true);
    this.view.setUint32(off + 4, Math.floor(v / 2 ** 32), true);
    return this;
  }
  set(off: number, b: Uint8Array): this {
    this.bytes.set(b, off);
    return this;
  }
}

export interface Result {
  status: number;
  /** The command buffer after the command. */
  out: DataView;
}

export function spMachine(seed = 1234) {
  const crypto = new NodeCrypto();
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 4, features: ['integrity'], seed }, { crypto });
  return { ...spDriver(m), crypto, seed };
}

/** Drive machine `m`'s secure processor as a hypervisor would (m needs the secure-processor feature). */
export function spDriver(m: Machine) {
  const mee = m.mee as MemoryEncryption;
  const sp = m.sp as SecureProcessor;

  /** Runs command `id` with buffer `f` at `at` (default CMD_BUF) through the registers, over the system bus. */
  const cmd = (id: number, f: Fields, at = CMD_BUF): Result => {
    mee.writeDram(at, f.bytes);
    m.bus.write(SP_BASE + SP_REG.BUF_LO, 4, at % 2 ** 32);
    m.bus.write(SP_BASE + SP_REG.BUF_HI, 4, Math.floor(at / 2 ** 32));
    m.bus.write(SP_BASE + SP_REG.CMDRESP, 4, id << 16);
    const r = m.bus.read(SP_BASE + SP_REG.CMDRESP, 4);
    const out = mee.readDram(at, f.bytes.length);
    return { status: r & 0xffff, out: new DataView(out.buffer, out.byteOffset, out.byteLength) };
  };
  const ok = (id: number, f: Fields): DataView => {
    const r = cmd(id, f);
    if (r.status !== SpStatus.SUCCESS) throw new Error(`command 0x${id.toString(16)} failed with status ${r.status}`);
    return r.out;
  };

  const launchStart = (policy = 0, hostData: Uint8Array = new Uint8Array(32)): number =>
    ok(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size).u32(LaunchStartBuf.policy, policy).set(LaunchStartBuf.hostData, hostData))
      .getUint32(LaunchStartBuf.handle, true);
  const update = (handle: number, pa: number, len: number, gpa: number, id: number = SpCmd.LAUNCH_UPDATE_DATA): Result =>
    cmd(id, new Fields(LaunchUpdateBuf.size).u32(0, handle).u64(LaunchUpdateBuf.address, pa).u32(LaunchUpdateBuf.len, len).u64(LaunchUpdateBuf.gpa, gpa));
  const handleCmd = (id: number, handle: number): Result => cmd(id, new Fields(HandleBuf.size).u32(0, handle));
  const activate = (handle: number, asid: number): Result => cmd(SpCmd.ACTIVATE, new Fields(ActivateBuf.size).u32(0, handle).u32(ActivateBuf.asid, asid));
  const report = (handle: number, reportData: Uint8Array = new Uint8Array(64), at = REPORT_AT, len = REPORT_SIZE): Result =>
    cmd(SpCmd.ATTESTATION_REPORT, new Fields(AttestationBuf.size).u32(0, handle).u64(AttestationBuf.address, at)
      .set(AttestationBuf.reportData, reportData).u32(AttestationBuf.len, len));

  /** A launched, measured, finished guest (RUNNING) whose image is `image` at IMAGE / gpa 0. */
  const running = (policy = 0, image: Uint8Array = pattern(0x2000, 1)): number => {
    const h = launchStart(policy);
    mee.writeDram(IMAGE, image);
    if (update(h, IMAGE, image.length, 0).status !== SpStatus.SUCCESS) throw new Error('LAUNCH_UPDATE_DATA failed');
    if (handleCmd(SpCmd.LAUNCH_FINISH, h).status !== SpStatus.SUCCESS) throw new Error('LAUNCH_FINISH failed');
    return h;
  };

  return { m, mee, sp, cmd, ok, launchStart, update, handleCmd, activate, report, running };
}

/** Recognisable bytes: byte i is (i * 7 + salt) & 0xff. */
export function pattern(len: number, salt: number): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (i * 7 + salt) & 0xff);
}

export const sha384 = (b: Uint8Array): Buffer => nodeCrypto.createHash('sha384').update(b).digest();

/**
 * The SNP launch digest computed independently of emulator/cvm/sp (virtee/sev-snp-measure gctx.py
 * `_update`): per 4 KiB page, LD = SHA-384(LD || SHA-384(page) || 0x70 0x00 || type || 0 0 0 0 0 || gpa LE64).
 */
export function referenceDigest(pages: { data: Uint8Array; type: number; gpa: number }[]): Buffer {
  let ld: Buffer = Buffer.alloc(48);
  for (const p of pages) {
    const page = Buffer.alloc(4096);
    Buffer.from(p.data).copy(page);
    const gpa = Buffer.alloc(8);
    gpa.writeBigUInt64LE(BigInt(p.gpa));
    ld = sha384(Buffer.concat([ld, sha384(page), Buffer.from([0x70, 0x00, p.type, 0, 0, 0, 0, 0]), gpa]));
  }
  return ld;
}

export { SP_BASE };
