import { describe, expect, it } from 'vitest';
import { DeviceStateError } from '../../../emulator/devices/state';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { FakeClock, FakeControl, FakeLine } from './fakes';

const RBR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function setup() {
  const control = new FakeControl();
  const line = new FakeLine();
  const clock = new FakeClock();
  const uart = new Uart16550(control, line.fn, clock);
  const r = (off: number, size: 1 | 2 | 4 = 1) => uart.read(off, size);
  const w = (off: number, v: number, size: 1 | 2 | 4 = 1) => uart.write(off, size, v);
  return { uart, control, line, clock, r, w };
}

describe('Uart16550 registers', () => {
  it('sits at the virt UART0 slot', () => {
    const { uart } = setup();
    expect(uart.base).toBe(0x1000_0000);
    expect(uart.size).toBe(0x100);
  });

  it('resets like QEMU serial_reset()', () => {
    const { r, w } = setup();
    expect(r(IIR)).toBe(0x01);
    expect(r(LSR)).toBe(0x60);
    expect(r(MSR)).toBe(0xb0);
    expect(r(MCR)).toBe(0x08);
    expect(r(LCR)).toBe(0);
    expect(r(IER)).toBe(0);
    expect(r(SCR)).toBe(0);
    w(LCR, 0x80);
    expect(r(0)).toBe(0x0c); // divisor 12
    expect(r(1)).toBe(0);
  });

  it('accepts any size at offsets 0..7 and rejects the rest of the slot', () => {
    const { uart } = setup();
    for (let off = 0; off < 8; off++) for (const s of [1, 2, 4] as const) expect(uart.accepts(off, s)).toBe(true);
    expect(uart.accepts(8, 1)).toBe(false);
    expect(uart.accepts(0xfc, 4)).toBe(false);
  });

  it('reads one 8-bit register for wider accesses and uses only the low byte of writes', () => {
    const { r, w } = setup();
    expect(r(MCR, 4)).toBe(0x08);
    expect(r(IIR, 2)).toBe(0x01);
    w(SCR, 0x1234_56a5, 4);
    expect(r(SCR, 4)).toBe(0xa5);
  });

  it('masks IER to 4 bits and MCR to 5 bits; LCR and SCR hold 8 bits', () => {
    const { r, w } = setup();
    w(IER, 0xff);
    expect(r(IER)).toBe(0x0f);
    w(MCR, 0xff);
    expect(r(MCR)).toBe(0x1f);
    w(LCR, 0x1f);
    expect(r(LCR)).toBe(0x1f);
    w(SCR, 0xa5);
    expect(r(SCR)).toBe(0xa5);
  });

  it('ignores writes to LSR and MSR', () => {
    const { r, w } = setup();
    w(LSR, 0);
    w(MSR, 0);
    expect(r(LSR)).toBe(0x60);
    expect(r(MSR)).toBe(0xb0);
  });

  it('maps DLL/DLM over THR/IER while LCR.DLAB is set; IIR is unaffected', () => {
    const { r, w, control } = setup();
    w(LCR, 0x83);
    w(0, 0x34);
    w(1, 0x12);
    expect(r(0)).toBe(0x34);
    expect(r(1)).toBe(0x12);
    expect(r(IIR)).toBe(0x01);
    w(LCR, 0x03);
    expect(r(IER)).toBe(0); // the write went to DLM
    expect(control.bytes).toEqual([]); // and the DLL write transmitted nothing
  });
});

describe('Uart16550 transmit', () => {
  it('outputs THR bytes at once; THRE|TEMT stay set', () => {
    const { r, w, control } = setup();
    for (const c of 'hi\n') w(0, c.charCodeAt(0));
    expect(control.text()).toBe('hi\n');
    expect(r(LSR)).toBe(0x60);
  });

  it('raises the THRE interrupt when ETBEI is enabled and clears it on an IIR read', () => {
    const { r, w, line } = setup();
    w(IER, 0x02);
    expect(line.level).toBe(true);
    expect(r(IIR)).toBe(0x02);
    expect(line.level).toBe(false);
    expect(r(IIR)).toBe(0x01);
  });

  it('re-raises THRE after each transmitted byte (line lowered, then raised)', () => {
    const { r, w, line } = setup();
    w(IER, 0x02);
    r(IIR);
    line.levels.length = 0;
    w(0, 0x41);
    expect(line.levels).toEqual([false, true]);
    expect(r(IIR)).toBe(0x02);
  });

  it('re-arms THRE only when ETBEI changes (QEMU: rising edge of IER.THRI)', () => {
    const { r, w } = setup();
    w(IER, 0x02);
    expect(r(IIR)).toBe(0x02);
    w(IER, 0x02);
    expect(r(IIR)).toBe(0x01);
    w(IER, 0x00);
    w(IER, 0x02);
    expect(r(IIR)).toBe(0x02);
  });
});

