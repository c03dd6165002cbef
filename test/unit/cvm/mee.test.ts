/**
 * The memory encryption engine (cvm-model 3) and the C-bit (section 2) inside a Machine: a VS-mode
 * guest with a private and a shared mapping of its memory, and the host reading both.
 */
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildElf } from './build';
import { ConfigError, DEFAULT_CONFIG, loadElf, Machine, type MachineConfig } from '../../../emulator/api';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { HOST_KEY_ID } from '../../../emulator/cvm/mee';

const crypto = new NodeCrypto();
const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const SEED = 1234;

/**
 * M-mode sets up a G-stage megapage (GPA 0x80000000 -> PA 0x80000000, VMID 1) and enters the guest at
 * 0x80002000 with Sv32 on: VA 0x80000000 maps GPA 0x80000000 private (C = 1), VA 0xc0000000 maps the
 * same GPAs shared (C = 0). The guest stores a secret in its private page 0x80003000 and a value in
 * the shared page 0x80005000, loads its private page through the shared alias into a2, and calls the
 * host (ecall -> M). The host loads both pages into a0 and a1 and powers off.
 */
const SRC = `
.globl _start
.text
_start:
  la t0, mtrap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x80100000 + 0x200 * 4
  li t1, (0x80000 << 10) | 0xdf
  sw t1, 0(t0)
  li t0, 0x80000000 | (1 << 22) | (0x80100000 >> 12)
  csrw hgatp, t0
  li t0, 0x80000000 | (1 << 21) | 0x80004
  csrw vsatp, t0
  li t0, 1 << 11
  csrs mstatus, t0
  li t0, 1 << 7
  csrs mstatush, t0
  la t0, guest
  csrw mepc, t0
  mret
.balign 4
mtrap:
  li t0, 0x80003000
  lw a0, 0(t0)
  li t0, 0x80005000
  lw a1, 0(t0)
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
.balign 0x2000
guest:
  li t0, 0x80003000
  li t1, 0x52434553
  sw t1, 0(t0)
  li t0, 0xc0005000
  li t1, 0x12345678
  sw t1, 0(t0)
  li t0, 0xc0003000
  lw a2, 0(t0)
  ecall
.balign 0x4000
vsroot:
  .zero 0x200 * 4
  .word 0xa00000cf
  .zero (0x300 - 0x201) * 4
  .word 0x200000cf
.balign 0x1000
  .word 0
`;

function program(): Uint8Array {
  return buildElf(SRC, 'cbit', 'rv32imach_zicsr_zifencei');
}

/** Load, encrypt the guest's private pages (what LAUNCH_UPDATE_DATA does), bind the key, run. */
function run(extra: Partial<MachineConfig> = {}, bind = true): Machine {
  const m = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED, ...extra }, { crypto });
  m.load(loadElf(program()));
  if (bind) {
    const pa = 0x80002000;
    m.mee!.encryptWith(pa, m.mee!.readDram(pa, 0x3000), KEY);
    m.mee!.bindKey(1, KEY);
  }
  const r = m.run(10_000);
  expect(r).toEqual({ kind: 'exit', code: 0 });
  return m;
}

const u32 = (b: Uint8Array, at = 0): number => new DataView(b.buffer, b.byteOffset).getUint32(at, true);

