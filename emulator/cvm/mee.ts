/**
 * The memory encryption engine (cvm-model 3), a feature on the memory controller: AES-128 with one key
 * per ASID, XEX with an address tweak, between the last-level cache and DRAM.
 *
 * Cipher (3.2, the Zen 2+ design reverse-engineered in SEVurity, Wilke et al., IEEE S&P 2020):
 *   C = AES_K(P xor T(pa)) xor T(pa),  T(pa) = XOR of t_i over the set bits i >= 4 of pa,
 * with the 30 constants t_4..t_33 and nothing else derived from the machine seed (3.3). T is linear in
 * pa, so T(pa) = T(page bits) xor T(offset bits): the 256 in-page tweaks are computed once.
 *
 * Where it acts: the engine installs itself as RAM's cipher (mem/ram.ts RamCipher). The MMU then
 * applies the C-bit (mmu/two-stage.ts) and every CPU access carries a key id: the ASID when enc = 1
 * and a key is bound to that ASID (1.2, 2.4), else 0 (DRAM as it is). RAM keeps a decrypted view per
 * page for the key that used it last and writes it back, encrypted, before any other key (or none)
 * touches the page, so every access sees what per-access decryption gives (3.4) and AES runs only
 * when a page changes hands, never on a hit.
 *
 * Keys live here and in the secure processor (emulator/cvm/sp): nothing on the bus can read them; the
 * view state shows a fingerprint (SHA-384 of the key, 8 bytes), not the key.
 */
import type { RamCipher } from '../mem/ram';
import type { Feature, FeatureHost } from '../features/types';
import { derive, type CryptoProvider } from './crypto';

const PAGE = 4096;
/** Tweak constants t_4 .. t_33 (a system physical address has 34 bits). */
const FIRST_BIT = 4;
const LAST_BIT = 33;
export const MAX_ASID = 127;
/** Key id of the host's own key (cvm-model 1.3), after the guests' (key id = ASID). */
export const HOST_KEY_ID = MAX_ASID + 1;

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export interface MemoryEncryptionView {
  cbit: string;
  cipher: string;
  keys: { asid: number; fingerprint: string; pagesInView: number }[];
  /** The host's own key (1.3), when the machine has one. */
  hostKey: { fingerprint: string; pagesInView: number } | null;
  /** Bytes through AES so far (decrypted into views, encrypted back to DRAM). */
  aes: { bytesDecrypted: number; bytesEncrypted: number };
}

interface Saved {
  keys: [number, Uint8Array][];
  decrypted: number;
  encrypted: number;
}

export class MemoryEncryption implements Feature, RamCipher {
  readonly name = 'memory-encryption';
  readonly description = 'AES-128 XEX per ASID between the LLC and DRAM; the C-bit is bit 33 of a guest-physical address';
  private readonly crypto: CryptoProvider;
  private readonly keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(HOST_KEY_ID + 1).fill(undefined);
  /** The host has its own key (SME-style, cvm-model 1.3): host pages marked encrypted and guests' shared pages use it. */
  readonly hostKey: boolean;
  /** t_i for i = FIRST_BIT..LAST_BIT, 16 bytes each. */
  private readonly t: Uint8Array[] = [];
  /** T(offset) for the 256 16-byte blocks of a page (bits 4..11). */
  private readonly inPage = new Uint8Array(PAGE);
  private host: FeatureHost | undefined;
  private decrypted = 0;
  private encrypted = 0;

  constructor(opts: { seed: number; crypto: CryptoProvider; hostKey?: boolean }) {
    this.crypto = opts.crypto;
    this.hostKey = opts.hostKey === true;
    if (this.hostKey) this.keys[HOST_KEY_ID] = derive(opts.crypto, opts.seed, 'host-key', 16);
    for (let i = FIRST_BIT; i <= LAST_BIT; i++) this.t.push(derive(opts.crypto, opts.seed, `tweak/${i}`, 16));
    for (let blk = 0; blk < PAGE / 16; blk++) {
      const off = blk * 16;
      for (let i = FIRST_BIT; i < 12; i++) if ((off >>> i) & 1) xorInto(this.inPage, off, this.t[i - FIRST_BIT]!);
    }
  }

  attach(host: FeatureHost): void {
    this.host = host;
    host.installCipher(this);
  }

  // --- RamCipher (called by RAM when a page changes hands).

  /**
   * 2.4: enc = 1 uses the guest's key (the host's for ASID 0); enc = 0 uses no key, or the host key
   * when the host has one (1.3: a guest's shared pages are then the host's encrypted pages).
   */
  keyFor(asid: number, enc: number): number {
    if (this.hostKey && (asid === 0 ? enc === 1 : enc === 0)) return HOST_KEY_ID;
    return enc !== 0 && asid > 0 && asid <= MAX_ASID && this.keys[asid] !== undefined ? asid : 0;
  }

  decrypt(key: number, pa: number, data: Uint8Array): void {
    this.decrypted += data.length;
    this.xex(this.keys[key]!, pa, data, true);
  }

  encrypt(key: number, pa: number, data: Uint8Array): void {
    this.encrypted += data.length;
    this.xex(this.keys[key]!, pa, data, false);
  }


  // --- The secure processor's interface (cvm-model 1.2: only it binds keys).

  /** Bind a 16-byte AES-128 key to ASID 1..127; pages seen under the old key are written back first. */
  bindKey(asid: number, key: Uint8Array): void {
    checkAsid(asid);
    if (key.length !== 16) throw new RangeError('bindKey: an AES-128 key has 16 bytes');
    if (this.keys[asid] !== undefined) this.host?.dropKey(asid);
    this.keys[asid] = key.slice();
  }

