/**
 * NS16550A UART as QEMU 7.2 models it (hw/char/serial.c, mapped by serial_mm_init with regshift 0 and
 * baudbase 399193 at virt's UART0, PLIC source 10).
 *
 * Access rules (serial_mm_ops: valid/impl max 8 bytes, `value &= 255`, `addr >> regshift`):
 * - registers are offsets 0..7; an access of any size (1, 2, 4) reads or writes just that one 8-bit
 *   register, zero-extended (a 32-bit read of offset 0 is RBR, not RBR|IER<<8|...);
 * - QEMU's MMIO region is 8 bytes: offsets 8..0xff of the 0x100 memmap slot fault (accepts() = false).
 *
 * Transmit completes inside the THR write (QEMU writes to the chardev synchronously), so LSR.THRE and
 * LSR.TEMT read as 1 after every write and the THR-empty interrupt (IIR 0x2) follows at once when
 * IER.ETBEI is set. Reading IIR while it reports THRE clears that interrupt, as on hardware.
 *
 * Receive: pushInput() queues host bytes; they enter RBR / the 16-byte FIFO only as fast as QEMU's
 * serial_can_receive() allows (one byte while DR is set without FIFO; up to the trigger level with
 * FIFO), so input is never lost to overrun; vmscope offers the queue again right after pushInput(),
 * after every RBR read (QEMU: qemu_chr_fe_accept_input, skipped in loopback) and after FCR writes, where
 * QEMU's chardev would poll "soon". The FIFO character-timeout interrupt (IIR 0xC) fires
 * 4 character times after the last receive/read like QEMU's fifo_timeout_timer, measured on the
 * injected Clock (one tick = 100 ns), hence update()/nextDeadline() (TimedDevice).
 *
 * Modem lines: QEMU's stdio/null chardevs do not support TIOCM, so MSR is fixed at DCD|DSR|CTS (0xb0)
 * and no modem-status interrupt ever occurs; in loopback (MCR bit 4) MSR mirrors MCR and transmitted
 * bytes are received instead of output.
 *
 * The interrupt line is driven on every serial_update_irq() call, not only on changes, because QEMU 7.2's
 * PLIC latches a source as pending on each raise (see plic.ts).
 */
import type { AccessCheck, Clock, Device, MachineControl, TimedDevice } from './device';
import { DeviceStateError, StateReader, u64ToState } from './state';
import { NS_PER_TICK, VIRT_UART0 } from './virt-map';

// Register offsets (regshift 0).
const RBR_THR_DLL = 0;
const IER_DLM = 1;
const IIR_FCR = 2;
const LCR = 3;
const MCR = 4;
const LSR = 5;
const MSR = 6;
const SCR = 7;

const LCR_DLAB = 0x80;

const IER_MSI = 0x08;
const IER_RLSI = 0x04;
const IER_THRI = 0x02;
const IER_RDI = 0x01;

const IIR_NO_INT = 0x01;
const IIR_ID = 0x06;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FE = 0xc0;

const MCR_LOOP = 0x10;
const MCR_OUT2 = 0x08;

const MSR_DCD = 0x80;
const MSR_DSR = 0x20;
const MSR_CTS = 0x10;
const MSR_ANY_DELTA = 0x0f;

const LSR_TEMT = 0x40;
const LSR_THRE = 0x20;
const LSR_BI = 0x10;
const LSR_OE = 0x02;
const LSR_DR = 0x01;
const LSR_INT_ANY = 0x1e;

const FCR_XFR = 0x04;
const FCR_RFR = 0x02;
const FCR_FE = 0x01;

const FIFO_LENGTH = 16;
/** virt.c: serial_mm_init(..., 399193, ...). */
const BAUDBASE = 399193;
/** serial_reset(): 9600 baud, 8N1 until the guest programs LCR / the divisor. */
const RESET_CHAR_TRANSMIT_NS = Math.trunc(1_000_000_000 / 9600) * 10;