describe('memory encryption in a machine (cvm-model 2, 3)', () => {
  it('the guest runs from encrypted memory; the host reads its private page as DRAM ciphertext', () => {
    const m = run();
    const [a0, a1, a2] = [10, 11, 12].map((r) => m.harts[0]!.x[r]! >>> 0);
    const dram = m.mee!.readDram(0x80003000, 16);
    expect(a0).toBe(u32(dram)); // the hypervisor sees ciphertext (7: "read guest secrets")
    expect(a0).not.toBe(0x52434553);
    expect(u32(m.mee!.decryptWith(0x80003000, 16, KEY))).toBe(0x52434553);
    expect(a1).toBe(0x12345678); // shared page: plaintext for both sides (2.4)
    expect(a2).toBe(a0); // the guest's own shared alias of a private page sees ciphertext too
    // The guest's code page is ciphertext in DRAM too (fetches are private, 2.3).
    expect(Buffer.from(m.mee!.readDram(0x80002000, 16))).not.toEqual(Buffer.from(m.readPhys(0x80002000, 16, 1)));
  });

  it('results are identical with caches on and off (3.4)', () => {
    const off = run();
    const on = run({ caches: {} });
    for (const r of [10, 11, 12]) expect(on.harts[0]!.x[r]).toBe(off.harts[0]!.x[r]);
    expect(Buffer.from(on.mee!.readDram(0x80002000, 0x4000))).toEqual(Buffer.from(off.mee!.readDram(0x80002000, 0x4000)));
    expect(on.instret).toBe(off.instret);
    expect(on.cache!.stats('l1d', 1).accesses).toBeGreaterThan(0);
  });

  it('a guest whose key is not bound runs unencrypted (1.2): its secret is plaintext in DRAM', () => {
    const m = run({}, false);
    expect(m.harts[0]!.x[10]! >>> 0).toBe(0x52434553);
    expect(m.harts[0]!.x[12]! >>> 0).toBe(0x52434553);
  });

  it('the C-bit is stripped before the G-stage walk and reported as enc (2.2)', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED }, { crypto });
    m.load(loadElf(program()));
    m.mee!.encryptWith(0x80002000, m.mee!.readDram(0x80002000, 0x3000), KEY);
    m.mee!.bindKey(1, KEY);
    const seen: string[] = [];
    m.addFeature({
      name: 'spy', description: 'records guest data accesses',
      onMemory: (t) => { if (t.virt && t.kind !== 'fetch') seen.push(`${t.kind} va=${t.va.toString(16)} gpa=${t.gpa!.toString(16)} pa=${t.pa.toString(16)} enc=${t.enc} asid=${t.asid}`); },
      viewState: () => null,
    });
    expect(m.run(10_000).kind).toBe('exit');
    expect(seen).toEqual([
      'store va=80003000 gpa=80003000 pa=80003000 enc=1 asid=1',
      'store va=c0005000 gpa=80005000 pa=80005000 enc=0 asid=1',
      'load va=c0003000 gpa=80003000 pa=80003000 enc=0 asid=1',
    ]);
  });

  it('snapshots keep what each side sees: restore and run again gives the same registers and DRAM', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED }, { crypto });
    m.load(loadElf(program()));
    m.mee!.encryptWith(0x80002000, m.mee!.readDram(0x80002000, 0x3000), KEY);
    m.mee!.bindKey(1, KEY);
    for (let i = 0; i < 16; i++) m.step(0); // into the guest, past its private store
    const snap = m.snapshot();
    expect(m.run(10_000).kind).toBe('exit');
    const first = [m.harts[0]!.x[10], m.harts[0]!.x[12], Buffer.from(m.mee!.readDram(0x80003000, 64)).toString('hex')];
    m.restore(snap);
    expect(m.run(10_000).kind).toBe('exit');
    expect([m.harts[0]!.x[10], m.harts[0]!.x[12], Buffer.from(m.mee!.readDram(0x80003000, 64)).toString('hex')]).toEqual(first);
  });

  it('needs a crypto provider, and names the features in the error', () => {
    expect(() => new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'] })).toThrow(ConfigError);
    expect(() => new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'] })).toThrow(/memory-encryption need a crypto provider/);
  });

  it('uses the configured seed, or picks a random one and says which', () => {
    expect(new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: 7 }, { crypto }).seed).toBe(7);
    expect(new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'] }, { crypto }).seed).toBeTypeOf('number');
    expect(new Machine(DEFAULT_CONFIG).seed).toBeUndefined();
  });
});