describe('Uart16550 loopback', () => {
  it('mirrors MCR into MSR', () => {
    const { r, w } = setup();
    w(MCR, 0x1f);
    expect(r(MSR)).toBe(0xf0);
    w(MCR, 0x10);
    expect(r(MSR)).toBe(0x00);
  });

  it('receives transmitted bytes instead of outputting them; overrun without FIFO', () => {
    const { r, w, control } = setup();
    w(MCR, 0x10);
    w(0, 0x41);
    expect(control.bytes).toEqual([]);
    expect(r(LSR)).toBe(0x61);
    expect(r(RBR)).toBe(0x41);
    expect(r(LSR)).toBe(0x60);
    w(0, 0x42);
    w(0, 0x43);
    expect(r(LSR)).toBe(0x63); // OE | DR
    expect(r(LSR)).toBe(0x61); // OE cleared by the read
    expect(r(RBR)).toBe(0x43);
    expect(r(RBR)).toBe(0x43); // RBR keeps its value without FIFO
  });

  it('reports overrun as a line-status interrupt (IIR 0x06) until LSR is read', () => {
    const { r, w, line } = setup();
    w(MCR, 0x10);
    w(IER, 0x04);
    w(0, 0x61);
    w(0, 0x62);
    expect(r(IIR)).toBe(0x06);
    expect(line.level).toBe(true);
    expect(r(LSR)).toBe(0x63);
    expect(r(IIR)).toBe(0x01);
    expect(line.level).toBe(false);
  });

  it('raises RX data (IIR 0x04) without FIFO until RBR is read', () => {
    const { r, w } = setup();
    w(MCR, 0x10);
    w(IER, 0x01);
    w(0, 0x63);
    expect(r(IIR)).toBe(0x04);
    expect(r(RBR)).toBe(0x63);
    expect(r(IIR)).toBe(0x01);
  });
});

describe('Uart16550 FIFO', () => {
  it('shows FIFO enable in IIR bits 7..6', () => {
    const { r, w } = setup();
    w(FCR, 0xc7);
    expect(r(IIR)).toBe(0xc1);
    w(FCR, 0x00);
    expect(r(IIR) & 0xc0).toBe(0);
  });

  it('resets the transmit FIFO into THRE (FCR.XFR and FIFO enable toggles)', () => {
    const { r, w } = setup();
    w(FCR, 0x01);
    w(IER, 0x02);
    expect(r(IIR)).toBe(0xc2);
    expect(r(IIR)).toBe(0xc1);
    w(FCR, 0x01); // same value: nothing happens
    expect(r(IIR)).toBe(0xc1);
    w(FCR, 0x05); // XFR
    expect(r(IIR)).toBe(0xc2);
    r(IIR);
    w(FCR, 0x00); // FIFO off: both FIFOs flushed
    expect(r(IIR)).toBe(0x02);
  });

  it('raises RX data at the trigger level and the character timeout later', () => {
    const { r, w, uart, clock } = setup();
    w(MCR, 0x10);
    w(FCR, 0x41); // FIFO on, trigger level 4
    w(IER, 0x01);
    for (const c of '1234') w(0, c.charCodeAt(0));
    expect(r(IIR)).toBe(0xc4);
    expect(r(RBR)).toBe(0x31);
    expect(r(IIR)).toBe(0xc1); // 3 left, below the trigger level, timeout not yet due
    const due = uart.nextDeadline()!;
    expect(due).toBeGreaterThan(0n);
    clock.now = due - 1n;
    uart.update();
    expect(r(IIR)).toBe(0xc1);
    clock.now = due;
    uart.update();
    expect(r(IIR)).toBe(0xcc);
    expect(uart.nextDeadline()).toBeUndefined();
    expect(r(RBR)).toBe(0x32); // a read clears the timeout interrupt
    expect(r(IIR)).toBe(0xc1);
    r(RBR);
    r(RBR);
    expect(r(LSR) & 1).toBe(0);
    expect(r(RBR)).toBe(0); // empty FIFO reads 0
  });

  it('times out after 4 characters: 9600 baud 8N1 at reset, shorter once the divisor is programmed', () => {
    const { r, w, uart, clock } = setup();
    clock.now = 1000n;
    w(FCR, 0x01);
    uart.pushInput([0x78]);
    // 4 * 1041660 ns = 41666.4 ticks of 100 ns, rounded up
    expect(uart.nextDeadline()).toBe(1000n + 41667n);
    w(LCR, 0x83);
    w(0, 1); // divisor 1: 399193 baud, 10-bit frames: 25050 ns per character
    w(LCR, 0x03);
    expect(r(RBR)).toBe(0x78); // room again: the next byte is accepted and re-arms the timer
    uart.pushInput([0x79]);
    expect(uart.nextDeadline()).toBe(1000n + 1002n);
  });

  it('flushes the receive FIFO on FCR.RFR', () => {
    const { r, w, uart } = setup();
    w(FCR, 0x01);
    uart.pushInput([1]);
    expect(r(LSR) & 1).toBe(1);
    w(FCR, 0x03);
    expect(r(LSR) & 1).toBe(0);
    expect(uart.nextDeadline()).toBeUndefined();
  });
});

