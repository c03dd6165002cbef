/**
 * What command handlers work on: the guests, the memory engine, the crypto, and DRAM access that
 * reports a bad address as a status instead of throwing.
 */
import type { CryptoProvider } from '../crypto';
import { chipId, chipKeySecret } from './identity';
import { GuestState, SpStatus } from './protocol';

/** The memory-encryption engine as the secure processor uses it (emulator/cvm/mee.ts MemoryEncryption). */
export interface SpMemory {
  bindKey(asid: number, key: Uint8Array): void;
  unbindKey(asid: number): void;
  keyBound(asid: number): boolean;
  readDram(pa: number, len: number): Uint8Array;
  writeDram(pa: number, data: Uint8Array): void;
  decryptWith(pa: number, len: number, key: Uint8Array): Uint8Array;
  encryptWith(pa: number, plain: Uint8Array, key: Uint8Array): void;
}

/** One guest context inside the firmware. */
export interface Guest {
  readonly handle: number;
  /** Which LAUNCH_START (0-based) created it: keys and report id derive from it. */
  readonly launchIndex: number;
  state: GuestState;
  readonly policy: number;
  /** ASID the VEK is bound to (ACTIVATE), or null. */
  asid: number | null;
  /** VM encryption key (AES-128), never leaves the device. */
  readonly vek: Uint8Array;
  /** Launch digest (48 bytes). */
  digest: Uint8Array;
  readonly hostData: Uint8Array;
  reports: number;
  /** Pages given to LAUNCH_UPDATE_DATA / _VMSA (4 KiB system pages, with their GPAs), in order. */
  pages: LaunchedPage[];
  /** System physical address of the VM save area (LAUNCH_UPDATE_VMSA), or null (cvm-model 6.1). */
  vmsa: number | null;
}

/** A page of the launch image: system physical and guest-physical page addresses. */
export interface LaunchedPage {
  pa: number;
  gpa: number;
  vmsa: boolean;
}

/**
 * The protection features that act on guests the secure processor launched (emulator/cvm/es.ts,
 * rmp.ts): they learn of activations to set up per-ASID state (the RMP assigns launch pages).
 */
export interface GuestListener {
  /** Guest `g` got its ASID (ACTIVATE), or got launch pages while it had one. */
  activated?(g: Guest): void;
  /** Guest `g` was decommissioned (its ASID is already unbound). */
  decommissioned?(g: Guest): void;
}

/** A signed report as produced (the hypervisor got a copy at the buffer address). */
export interface ProducedReport {
  handle: number;
  bytes: Uint8Array;
}

/** The chip's signing key and CHIP_ID, made on first use (key derivation costs a few milliseconds). */
export interface Chip {
  readonly publicPem: string;
  readonly id: Uint8Array;
  sign(message: Uint8Array): { r: Uint8Array; s: Uint8Array };
}

/** The physical address space is 34 bits (cvm-model 2.1, RV32 Sv32x4 G-stage output). */
const PA_LIMIT = 2 ** 34;

export class SpContext {
  readonly guests = new Map<number, Guest>();
  readonly reports: ProducedReport[] = [];
  nextHandle = 1;
  launches = 0;
  /** Policy bits beyond encryption that this machine's hardware provides (ES, SNP); others fail LAUNCH_START. */
  supportedPolicy = 0;
  readonly listeners: GuestListener[] = [];
  private chipCache: Chip | undefined;

  constructor(readonly mem: SpMemory, readonly crypto: CryptoProvider, readonly seed: number) {}

  get chip(): Chip {
    if (this.chipCache === undefined) {
      const key = this.crypto.p384KeyPair(chipKeySecret(this.crypto, this.seed));
      this.chipCache = { publicPem: key.publicPem, id: chipId(this.crypto, this.seed), sign: (m) => key.sign(m) };
    }
    return this.chipCache;
  }

  /** The guest `handle` names, unless it does not exist or was decommissioned. */
  liveGuest(handle: number): Guest | undefined {
    const g = this.guests.get(handle);
    return g === undefined || g.state === GuestState.DECOMMISSIONED ? undefined : g;
  }

  /** Tell the protection features about guest `g` (after ACTIVATE, a launch update or DECOMMISSION). */
  notify(kind: 'activated' | 'decommissioned', g: Guest): void {
    for (const l of this.listeners) l[kind]?.(g);
  }

  /** The guest an ASID's key belongs to. */
  asidOwner(asid: number): Guest | undefined {
    for (const g of this.guests.values()) if (g.asid === asid && g.state !== GuestState.DECOMMISSIONED) return g;
    return undefined;
  }

  /**
   * SUCCESS when [pa, pa + len) is DRAM the engine can access, else INVALID_ADDRESS. RAM is one
   * contiguous range, so probing its two ends suffices; the engine throws RangeError outside it.
   */
  checkRange(pa: number, len: number): number {
    if (!Number.isSafeInteger(pa) || pa < 0 || len <= 0 || pa + len > PA_LIMIT) return SpStatus.INVALID_ADDRESS;
    try {
      this.mem.readDram(pa, 1);
      this.mem.readDram(pa + len - 1, 1);
    } catch (e) {
      if (e instanceof RangeError) return SpStatus.INVALID_ADDRESS;
      throw e;
    }
    return SpStatus.SUCCESS;
  }

  /** checkRange plus the engine's 16-byte block rules: pa 16-aligned, len a non-zero multiple of 16. */
  checkBlocks(pa: number, len: number): number {
    if (len === 0 || len % 16 !== 0) return SpStatus.INVALID_LEN;
    if (pa % 16 !== 0) return SpStatus.INVALID_ADDRESS;
    return this.checkRange(pa, len);
  }
}