describe('the XEX cipher (cvm-model 3.2)', () => {
  const m = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED }, { crypto });
  const mee = m.mee!;
  const plain = new TextEncoder().encode('sixteen byte msg'.repeat(2));
  const enc = (pa: number, p = plain): Uint8Array => {
    mee.encryptWith(pa, p, KEY);
    return mee.readDram(pa, p.length);
  };

  it('is C = AES_K(P xor T(pa)) xor T(pa) with T the xor of t_i over set bits i >= 4', () => {
    const pa = 0x80001230;
    const c = enc(pa, plain.subarray(0, 16));
    const t = mee.tweak(pa);
    const x = plain.subarray(0, 16).map((b, i) => b ^ t[i]!);
    const aes = createCipheriv('aes-128-ecb', KEY, null).setAutoPadding(false).update(x);
    expect(Buffer.from(c)).toEqual(Buffer.from(aes.map((b, i) => b ^ t[i]!)));
    // Linear: T(a ^ b) = T(a) ^ T(b) for addresses with disjoint bits.
    const ta = mee.tweak(0x80000000), tb = mee.tweak(0x1230);
    expect(Buffer.from(t)).toEqual(Buffer.from(ta.map((v, i) => v ^ tb[i]!)));
    expect(Buffer.from(mee.tweak(0x8))).toEqual(Buffer.alloc(16)); // bits below 4 take no part
  });

  it('is deterministic: same key, address and plaintext give the same ciphertext', () => {
    expect(Buffer.from(enc(0x80010000))).toEqual(Buffer.from(enc(0x80010000)));
  });

  it('gives other ciphertext for the same plaintext at another address (also per 16-byte block)', () => {
    const a = enc(0x80010000);
    expect(Buffer.from(enc(0x80020000))).not.toEqual(Buffer.from(a));
    expect(Buffer.from(a.subarray(0, 16))).not.toEqual(Buffer.from(a.subarray(16, 32))); // same text, two blocks
  });

  it('decrypts ciphertext moved to another address to garbage', () => {
    const c = enc(0x80010000);
    mee.writeDram(0x80030000, c);
    const moved = mee.decryptWith(0x80030000, 32, KEY);
    expect(Buffer.from(moved)).not.toEqual(Buffer.from(plain));
    expect(Buffer.from(mee.decryptWith(0x80010000, 32, KEY))).toEqual(Buffer.from(plain));
  });

  it('decrypts ciphertext replayed at the same address to the old plaintext', () => {
    const old = enc(0x80040000);
    enc(0x80040000, new TextEncoder().encode('a newer secret!!a newer secret!!'));
    mee.writeDram(0x80040000, old);
    expect(new TextDecoder().decode(mee.decryptWith(0x80040000, 32, KEY))).toBe('sixteen byte msgsixteen byte msg');
  });

  it('derives its tweak constants from the seed (3.3)', () => {
    const other = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED + 1 }, { crypto }).mee!;
    const again = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED }, { crypto }).mee!;
    expect(Buffer.from(other.tweak(0x80001230))).not.toEqual(Buffer.from(mee.tweak(0x80001230)));
    expect(Buffer.from(again.tweak(0x80001230))).toEqual(Buffer.from(mee.tweak(0x80001230)));
  });

  it('rejects ASIDs outside 1..127 and keys that are not 16 bytes', () => {
    expect(() => mee.bindKey(0, KEY)).toThrow(/guest ASIDs are 1..127/);
    expect(() => mee.bindKey(128, KEY)).toThrow(RangeError);
    expect(() => mee.bindKey(1, new Uint8Array(8))).toThrow(/16 bytes/);
  });
});

