/** The debugger's side-effect-free translation (emulator/debug/translate.ts). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Machine } from '../../../emulator/api';
import { debugTranslate } from '../../../emulator/debug/translate';

const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;
const G_ROOT = 0x80100000; // 16 KiB aligned
const G_L0 = 0x80104000;
const pte = (pa: number, flags: number): number => ((Math.floor(pa / 4096) << 10) | flags) >>> 0;

function word(m: Machine, pa: number, v: number): void {
  m.writePhys(pa, new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]));
}
function peek(m: Machine, pa: number): number {
  const b = m.readPhys(pa, 4);
  return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
}

/**
 * G stage (VMID 3): GPA 0x80000000-0x80002fff -> PA 0x80200000-...; GPA 0x80003000 mapped without U.
 * VS stage (vsatp root at GPA 0x80001000): VA 0x00400000 -> GPA 0x80000000 (A/D clear).
 */
function machine(): Machine {
  const m = new Machine({ ...DEFAULT_CONFIG, harts: 1, ramMiB: 8 });
  word(m, G_ROOT + 0x200 * 4, pte(G_L0, V));
  for (let i = 0; i < 3; i++) word(m, G_L0 + i * 4, pte(0x80200000 + i * 4096, V | R | W | X | U | A | D));
  word(m, G_L0 + 3 * 4, pte(0x80203000, V | R | W | A | D));
  word(m, G_L0 + 4 * 4, pte(0x80204000, V | R | X | U | A | D));
  // VS tables live at GPA 0x80001000 (PA 0x80201000) and 0x80002000 (PA 0x80202000).
  word(m, 0x80201000 + 1 * 4, pte(0x80002000, V));
  word(m, 0x80202000, pte(0x80000000, V | R | W | X));
  return m;
}
const HGATP = (0x80000000 | (3 << 22) | (G_ROOT >>> 12)) >>> 0;
const VSATP = (0x80000000 | (0x80001000 >>> 12)) >>> 0;

describe('debugTranslate', () => {
  it('translates guest-virtual through VS stage and G stage without touching A/D', () => {
    const m = machine();
    m.writeCsr(0, 0x680, HGATP);
    m.harts[0]!.setMode(1, true);
    m.writeCsr(0, 0x280, VSATP);
    const r = debugTranslate(m, 0, 0x00400123, { kind: 'virt' });
    expect(r).toEqual({ ok: true, pa: 0x80200123, gpa: 0x80000123 });
    expect(peek(m, 0x80202000) & (A | D)).toBe(0);
    const miss = debugTranslate(m, 0, 0x00800000, { kind: 'virt' });
    expect(miss.ok).toBe(false);
    if (!miss.ok) expect(miss.reason).toMatch(/VS-stage.*unmapped/);
  });

  it('guest-physical: the current hgatp when the VMID matches, an explicit root otherwise', () => {
    const m = machine();
    m.writeCsr(0, 0x680, HGATP);
    expect(debugTranslate(m, 0, 0x80001004, { kind: 'guestPhys', vmid: 3 })).toEqual({ ok: true, pa: 0x80201004, gpa: 0x80001004 });
    const other = debugTranslate(m, 0, 0x80001004, { kind: 'guestPhys', vmid: 4 });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.reason).toMatch(/VMID 4.*unknown.*VMID 3/);
    const hg4 = (0x80000000 | (4 << 22) | (G_ROOT >>> 12)) >>> 0;
    expect(debugTranslate(m, 0, 0x80001004, { kind: 'guestPhys', vmid: 4, hgatp: hg4 })).toMatchObject({ ok: true, pa: 0x80201004 });
  });

  it('reports unmapped and permission reasons', () => {
    const m = machine();
    m.writeCsr(0, 0x680, HGATP);
    const s = { kind: 'guestPhys', vmid: 3 } as const;
    const u = debugTranslate(m, 0, 0x80003000, s);
    expect(u.ok === false && u.reason).toMatch(/permission.*U = 0/);
    const w = debugTranslate(m, 0, 0x80004000, s, 'write');
    expect(w.ok === false && w.reason).toMatch(/permission.*not writable/);
    expect(debugTranslate(m, 0, 0x80004000, s, 'fetch').ok).toBe(true);
    const x = debugTranslate(m, 0, 0x80400000, s);
    expect(x.ok === false && x.reason).toMatch(/unmapped/);
  });

  it('V=0: satp in S-mode, the identity in M-mode and with satp bare', () => {
    const m = machine();
    expect(debugTranslate(m, 0, 0x12345678, { kind: 'virt' })).toEqual({ ok: true, pa: 0x12345678 });
    m.harts[0]!.setMode(1, false);
    expect(debugTranslate(m, 0, 0x80000010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80000010 });
    // satp: a root at PA 0x80300000 whose entry 1 points at the VS stage's level-0 table (PA 0x80202000).
    word(m, 0x80300000 + 4, pte(0x80202000, V));
    m.writeCsr(0, 0x180, (0x80000000 | (0x80300000 >>> 12)) >>> 0);
    expect(debugTranslate(m, 0, 0x00400010, { kind: 'virt' })).toEqual({ ok: true, pa: 0x80000010 });
  });
});