describe('Uart16550 host input', () => {
  it('feeds RBR one byte at a time without FIFO, never overrunning', () => {
    const { r, w, uart, line } = setup();
    w(IER, 0x01);
    uart.pushInput(new TextEncoder().encode('abc'));
    expect(line.level).toBe(true);
    expect(uart.pendingInput).toBe(2);
    let got = '';
    while (r(LSR) & 1) got += String.fromCharCode(r(RBR));
    expect(got).toBe('abc');
    expect(r(LSR)).toBe(0x60);
    expect(r(IIR)).toBe(0x01);
  });

  it('fills the FIFO up to the trigger level, topping up as the guest reads', () => {
    const { r, w, uart } = setup();
    w(FCR, 0x41); // trigger level 4
    w(IER, 0x01);
    uart.pushInput([...'0123456789'].map((c) => c.charCodeAt(0)));
    expect(uart.pendingInput).toBe(6);
    expect(r(IIR)).toBe(0xc4);
    expect(r(RBR)).toBe(0x30);
    expect(uart.pendingInput).toBe(5);
    let got = '0';
    while (r(LSR) & 1) got += String.fromCharCode(r(RBR));
    expect(got).toBe('0123456789');
  });
});

describe('Uart16550 snapshots', () => {
  it('round-trips through JSON and resumes identically', () => {
    const a = setup();
    a.w(FCR, 0x41);
    a.w(IER, 0x03);
    a.w(SCR, 0x5a);
    a.uart.pushInput([1, 2, 3, 4, 5, 6]);
    const b = setup();
    b.uart.restore(JSON.parse(JSON.stringify(a.uart.save())));
    expect(b.line.levels).toEqual([]); // restore does not touch the line
    for (const u of [a, b]) {
      expect([u.r(IIR), u.r(LSR), u.r(SCR), u.r(RBR), u.r(RBR), u.uart.pendingInput]).toEqual([0xc4, 0x61, 0x5a, 1, 2, 0]);
    }
    expect(b.uart.nextDeadline()).toBe(a.uart.nextDeadline());
  });

  it('rejects malformed state with a DeviceStateError naming the field', () => {
    const { uart } = setup();
    const good = uart.save();
    expect(() => uart.restore({ ...good, ier: 300 })).toThrow(DeviceStateError);
    expect(() => uart.restore({ ...good, ier: 300 })).toThrow(/uart0.*'ier'/);
    expect(() => uart.restore({ ...good, recvFifo: new Array(17).fill(0) })).toThrow(/FIFO/);
    expect(() => uart.restore(null)).toThrow(DeviceStateError);
    expect(uart.save()).toEqual(good); // failed restores change nothing
  });
});
