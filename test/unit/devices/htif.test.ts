import { describe, expect, it } from 'vitest';
import { Htif } from '../../../emulator/devices/htif';
import { FakeControl } from './fakes';

// riscv-tests layout: tohost at a 64-byte boundary, fromhost 64 bytes later.
const TOHOST = 0x8000_1000, FROMHOST = 0x8000_1040;
const TO = 0, FROM = 0x40;

function setup() {
  const control = new FakeControl();
  const htif = new Htif(control, TOHOST, FROMHOST);
  const r = (off: number) => htif.read(off, 4);
  const w = (off: number, v: number) => htif.write(off, 4, v);
  /** What an RV32 guest does for a 64-bit tohost store: low word, then high word. */
  const send = (v: bigint) => {
    w(TO, Number(v & 0xffff_ffffn));
    w(TO + 4, Number(v >> 32n));
  };
  return { control, htif, r, w, send };
}

describe('Htif placement', () => {
  it('covers tohost..fromhost+8', () => {
    const { htif } = setup();
    expect([htif.base, htif.size]).toEqual([TOHOST, 0x48]);
  });

  it('puts fromhost at tohost + 8 when the program has none', () => {
    const h = new Htif(new FakeControl(), 0x8000_2000);
    expect([h.base, h.size, h.fromhostAddr]).toEqual([0x8000_2000, 16, 0x8000_2008]);
  });

  it('also works with fromhost below tohost', () => {
    const h = new Htif(new FakeControl(), 0x8000_2008, 0x8000_2000);
    expect([h.base, h.size]).toEqual([0x8000_2000, 16]);
  });

  it('refuses overlapping or out-of-range addresses', () => {
    expect(() => new Htif(new FakeControl(), 0x1000, 0x1004)).toThrow(/overlap/);
    expect(() => new Htif(new FakeControl(), 0xffff_fffc)).toThrow(RangeError);
  });
});

describe('Htif commands', () => {
  it('exits with payload >> 1 on device 0 cmd 0 with bit 0 set (riscv-tests pass/fail)', () => {
    const { control, send } = setup();
    send(1n);
    send((3n << 1n) | 1n);
    expect(control.exits).toEqual([0, 3]);
  });

  it('acts on the high-word write, not on the low word', () => {
    const { control, w } = setup();
    w(TO, 1);
    expect(control.exits).toEqual([]);
    w(TO + 4, 0);
    expect(control.exits).toEqual([0]);
  });

  it('prints on device 1 cmd 1 and answers in fromhost (checked against QEMU 7.2 spike)', () => {
    const { control, r, send } = setup();
    send((0x0101n << 48n) | 0x48n);
    expect(control.text()).toBe('H');
    expect([r(FROM), r(FROM + 4), r(TO), r(TO + 4)]).toEqual([0x148, 0x0101_0000, 0, 0]);
  });

  it('executes again on a lone high-word write (the arm flag stays set), as QEMU does', () => {
    const { control, r, w, send } = setup();
    send((0x0101n << 48n) | 0x48n);
    w(FROM, 0);
    w(FROM + 4, 0);
    w(TO + 4, 0x0101_0000);
    expect(control.bytes).toEqual([0x48, 0]);
    expect(r(FROM)).toBe(0x100);
  });

  it('drops a low-word write while tohost is non-zero and disarms', () => {
    const { control, r, w } = setup();
    w(TO, 0x11); // tohost = 0x11, armed
    w(TO, 0x22); // tohost busy: dropped, disarmed
    w(TO + 4, 0);
    expect(r(TO)).toBe(0x11);
    expect(control.exits).toEqual([]);
  });

  it('ignores syscall proxying and unknown devices but still answers and clears tohost', () => {
    const { control, r, send } = setup();
    send(0x8000_0000n); // device 0 cmd 0, bit 0 clear: pk syscall, unsupported in QEMU 7.2
    send((0x0203n << 48n) | 5n);
    expect(control.exits).toEqual([]);
    expect(control.bytes).toEqual([]);
    expect([r(TO), r(FROM), r(FROM + 4)]).toEqual([0, 0, 0x0203_0000]);
  });

  it('remembers a getchar request without answering', () => {
    const { r, send, htif } = setup();
    send(0x0100n << 48n);
    expect([r(TO), r(FROM), r(FROM + 4)]).toEqual([0, 0, 0]);
    expect(htif.save().pendingRead).toBe('0x100000000000000');
  });

  it('reads 0 between tohost and fromhost and ignores writes there', () => {
    const { control, r, w } = setup();
    w(8, 1);
    w(12, 0);
    expect([r(8), r(0x3c)]).toEqual([0, 0]);
    expect(control.exits).toEqual([]);
  });
});

describe('Htif snapshots', () => {
  it('round-trips through JSON', () => {
    const a = setup();
    a.send((0x0101n << 48n) | 0x41n);
    a.w(TO, 5);
    const b = setup();
    b.htif.restore(JSON.parse(JSON.stringify(a.htif.save())));
    expect([b.r(TO), b.r(FROM), b.r(FROM + 4)]).toEqual([5, 0x141, 0x0101_0000]);
    b.w(TO + 4, 0);
    expect(b.control.exits).toEqual([2]);
  });

  it('rejects malformed state', () => {
    const { htif } = setup();
    expect(() => htif.restore({ ...htif.save(), tohost: 5 })).toThrow(/'tohost'/);
  });
});
