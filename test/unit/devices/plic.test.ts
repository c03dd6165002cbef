import { describe, expect, it } from 'vitest';
import { Plic } from '../../../emulator/devices/plic';
import { DeviceStateError } from '../../../emulator/devices/state';
import { FakeIrq } from './fakes';

const MEIP = 11, SEIP = 9;
const prio = (src: number) => 4 * src;
const enable = (ctx: number, word = 0) => 0x2000 + 0x80 * ctx + 4 * word;
const threshold = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => threshold(ctx) + 4;

function setup(harts = 2) {
  const irq = new FakeIrq();
  const plic = new Plic(harts, irq);
  const r = (off: number) => plic.read(off, 4);
  const w = (off: number, v: number) => plic.write(off, 4, v);
  return { plic, irq, r, w };
}

describe('Plic registers', () => {
  it('sits at the virt PLIC slot with 2 contexts per hart', () => {
    const { plic } = setup(3);
    expect([plic.base, plic.size, plic.contexts]).toEqual([0x0c00_0000, 0x60_0000, 6]);
  });

  it('accepts only 4-byte accesses, anywhere in the aperture', () => {
    const { plic } = setup();
    expect(plic.accepts(prio(10), 4)).toBe(true);
    expect(plic.accepts(0x5f_fffc, 4)).toBe(true);
    expect(plic.accepts(prio(10), 1)).toBe(false);
    expect(plic.accepts(claim(0), 2)).toBe(false);
  });

  it('priorities are WARL modulo 8 for sources 1..95; source 0 and "source 96" read 0', () => {
    const { r, w } = setup();
    w(prio(1), 0xff);
    expect(r(prio(1))).toBe(7);
    w(prio(1), 9);
    expect(r(prio(1))).toBe(1);
    w(prio(95), 2);
    expect(r(prio(95))).toBe(2);
    w(0, 5);
    expect(r(0)).toBe(0);
    w(prio(96), 3);
    expect(r(prio(96))).toBe(0);
  });

  it('thresholds are WARL modulo 8 per context; missing contexts read 0', () => {
    const { r, w } = setup(1);
    w(threshold(0), 0xff);
    w(threshold(1), 9);
    w(threshold(2), 3);
    expect([r(threshold(0)), r(threshold(1)), r(threshold(2))]).toEqual([7, 1, 0]);
  });

  it('enable words hold 32 bits for words 0..2; word 3 and absent contexts read 0', () => {
    const { r, w } = setup(1);
    w(enable(0, 0), 0xffff_ffff);
    w(enable(1, 2), 0x8000_0001);
    w(enable(0, 3), 0xffff_ffff);
    w(enable(2, 0), 0xffff_ffff);
    expect([r(enable(0, 0)), r(enable(1, 2)), r(enable(0, 3)), r(enable(2, 0))]).toEqual([0xffff_ffff, 0x8000_0001, 0, 0]);
  });

  it('pending words are read-only and latch raised sources', () => {
    const { plic, r, w } = setup();
    plic.setSource(10, true);
    plic.setSource(33, true);
    plic.setSource(95, true);
    expect([r(0x1000), r(0x1004), r(0x1008), r(0x100c)]).toEqual([1 << 10, 1 << 1, 0x8000_0000, 0]);
    w(0x1000, 0);
    expect(r(0x1000)).toBe(1 << 10);
    plic.setSource(10, false); // QEMU 7.2: a falling line does not clear pending
    expect(plic.isPending(10)).toBe(true);
  });

  it('refuses interrupt sources outside 1..95', () => {
    const { plic } = setup();
    expect(() => plic.setSource(0, true)).toThrow(RangeError);
    expect(() => plic.setSource(96, true)).toThrow(/1\.\.95/);
  });
});

