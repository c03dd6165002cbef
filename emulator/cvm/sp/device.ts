/**
 * The secure processor (cvm-model section 5): an MMIO mailbox in front of a firmware that keeps the
 * guests' keys. It is a bus Device (the registers) and a Feature (its state in the debugger's views).
 * Registers and buffer layouts: README.md in this folder.
 *
 * Commands run synchronously inside the store to CMDRESP, so the next load of CMDRESP already shows
 * done = 1 with the status (a real PSP raises an interrupt later; vmscope has nothing to wait for).
 */
import type { AccessCheck, Device } from '../../devices/device';
import type { Feature } from '../../features/types';
import type { CryptoProvider } from '../crypto';
import { commandName, runCommand } from './commands';
import { SpContext, type Guest, type GuestListener, type ProducedReport, type SpMemory } from './context';
import { CMDRESP_DONE, decodePolicy, guestStateName, SP_BASE, SP_MAGIC, SP_REG, SP_SIZE, SP_VERSION, statusName } from './protocol';
import { fromHex, guestFromSave, readState, saveGuest, saveReport, toHex, type SpState } from './state';

export interface SecureProcessorOptions {
  /** The memory-encryption engine (emulator/cvm/mee.ts): keys are bound there, DRAM read through it. */
  mee: SpMemory;
  crypto: CryptoProvider;
  /** The machine seed (cvm-model 3.3): chip key, chip id, guest keys derive from it. */
  seed: number;
  base?: number;
}

export class SecureProcessor implements Device, AccessCheck, Feature {
  readonly name = 'secure-processor';
  readonly description = 'PSP-like secure processor: guest launch, keys per ASID, launch digest, signed attestation reports';
  readonly base: number;
  readonly size = SP_SIZE;
  private readonly ctx: SpContext;
  private bufLo = 0;
  private bufHi = 0;
  private done = false;
  private lastCmd = 0;
  private lastStatus = 0;
  private counts: Record<string, number> = {};
  /** Called after every command with its id and status (the debugger's "secure-processor command" stop). */
  onCommand?: (id: number, status: number) => void;

  constructor(opts: SecureProcessorOptions) {
    this.ctx = new SpContext(opts.mee, opts.crypto, opts.seed);
    this.base = opts.base ?? SP_BASE;
  }

  /** Only aligned 32-bit accesses; others fault (as QEMU devices with valid.min_access_size = 4). */
  accepts(offset: number, size: 1 | 2 | 4): boolean {
    return size === 4 && (offset & 3) === 0 && offset >= 0 && offset < this.size;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case SP_REG.CMDRESP: return ((this.done ? CMDRESP_DONE : 0) | (this.lastCmd << 16) | this.lastStatus) >>> 0;
      case SP_REG.BUF_LO: return this.bufLo;
      case SP_REG.BUF_HI: return this.bufHi;
      case SP_REG.MAGIC: return SP_MAGIC;
      case SP_REG.VERSION: return SP_VERSION;
      default: return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    if (offset === SP_REG.CMDRESP) this.execute((value >>> 16) & 0xff);
    else if (offset === SP_REG.BUF_LO) this.bufLo = value >>> 0;
    else if (offset === SP_REG.BUF_HI) this.bufHi = value & 3;
  }

  /** Runs command `id` on the buffer at BUF_HI:BUF_LO, as a store of (id << 16) to CMDRESP does; returns the status. */
  execute(id: number): number {
    const status = runCommand(this.ctx, id, this.bufHi * 0x1_0000_0000 + this.bufLo);
    this.lastCmd = id;
    this.lastStatus = status;
    this.done = true;
    const name = commandName(id);
    this.counts[name] = (this.counts[name] ?? 0) + 1;
    this.onCommand?.(id, status);
    return status;
  }

  /** Every report produced so far, oldest first (the bytes the hypervisor received). */
  reports(): readonly ProducedReport[] {
    return this.ctx.reports;
  }

  /** The live guest whose key is bound to `asid` (the protection features ask: cvm-model 6). */
  guestByAsid(asid: number): Readonly<Guest> | undefined {
    return this.ctx.asidOwner(asid);
  }

  /** A protection feature (register protection, integrity) joins: its policy bits become launchable. */
  addProtection(policyBits: number, listener: GuestListener): void {
    this.ctx.supportedPolicy |= policyBits;
    this.ctx.listeners.push(listener);
  }

  /** The chip's ECDSA P-384 public key (SPKI PEM) that verifies this machine's reports. */
  chipPublicKeyPem(): string {
    return this.ctx.chip.publicPem;
  }

  viewState(): unknown {
    const guests = [...this.ctx.guests.values()].map((g) => ({
      handle: g.handle, state: guestStateName(g.state), policy: { value: g.policy, flags: decodePolicy(g.policy) },
      asid: g.asid, digest: toHex(g.digest), reports: g.reports,
    }));
    const last = this.done ? { id: this.lastCmd, name: commandName(this.lastCmd), status: this.lastStatus, statusName: statusName(this.lastStatus) } : null;
    return {
      guests, chipId: toHex(this.ctx.chip.id), chipPublicKey: this.ctx.chip.publicPem,
      lastCommand: last, commands: { ...this.counts },
      buffer: `0x${(this.bufHi * 0x1_0000_0000 + this.bufLo).toString(16)}`,
    };
  }

  save(): SpState {
    return {
      bufLo: this.bufLo, bufHi: this.bufHi, done: this.done, lastCmd: this.lastCmd, lastStatus: this.lastStatus,
      nextHandle: this.ctx.nextHandle, launches: this.ctx.launches, counts: { ...this.counts },
      guests: [...this.ctx.guests.values()].map(saveGuest), reports: this.ctx.reports.map(saveReport),
    };
  }

  /** Restores the firmware and makes the engine's key bindings match it (unbind ours, bind the snapshot's). */
  restore(state: unknown): void {
    const s = readState(state);
    const { ctx } = this;
    for (const g of ctx.guests.values()) if (g.asid !== null && ctx.mem.keyBound(g.asid)) ctx.mem.unbindKey(g.asid);
    ctx.guests.clear();
    for (const g of s.guests.map(guestFromSave)) ctx.guests.set(g.handle, g);
    ctx.reports.length = 0;
    for (const r of s.reports) ctx.reports.push({ handle: r.handle, bytes: fromHex(r.bytes) });
    for (const g of ctx.guests.values()) if (g.asid !== null) ctx.mem.bindKey(g.asid, g.vek);
    ctx.nextHandle = s.nextHandle;
    ctx.launches = s.launches;
    this.bufLo = s.bufLo;
    this.bufHi = s.bufHi;
    this.done = s.done;
    this.lastCmd = s.lastCmd;
    this.lastStatus = s.lastStatus;
    this.counts = { ...s.counts };
  }
}