/** Snapshot form (plain data). */
export interface Uart16550State {
  rbr: number; ier: number; iir: number; lcr: number; mcr: number; lsr: number; msr: number;
  scr: number; fcr: number; divider: number;
  thrIpending: boolean; timeoutIpending: boolean;
  recvFifo: number[]; recvFifoItl: number;
  charTransmitNs: number;
  /** Clock tick at which the FIFO timeout fires, hex, or null when not armed. */
  timeoutDeadline: string | null;
  /** Host bytes from pushInput() not yet accepted by the UART. */
  hostInput: number[];
}

export class Uart16550 implements Device, AccessCheck, TimedDevice {
  readonly name = 'uart0';
  readonly size = VIRT_UART0.size;

  private rbr = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = MSR_DCD | MSR_DSR | MSR_CTS;
  private scr = 0;
  private fcr = 0;
  private divider = 0x0c;
  private thrIpending = false;
  private timeoutIpending = false;
  private recvFifo: number[] = [];
  private recvFifoItl = 1;
  private charTransmitNs = RESET_CHAR_TRANSMIT_NS;
  private timeoutDeadline: bigint | null = null;
  private hostInput: number[] = [];

  /**
   * @param control receives every transmitted byte (`output`), one call per byte
   * @param irq the interrupt line to the PLIC; wire it as `(l) => plic.setSource(UART0_IRQ, l)`
   * @param clock the machine clock, for the receive-FIFO timeout
   */
  constructor(
    private readonly control: MachineControl,
    private readonly irq: (level: boolean) => void,
    private readonly clock: Clock,
    readonly base: number = VIRT_UART0.base,
  ) {}