describe('Plic delivery', () => {
  it('drives MEIP for context 2h and SEIP for context 2h+1', () => {
    const { plic, irq, w } = setup();
    w(prio(10), 1);
    w(enable(3), 1 << 10); // hart 1, S-mode
    plic.setSource(10, true);
    expect(irq.pending(1, SEIP)).toBe(true);
    expect(irq.pending(1, MEIP)).toBe(false);
    expect(irq.pending(0, MEIP)).toBe(false);
    w(enable(0), 1 << 10);
    w(prio(10), 1); // enables take effect at the next event
    expect(irq.pending(0, MEIP)).toBe(true);
  });

  it('does not re-evaluate on an enable write (QEMU 7.2), but claim sees the new enables', () => {
    const { plic, irq, r, w } = setup();
    w(prio(10), 1);
    plic.setSource(10, true);
    w(enable(0), 1 << 10);
    expect(irq.pending(0, MEIP)).toBe(false);
    w(threshold(0), 0);
    expect(irq.pending(0, MEIP)).toBe(true);
    w(enable(0), 0);
    expect(irq.pending(0, MEIP)).toBe(true);
    w(threshold(0), 0);
    expect(irq.pending(0, MEIP)).toBe(false);
    expect(r(claim(0))).toBe(0);
    w(enable(0), 1 << 10);
    expect(r(claim(0))).toBe(10);
  });

  it('needs priority > threshold; priority 0 never interrupts', () => {
    const { plic, irq, r, w } = setup();
    w(enable(0), 1 << 5);
    plic.setSource(5, true);
    expect(irq.pending(0, MEIP)).toBe(false);
    w(prio(5), 2);
    w(threshold(0), 2);
    expect(irq.pending(0, MEIP)).toBe(false);
    expect(r(claim(0))).toBe(0);
    w(threshold(0), 1);
    expect(irq.pending(0, MEIP)).toBe(true);
  });

  it('claims the highest priority first, ties to the lowest source number', () => {
    const { plic, r, w } = setup();
    w(enable(0, 0), 0xffff_ffff);
    w(enable(0, 1), 0xffff_ffff);
    for (const [s, p] of [[3, 1], [7, 5], [40, 5], [2, 1]] as const) {
      w(prio(s), p);
      plic.setSource(s, true);
    }
    const order = [r(claim(0)), r(claim(0)), r(claim(0)), r(claim(0)), r(claim(0))];
    expect(order).toEqual([7, 40, 2, 3, 0]);
  });

  it('claim clears pending and blocks the source until complete', () => {
    const { plic, irq, r, w } = setup();
    w(prio(10), 1);
    w(enable(1), 1 << 10);
    plic.setSource(10, true);
    expect(r(claim(1))).toBe(10);
    expect(plic.isPending(10)).toBe(false);
    expect(irq.pending(0, SEIP)).toBe(false);
    plic.setSource(10, true); // re-raised while claimed: pending, not claimable
    expect(r(0x1000)).toBe(1 << 10);
    expect(r(claim(1))).toBe(0);
    expect(irq.pending(0, SEIP)).toBe(false);
    w(claim(1), 11); // completing another source releases nothing
    expect(r(claim(1))).toBe(0);
    w(claim(1), 10);
    expect(irq.pending(0, SEIP)).toBe(true);
    expect(r(claim(1))).toBe(10);
  });

  it('complete does not re-latch a source whose line is still high', () => {
    const { plic, irq, r, w } = setup();
    w(prio(10), 1);
    w(enable(0), 1 << 10);
    plic.setSource(10, true);
    r(claim(0));
    w(claim(0), 10);
    expect(plic.isPending(10)).toBe(false);
    expect(irq.pending(0, MEIP)).toBe(false);
    w(claim(0), 200); // out of range: ignored
  });
});

describe('Plic snapshots', () => {
  it('round-trips through JSON and re-drives MEIP/SEIP', () => {
    const a = setup();
    a.w(prio(10), 3);
    a.w(prio(11), 2);
    a.w(enable(0), 3 << 10);
    a.w(enable(3), 1 << 11);
    a.plic.setSource(10, true);
    a.plic.setSource(11, true);
    a.r(claim(0)); // claims 10; 11 still pending for hart 0 M and hart 1 S
    const b = setup();
    b.plic.restore(JSON.parse(JSON.stringify(a.plic.save())));
    for (const h of [0, 1]) expect(b.irq.bits(h)).toBe(a.irq.bits(h));
    expect(b.r(claim(3))).toBe(11);
    expect(b.r(claim(0))).toBe(0);
  });

  it('refuses snapshots of another size or with illegal values', () => {
    const one = setup(1);
    const two = setup(2);
    expect(() => two.plic.restore(one.plic.save())).toThrow(DeviceStateError);
    expect(() => one.plic.restore({ ...one.plic.save(), threshold: [9, 0] })).toThrow(/threshold\[0\]/);
  });
});