describe('the host key (cvm-model 1.3, SME-style)', () => {
  /**
   * S-mode host with Sv32: VA 0x80000000 maps PA 0x80000000 with the host C-bit (PTE bit 31), VA
   * 0xc0000000 the same PAs without it. S runs from the plain alias (its code is not encrypted),
   * stores through the encrypted mapping, loads the word back through both (a0: C = 1, a1: C = 0)
   * and calls M.
   */
  const HOST_SRC = `
.globl _start
.text
_start:
  la t0, mtrap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x80000000 | 0x80004
  csrw satp, t0
  li t0, 1 << 11
  csrs mstatus, t0
  la t0, smode
  li t1, 0x40000000
  add t0, t0, t1
  csrw mepc, t0
  mret
.balign 4
mtrap:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
smode:
  li t0, 0x80003000
  li t1, 0x600dcafe
  sw t1, 0(t0)
  lw a0, 0(t0)
  li t0, 0xc0003000
  lw a1, 0(t0)
  ecall
.balign 0x4000
root:
  .zero 0x200 * 4
  .word 0xa00000cf
  .zero (0x300 - 0x201) * 4
  .word 0x200000cf
`;

  it('host pages mapped with the host C-bit are encrypted with the host key; the same PA without it reads ciphertext', () => {
    const elf = buildElf(HOST_SRC, 'host', 'rv32imac_zicsr_zifencei');
    const m = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption', 'host-key'], seed: SEED }, { crypto });
    m.load(loadElf(elf));
    expect(m.run(10_000)).toEqual({ kind: 'exit', code: 0 });
    const [a0, a1] = [10, 11].map((r) => m.harts[0]!.x[r]! >>> 0);
    expect(a0).toBe(0x600dcafe);
    expect(a1).not.toBe(0x600dcafe);
    expect(a1).toBe(u32(m.mee!.readDram(0x80003000, 4)));
    expect(m.mee!.viewState().hostKey).toMatchObject({ fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // Without the host key, bit 31 of a host PTE is an address bit: PA 0x2_8000_3000 is not RAM.
    const plain = new Machine({ ...DEFAULT_CONFIG, features: ['memory-encryption'], seed: SEED }, { crypto });
    plain.load(loadElf(elf));
    plain.run(10_000);
    expect(plain.harts[0]!.mcause >>> 0).toBe(7); // store access fault
  });

  it('a guest\'s shared page is encrypted with the host key (2.4)', () => {
    const m = run({ features: ['memory-encryption', 'host-key'] });
    expect(m.harts[0]!.x[11]! >>> 0).not.toBe(0x12345678); // M-mode reads DRAM: host-key ciphertext
    expect(new DataView(m.ram.readBytes(0x5000, 4, HOST_KEY_ID).buffer).getUint32(0, true)).toBe(0x12345678);
    expect(m.harts[0]!.x[10]! >>> 0).toBe(u32(m.mee!.readDram(0x80003000, 16))); // private pages as before
  });
});

describe('caches hold data (cvm-model 3.1, 4.3)', () => {
  /** `body` at 0x80000000 in M-mode, then a PASS to the test finisher; caches on. */
  function machine(body: string, features: string[] = ['memory-encryption'], caches = true): Machine {
    const src = `.globl _start\n.text\n_start:\n${body}\n  li t0, 0x100000\n  li t1, 0x5555\n  sw t1, 0(t0)\n1: j 1b\n.balign 64\nx: .word 0\n`;
    const m = new Machine({ ...DEFAULT_CONFIG, features, seed: 1, ...(caches ? { caches: {} } : {}) }, { crypto });
    m.load(loadElf(buildElf(src, 'r')));
    m.writeCsr(0, 0x30a, 0xf0); // menvcfg.CBIE/CBCFE: cbo.* allowed below M too
    return m;
  }

  it('cinval.all loses a dirty line of an unencrypted page: the next load reads what DRAM held', () => {
    const m = machine(`
  la t0, x
  li t1, 1
  sw t1, 0(t0)
  cbo.flush (t0)
  li t1, 2
  sw t1, 0(t0)
  cinval.all
  lw a0, 0(t0)`);
    expect(m.run(1000).kind).toBe('exit');
    expect(m.harts[0]!.x[10]).toBe(1);
  });

  it('cbo.inval loses it too; cbo.clean before it keeps the data', () => {
    const lost = machine(`
  la t0, x
  li t1, 7
  sw t1, 0(t0)
  cbo.inval (t0)
  lw a0, 0(t0)`);
    expect(lost.run(1000).kind).toBe('exit');
    expect(lost.harts[0]!.x[10]).toBe(0);
    const kept = machine(`
  la t0, x
  li t1, 7
  sw t1, 0(t0)
  cbo.clean (t0)
  cbo.inval (t0)
  lw a0, 0(t0)`);
    expect(kept.run(1000).kind).toBe('exit');
    expect(kept.harts[0]!.x[10]).toBe(7);
  });

  it('with nothing dropped, caches on and off give the same registers and memory (3.4)', () => {
    const body = `
  la t0, x
  li t1, 7
  sw t1, 0(t0)
  cbo.flush (t0)
  li t1, 9
  sw t1, 4(t0)
  cbo.clean (t0)
  lw a0, 0(t0)
  lw a1, 4(t0)`;
    const on = machine(body);
    const off = machine(body, ['memory-encryption'], false);
    expect(on.run(1000).kind).toBe('exit');
    expect(off.run(1000).kind).toBe('exit');
    expect([on.harts[0]!.x[10], on.harts[0]!.x[11]]).toEqual([7, 9]);
    expect([off.harts[0]!.x[10], off.harts[0]!.x[11]]).toEqual([7, 9]);
    expect(Buffer.from(on.readPhys(0x80000000, 0x200))).toEqual(Buffer.from(off.readPhys(0x80000000, 0x200)));
  });
});
