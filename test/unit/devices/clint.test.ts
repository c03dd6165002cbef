import { describe, expect, it } from 'vitest';
import { Clint } from '../../../emulator/devices/clint';
import { DeviceStateError } from '../../../emulator/devices/state';
import { FakeClock, FakeIrq } from './fakes';

const MSIP = 3, MTIP = 7;
const CMP = 0x4000, MTIME = 0xbff8;

function setup(harts = 2) {
  const irq = new FakeIrq();
  const clock = new FakeClock();
  const clint = new Clint(harts, clock, irq);
  const r = (off: number) => clint.read(off, 4);
  const w = (off: number, v: number) => clint.write(off, 4, v);
  const setCmp = (h: number, v: bigint) => {
    w(CMP + 8 * h + 4, 0xffff_ffff); // avoid a transient match while the halves change
    w(CMP + 8 * h, Number(v & 0xffff_ffffn));
    w(CMP + 8 * h + 4, Number(v >> 32n));
  };
  return { clint, irq, clock, r, w, setCmp };
}

describe('Clint layout and access rules', () => {
  it('sits at the virt CLINT slot', () => {
    const { clint } = setup();
    expect([clint.base, clint.size]).toEqual([0x0200_0000, 0x1_0000]);
  });

  it('accepts only 4-byte accesses inside the MSWI and MTIMER regions', () => {
    const { clint } = setup();
    expect(clint.accepts(0, 4)).toBe(true);
    expect(clint.accepts(MTIME + 4, 4)).toBe(true);
    expect(clint.accepts(0, 2)).toBe(false);
    expect(clint.accepts(MTIME, 1)).toBe(false);
    expect(clint.accepts(CMP, 2)).toBe(false);
    expect(clint.accepts(0xc000, 4)).toBe(false);
    expect(clint.accepts(0xfffc, 4)).toBe(false);
  });

  it('reads 0 and ignores writes where no register is (absent harts, the gap)', () => {
    const { r, w, irq } = setup(1);
    irq.clear();
    w(4, 1); // msip[1]: no such hart
    w(CMP + 8, 5);
    w(0xb000, 7);
    expect([r(4), r(CMP + 8), r(0xb000), r(2)]).toEqual([0, 0, 0, 0]);
    expect(irq.calls).toEqual([]);
  });
});

describe('Clint MSIP', () => {
  it('drives mip.MSIP from bit 0 of msip[h]', () => {
    const { r, w, irq } = setup();
    w(4, 1);
    expect(irq.pending(1, MSIP)).toBe(true);
    expect(irq.pending(0, MSIP)).toBe(false);
    expect(r(4)).toBe(1);
    w(4, 0xffff_fffe);
    expect(irq.pending(1, MSIP)).toBe(false);
    expect(r(4)).toBe(0);
  });
});

describe('Clint timer', () => {
  it('resets with mtimecmp = 0, so MTIP is pending on every hart from the start (QEMU 7.2)', () => {
    const { r, irq } = setup();
    expect(irq.pending(0, MTIP)).toBe(true);
    expect(irq.pending(1, MTIP)).toBe(true);
    expect(irq.pending(0, MSIP)).toBe(false);
    expect([r(CMP), r(CMP + 4), r(MTIME), r(MTIME + 4)]).toEqual([0, 0, 0, 0]);
  });

  it('reads and writes mtimecmp as two words', () => {
    const { r, w } = setup();
    w(CMP + 8, 0x89ab_cdef);
    w(CMP + 12, 0x0123_4567);
    expect([r(CMP + 8), r(CMP + 12), r(CMP)]).toEqual([0x89ab_cdef, 0x0123_4567, 0]);
  });

  it('MTIP = mtime >= mtimecmp, re-evaluated on mtimecmp writes and on update()', () => {
    const { clint, clock, irq, setCmp } = setup();
    setCmp(0, 100n);
    expect(irq.pending(0, MTIP)).toBe(false);
    expect(irq.pending(1, MTIP)).toBe(true);
    clock.now = 99n;
    clint.update();
    expect(irq.pending(0, MTIP)).toBe(false);
    clock.now = 100n;
    irq.clear();
    clint.update();
    expect(irq.pending(0, MTIP)).toBe(true);
    expect(irq.calls).toEqual([{ hart: 0, bit: MTIP, level: true }]); // only changes are driven
    setCmp(0, 0xffff_ffff_ffff_ffffn); // unsigned compare: never
    expect(irq.pending(0, MTIP)).toBe(false);
  });

  it('reads mtime from the clock and keeps guest writes as an offset', () => {
    const { clint, clock, r, w } = setup();
    clock.now = 0x1_0000_0010n;
    expect([r(MTIME), r(MTIME + 4)]).toEqual([0x10, 1]);
    w(MTIME, 0x100); // low word only: mtime = 0x1_0000_0100
    expect(clint.mtime()).toBe(0x1_0000_0100n);
    clock.now += 5n;
    expect(r(MTIME)).toBe(0x105);
    w(MTIME + 4, 0); // high word: mtime = 0x105
    expect([r(MTIME), r(MTIME + 4)]).toEqual([0x105, 0]);
    expect(clock.now).toBe(0x1_0000_0015n); // the machine clock never moves
  });

  it('re-evaluates MTIP of every hart when mtime is written', () => {
    const { clock, irq, w, setCmp } = setup();
    clock.now = 1000n;
    setCmp(0, 500n);
    setCmp(1, 2000n);
    expect([irq.pending(0, MTIP), irq.pending(1, MTIP)]).toEqual([true, false]);
    w(MTIME + 4, 0);
    w(MTIME, 0);
    expect([irq.pending(0, MTIP), irq.pending(1, MTIP)]).toEqual([false, false]);
    w(MTIME, 5000);
    expect([irq.pending(0, MTIP), irq.pending(1, MTIP)]).toEqual([true, true]);
  });

  it('nextDeadline is the earliest future mtimecmp, in raw clock ticks', () => {
    const { clint, clock, w, setCmp } = setup();
    expect(clint.nextDeadline()).toBeUndefined(); // everything already pending
    clock.now = 50n;
    setCmp(0, 300n);
    setCmp(1, 200n);
    expect(clint.nextDeadline()).toBe(200n);
    w(MTIME, 150); // guest mtime runs 100 ahead of the clock
    expect(clint.nextDeadline()).toBe(100n);
    clock.now = 100n;
    clint.update();
    expect(clint.nextDeadline()).toBe(200n);
  });
});

describe('Clint snapshots', () => {
  it('round-trips through JSON and re-drives MSIP/MTIP', () => {
    const a = setup();
    a.clock.now = 10n;
    a.w(0, 1);
    a.setCmp(1, 0x1_0000_0000n);
    a.w(MTIME, 77);
    const b = setup();
    b.clock.now = 10n;
    b.irq.clear();
    b.clint.restore(JSON.parse(JSON.stringify(a.clint.save())));
    expect(b.irq.bits(0)).toBe(a.irq.bits(0));
    expect(b.irq.bits(1)).toBe(a.irq.bits(1));
    expect(b.clint.mtime()).toBe(77n);
    expect(b.r(CMP + 12)).toBe(1);
  });

  it('refuses a snapshot taken with another hart count', () => {
    const one = setup(1);
    const two = setup(2);
    expect(() => two.clint.restore(one.clint.save())).toThrow(DeviceStateError);
    expect(() => two.clint.restore(one.clint.save())).toThrow(/'msip' has 1 entries, this machine needs 2/);
  });

  it('rejects bad hart counts', () => {
    expect(() => new Clint(0, new FakeClock(), new FakeIrq())).toThrow(RangeError);
  });
});
