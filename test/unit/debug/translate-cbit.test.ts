/**
 * The debugger's translation with memory encryption (emulator/debug/translate.ts, cvm-model 2): the
 * C-bit of a VS-stage leaf (bit 31 of the PTE, bit 33 of the GPA) is stripped before the G-stage walk
 * and reported as `enc`; VS-stage tables are read through the guest's key; vsatp Bare and fetches are
 * private.
 */
import { describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { DEFAULT_CONFIG, Machine } from '../../../emulator/api';
import { debugTranslate } from '../../../emulator/debug/translate';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);
const G_ROOT = 0x80100000;
const VS_ROOT = 0x80004000;
const HGATP = (0x80000000 | (1 << 22) | (G_ROOT >>> 12)) >>> 0; // Sv32x4, VMID 1

function word(m: Machine, pa: number, v: number): void {
  m.writePhys(pa, new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]));
}

/**
 * G stage: GPA 0x80000000 -> PA 0x80000000 (4 MiB). VS stage (root at GPA 0x80004000, encrypted with
 * VMID 1's key): VA 0x80000000 -> GPA 0x80000000 private (C = 1), VA 0xc0000000 -> the same shared.
 */
function machine(): Machine {
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8, features: ['memory-encryption'], seed: 99 }, { crypto: new NodeCrypto() });
  word(m, G_ROOT + 0x200 * 4, ((0x80000 << 10) | 0xdf) >>> 0);
  word(m, VS_ROOT + 0x200 * 4, 0xa00000cf);
  word(m, VS_ROOT + 0x300 * 4, 0x200000cf);
  const mee = m.mee!;
  mee.encryptWith(VS_ROOT, mee.readDram(VS_ROOT, 4096), KEY);
  mee.bindKey(1, KEY);
  m.writeCsr(0, 0x680, HGATP);
  m.harts[0]!.setMode(1, true);
  m.writeCsr(0, 0x280, (0x80000000 | (1 << 21) | (VS_ROOT >>> 12)) >>> 0); // vsatp, its root's C-bit set
  return m;
}

describe('debugTranslate with memory encryption (cvm-model 2)', () => {
  it('reports the C-bit of the VS-stage leaf as enc and strips it before the G stage', () => {
    const m = machine();
    expect(debugTranslate(m, 0, 0x80003010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80003010, gpa: 0x80003010, enc: 1 });
    expect(debugTranslate(m, 0, 0xc0003010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80003010, gpa: 0x80003010, enc: 0 });
    // Fetches are private whatever the C-bit says (2.3).
    expect(debugTranslate(m, 0, 0xc0003010, { kind: 'virt' }, 'fetch')).toMatchObject({ ok: true, enc: 1 });
  });

  it('reads VS-stage tables through the guest key: without it they are ciphertext', () => {
    const m = machine();
    m.mee!.unbindKey(1);
    const r = debugTranslate(m, 0, 0x80003010, { kind: 'virt' });
    // Decrypted with no key the PTEs are noise: a different (or no) translation, never the real one.
    expect(r.ok && r.pa === 0x80003010 && r.enc === 1).toBe(false);
  });

  it('vsatp Bare: every guest access is private', () => {
    const m = machine();
    m.writeCsr(0, 0x280, 0);
    expect(debugTranslate(m, 0, 0x80003010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80003010, gpa: 0x80003010, enc: 1 });
  });

  it('V=0 and guest-physical translations carry no enc (the caller chooses the C-bit)', () => {
    const m = machine();
    expect(debugTranslate(m, 0, 0x80003010, { kind: 'guestPhys', vmid: 1 })).toEqual({ ok: true, pa: 0x80003010, gpa: 0x80003010 });
    m.harts[0]!.setMode(3, false);
    expect(debugTranslate(m, 0, 0x80003010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80003010 });
  });
});