  accepts(offset: number, _size: 1 | 2 | 4): boolean {
    return offset >= 0 && offset < 8;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case RBR_THR_DLL: return this.lcr & LCR_DLAB ? this.divider & 0xff : this.readRbr();
      case IER_DLM: return this.lcr & LCR_DLAB ? (this.divider >> 8) & 0xff : this.ier;
      case IIR_FCR: {
        const ret = this.iir;
        if ((ret & IIR_ID) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return ret;
      }
      case LCR: return this.lcr;
      case MCR: return this.mcr;
      case LSR: {
        const ret = this.lsr;
        // Reading LSR clears break and overrun (and their line-status interrupt).
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE);
          this.updateIrq();
        }
        return ret;
      }
      case MSR: {
        if (this.mcr & MCR_LOOP) {
          // Loopback: the modem outputs (MCR) are wired to the inputs.
          return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
        }
        const ret = this.msr;
        if (this.msr & MSR_ANY_DELTA) {
          this.msr &= 0xf0;
          this.updateIrq();
        }
        return ret;
      }
      case SCR: return this.scr;
      default: return 0; // outside the 8-byte region: rejected by accepts()
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const val = value & 0xff; // serial_mm_write: value &= 255
    switch (offset) {
      case RBR_THR_DLL:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0xff00) | val;
          this.updateParameters();
        } else {
          this.writeThr(val);
        }
        return;
      case IER_DLM:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0x00ff) | (val << 8);
          this.updateParameters();
        } else {
          this.writeIer(val);
        }
        return;
      case IIR_FCR: this.writeFcr(val); return;
      case LCR: this.lcr = val; this.updateParameters(); return;
      case MCR: this.mcr = val & 0x1f; return;
      case SCR: this.scr = val; return;
      default: return; // LSR and MSR are read-only
    }
  }

  /** Queue bytes typed by the user; they reach the guest as the UART can take them (see file comment). */
  pushInput(bytes: Uint8Array | readonly number[]): void {
    for (const b of bytes) this.hostInput.push(b & 0xff);
    this.deliverInput();
  }

  /** Host bytes still waiting for room in RBR / the receive FIFO. */
  get pendingInput(): number {
    return this.hostInput.length;
  }

  update(): void {
    if (this.timeoutDeadline !== null && this.clock.mtime() >= this.timeoutDeadline) {
      this.timeoutDeadline = null;
      // fifo_timeout_int()
      if (this.recvFifo.length > 0) {
        this.timeoutIpending = true;
        this.updateIrq();
      }
    }
  }

  nextDeadline(): bigint | undefined {
    return this.timeoutDeadline ?? undefined;
  }

  save(): Uart16550State {
    return {
      rbr: this.rbr, ier: this.ier, iir: this.iir, lcr: this.lcr, mcr: this.mcr, lsr: this.lsr,
      msr: this.msr, scr: this.scr, fcr: this.fcr, divider: this.divider,
      thrIpending: this.thrIpending, timeoutIpending: this.timeoutIpending,
      recvFifo: [...this.recvFifo], recvFifoItl: this.recvFifoItl, charTransmitNs: this.charTransmitNs,
      timeoutDeadline: this.timeoutDeadline === null ? null : u64ToState(this.timeoutDeadline),
      hostInput: [...this.hostInput],
    };
  }

  /** Restores registers and queues; does not drive the interrupt line (the PLIC snapshot holds its state). */
  restore(state: unknown): void {
    const r = new StateReader(this.name, state);
    const byte = (k: string): number => r.int(k, 0, 0xff);
    const recvFifo = r.ints('recvFifo', 0, 0xff);
    if (recvFifo.length > FIFO_LENGTH) throw new DeviceStateError(this.name, `recvFifo holds ${recvFifo.length} bytes, the FIFO has ${FIFO_LENGTH}`);
    const regs = {
      rbr: byte('rbr'), ier: byte('ier'), iir: byte('iir'), lcr: byte('lcr'), mcr: byte('mcr'), lsr: byte('lsr'),
      msr: byte('msr'), scr: byte('scr'), fcr: byte('fcr'), divider: r.int('divider', 0, 0xffff),
    };
    const thrIpending = r.bool('thrIpending');
    const timeoutIpending = r.bool('timeoutIpending');
    const recvFifoItl = r.int('recvFifoItl', 1, 14);
    const charTransmitNs = r.int('charTransmitNs', 0, Number.MAX_SAFE_INTEGER);
    const timeoutDeadline = r.optU64('timeoutDeadline');
    const hostInput = r.ints('hostInput', 0, 0xff);
    // Everything validated: commit.
    this.rbr = regs.rbr; this.ier = regs.ier; this.iir = regs.iir; this.lcr = regs.lcr; this.mcr = regs.mcr;
    this.lsr = regs.lsr; this.msr = regs.msr; this.scr = regs.scr; this.fcr = regs.fcr; this.divider = regs.divider;
    this.thrIpending = thrIpending;
    this.timeoutIpending = timeoutIpending;
    this.recvFifo = recvFifo;
    this.recvFifoItl = recvFifoItl;
    this.charTransmitNs = charTransmitNs;
    this.timeoutDeadline = timeoutDeadline;
    this.hostInput = hostInput;
  }

  // --- serial.c behaviour ---

  private readRbr(): number {
    let ret: number;
    if (this.fcr & FCR_FE) {
      ret = this.recvFifo.length === 0 ? 0 : this.recvFifo.shift()!;
      if (this.recvFifo.length === 0) {
        this.lsr &= ~(LSR_DR | LSR_BI);
      } else {
        this.armTimeout();
      }
      this.timeoutIpending = false;
    } else {
      ret = this.rbr;
      this.lsr &= ~(LSR_DR | LSR_BI);
    }
    this.updateIrq();
    // qemu_chr_fe_accept_input(): the backend may now hand over more bytes.
    if (!(this.mcr & MCR_LOOP)) this.deliverInput();
    return ret;
  }

  private writeThr(val: number): void {
    this.thrIpending = false;
    this.lsr &= ~(LSR_THRE | LSR_TEMT);
    this.updateIrq();
    // serial_xmit(): the byte leaves at once (the xmit FIFO, when enabled, never holds more than it).
    this.lsr |= LSR_THRE;
    if (!this.thrIpending) {
      this.thrIpending = true;
      this.updateIrq();
    }
    if (this.mcr & MCR_LOOP) {
      this.receive([val]);
    } else {
      this.control.output(Uint8Array.of(val));
    }
    this.lsr |= LSR_TEMT;
  }

  private writeIer(val: number): void {
    const changed = (this.ier ^ val) & 0x0f;
    this.ier = val & 0x0f;
    // Turning on ETBEI re-raises THRE if the holding register is empty, even after an IIR read
    // acknowledged it (QEMU follows Bochs: resample on the rising edge only).
    if (changed & IER_THRI) {
      this.thrIpending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
    }
    if (changed) this.updateIrq();
  }

  private writeFcr(value: number): void {
    let val = value;
    // Toggling FIFO enable flushes both FIFOs.
    if ((val ^ this.fcr) & FCR_FE) val |= FCR_XFR | FCR_RFR;
    if (val & FCR_RFR) {
      this.lsr &= ~(LSR_DR | LSR_BI);
      this.timeoutDeadline = null;
      this.timeoutIpending = false;
      this.recvFifo = [];
    }
    if (val & FCR_XFR) {
      this.lsr |= LSR_THRE;
      this.thrIpending = true;
    }
    // serial_write_fcr(): only FE, DMS and the trigger level stick.
    this.fcr = val & 0xc9;
    if (this.fcr & FCR_FE) {
      this.iir |= IIR_FE;
      this.recvFifoItl = [1, 4, 8, 14][(this.fcr >> 6) & 3]!;
    } else {
      this.iir &= ~IIR_FE;
    }
    this.updateIrq();
    this.deliverInput();
  }

  /** serial_update_irq(): IIR priority RLS > char timeout > RX data > THRE > modem status. */
  private updateIrq(): void {
    let id = IIR_NO_INT;
    if ((this.ier & IER_RLSI) && (this.lsr & LSR_INT_ANY)) {
      id = IIR_RLSI;
    } else if ((this.ier & IER_RDI) && this.timeoutIpending) {
      id = IIR_CTI;
    } else if ((this.ier & IER_RDI) && (this.lsr & LSR_DR) &&
      (!(this.fcr & FCR_FE) || this.recvFifo.length >= this.recvFifoItl)) {
      id = IIR_RDI;
    } else if ((this.ier & IER_THRI) && this.thrIpending) {
      id = IIR_THRI;
    } else if ((this.ier & IER_MSI) && (this.msr & MSR_ANY_DELTA)) {
      id = IIR_MSI;
    }
    this.iir = id | (this.iir & 0xf0);
    this.irq(id !== IIR_NO_INT);
  }

  /** serial_receive1(). */
  private receive(bytes: readonly number[]): void {
    if (this.fcr & FCR_FE) {
      for (const b of bytes) {
        // Receive overruns do not overwrite FIFO contents.
        if (this.recvFifo.length < FIFO_LENGTH) this.recvFifo.push(b);
        else this.lsr |= LSR_OE;
      }
      this.lsr |= LSR_DR;
      this.armTimeout();
    } else {
      if (this.lsr & LSR_DR) this.lsr |= LSR_OE;
      this.rbr = bytes[0]!;
      this.lsr |= LSR_DR;
    }
    this.updateIrq();
  }

  /** serial_can_receive(): how many bytes the backend may hand over now. */
  private canReceive(): number {
    if (this.fcr & FCR_FE) {
      const n = this.recvFifo.length;
      if (n >= FIFO_LENGTH) return 0;
      // Advertise up to the trigger level so the guest gets to react before the FIFO fills.
      return n <= this.recvFifoItl ? this.recvFifoItl - n : 1;
    }
    return this.lsr & LSR_DR ? 0 : 1;
  }

  private deliverInput(): void {
    for (let n = this.canReceive(); n > 0 && this.hostInput.length > 0; n = this.canReceive()) {
      this.receive(this.hostInput.splice(0, n));
    }
  }

  /** timer_mod(fifo_timeout_timer, now + 4 character times). */
  private armTimeout(): void {
    const ns = BigInt(this.charTransmitNs * 4);
    this.timeoutDeadline = this.clock.mtime() + (ns + NS_PER_TICK - 1n) / NS_PER_TICK;
  }

  /** serial_update_parameters(): only the character time matters here (float maths as in C). */
  private updateParameters(): void {
    let frame = 1;
    if (this.lcr & 0x08) frame++; // parity bit
    frame += (this.lcr & 0x03) + 5; // data bits
    frame += this.lcr & 0x04 ? 2 : 1; // stop bits
    // Zero divisor gives about 3500 baud.
    const speed = this.divider === 0 ? 3500 : Math.fround(BAUDBASE / this.divider);
    this.charTransmitNs = Math.trunc(Math.fround(Math.fround(1e9 / speed) * frame));
  }
}