  unbindKey(asid: number): void {
    checkAsid(asid);
    if (this.keys[asid] === undefined) return;
    this.host?.dropKey(asid);
    this.keys[asid] = undefined;
  }

  keyBound(asid: number): boolean {
    return asid > 0 && asid <= MAX_ASID && this.keys[asid] !== undefined;
  }

  /** ASIDs with a key, ascending. */
  boundAsids(): number[] {
    const out: number[] = [];
    this.keys.forEach((k, a) => { if (k !== undefined && a <= MAX_ASID) out.push(a); });
    return out;
  }

  /** Raw DRAM bytes at system physical `pa` (ciphertext for private pages); changes nothing. */
  readDram(pa: number, len: number): Uint8Array {
    return this.attached().readPhys(pa, len);
  }

  /** Write raw DRAM bytes (the CPU's views and decoded code stay coherent). */
  writeDram(pa: number, data: Uint8Array): void {
    this.attached().writePhys(pa, data);
  }

  /** DRAM [pa, pa+len) decrypted with `key` (3.2). pa and len multiples of 16. */
  decryptWith(pa: number, len: number, key: Uint8Array): Uint8Array {
    checkBlocks(pa, len);
    const data = this.readDram(pa, len);
    this.xex(key, pa, data, true);
    return data;
  }

  /** Encrypt `plain` with `key` for address `pa` and store the ciphertext in DRAM. */
  encryptWith(pa: number, plain: Uint8Array, key: Uint8Array): void {
    checkBlocks(pa, plain.length);
    const data = plain.slice();
    this.xex(key, pa, data, false);
    this.writeDram(pa, data);
  }

  /** T(pa) for a 16-byte block (tests check 3.2 against it). */
  tweak(pa: number): Uint8Array {
    const out = new Uint8Array(16);
    this.pageTweak(pa - (pa % PAGE), out);
    xorInto(out, 0, this.inPage.subarray(pa % PAGE & ~15, (pa % PAGE & ~15) + 16));
    return out;
  }

  viewState(): MemoryEncryptionView {
    const views = this.host?.viewCounts() ?? new Map<number, number>();
    return {
      cbit: 'bit 33 of the guest-physical address (bit 31 of a VS-stage PTE)',
      cipher: 'AES-128 XEX, T(pa) = xor of t_i for set bits i >= 4',
      keys: this.boundAsids().map((asid) => ({ asid, fingerprint: this.fingerprint(asid), pagesInView: views.get(asid) ?? 0 })),
      hostKey: this.hostKey ? { fingerprint: this.fingerprint(HOST_KEY_ID), pagesInView: views.get(HOST_KEY_ID) ?? 0 } : null,
      aes: { bytesDecrypted: this.decrypted, bytesEncrypted: this.encrypted },
    };
  }

  snapshot(): Saved {
    const keys: [number, Uint8Array][] = [];
    this.keys.forEach((k, a) => { if (k !== undefined && a <= MAX_ASID) keys.push([a, k]); });
    return { keys, decrypted: this.decrypted, encrypted: this.encrypted };
  }

  restore(s: unknown): void {
    const v = s as Saved;
    this.keys.fill(undefined, 0, HOST_KEY_ID);
    for (const [a, k] of v.keys) this.keys[a] = k.slice();
    this.decrypted = v.decrypted;
    this.encrypted = v.encrypted;
  }

  private fingerprint(key: number): string {
    return hex(this.crypto.sha384(this.keys[key]!).subarray(0, 8));
  }

  private attached(): FeatureHost {
    if (this.host === undefined) throw new Error('memory-encryption: not attached to a machine');
    return this.host;
  }

  /** T of the page bits (12..33) of page-aligned `pa`, into `out`. */
  private pageTweak(pa: number, out: Uint8Array): void {
    out.fill(0);
    const hi = Math.floor(pa / 2 ** 32);
    for (let i = 12; i <= LAST_BIT; i++) {
      const set = i < 32 ? (pa >>> i) & 1 : (hi >>> (i - 32)) & 1;
      if (set !== 0) xorInto(out, 0, this.t[i - FIRST_BIT]!);
    }
  }

  /** XEX over whole blocks of `data` stored at `pa` (16-aligned; may cross pages), in place. */
  private xex(key: Uint8Array, pa: number, data: Uint8Array, decrypt: boolean): void {
    const tw = new Uint8Array(data.length);
    const pt = new Uint8Array(16);
    for (let o = 0; o < data.length; ) {
      const a = pa + o;
      const inPage = a % PAGE;
      const n = Math.min(PAGE - inPage, data.length - o);
      this.pageTweak(a - inPage, pt);
      for (let j = 0; j < n; j += 16) {
        for (let b = 0; b < 16; b++) tw[o + j + b] = pt[b]! ^ this.inPage[inPage + j + b]!;
      }
      o += n;
    }
    for (let i = 0; i < data.length; i++) data[i]! ^= tw[i]!;
    this.crypto.aes128(key, data, decrypt);
    for (let i = 0; i < data.length; i++) data[i]! ^= tw[i]!;
  }
}

function xorInto(dst: Uint8Array, at: number, src: Uint8Array): void {
  for (let i = 0; i < src.length; i++) dst[at + i]! ^= src[i]!;
}

function checkAsid(asid: number): void {
  if (!Number.isInteger(asid) || asid < 1 || asid > MAX_ASID) throw new RangeError(`ASID ${asid}: guest ASIDs are 1..${MAX_ASID} (hgatp.VMID; 0 is the host)`);
}

function checkBlocks(pa: number, len: number): void {
  if (pa % 16 !== 0 || len % 16 !== 0) throw new RangeError('memory encryption works on 16-byte blocks: address and length must be multiples of 16');
}
