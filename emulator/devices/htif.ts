/**
 * HTIF tohost/fromhost as QEMU 7.2 models it (hw/char/riscv_htif.c), the exit and console channel of the
 * official riscv-tests and of Spike-style programs. The device overlays RAM at the ELF's `tohost` and
 * `fromhost` symbols (8 bytes each): it covers [min(tohost, fromhost), max(tohost, fromhost) + 8), and
 * the bus must give it priority over RAM (QEMU maps it with memory_region_add_subregion_overlap).
 * Bytes of that span that are neither register read 0 and ignore writes (riscv-tests put fromhost
 * 64 bytes after tohost). Without a `fromhost` symbol it is placed at tohost + 8.
 *
 * An RV32 guest writes the 64-bit tohost as two 32-bit words, low word first. QEMU acts like this:
 * - write to tohost+0 (low word): if tohost is 0, it becomes the written value and the device arms
 *   ("allow_tohost"); if tohost is not 0 (a command is still being handled) the write is dropped and
 *   the device disarms. Nothing is executed yet.
 * - write to tohost+4 (high word): if armed, tohost |= value << 32 and the command executes now:
 *     device = bits 63..56, cmd = bits 55..48, payload = bits 47..0
 *     device 0, cmd 0, payload bit 0 = 1  exit(payload >> 1) (truncated to a C int; 0 = pass)
 *     device 0, cmd 0, payload bit 0 = 0  a proxied syscall: QEMU 7.2 does not support it (ignored)
 *     device 1, cmd 1                     console putchar: output payload & 0xff, response 0x100 | byte
 *     device 1, cmd 0                     console getchar: remembered, tohost cleared, no response
 *     anything else                       ignored
 *   Except for getchar, fromhost then becomes (tohost & 0xffff << 48) | response (response 0 unless
 *   putchar) and tohost is cleared to 0. The arm flag stays set, so another high-word write without a
 *   new low word executes again with the low half 0, as in QEMU.
 * - writes to fromhost+0 / +4 replace the low word / OR in the high word; reads return the halves.
 * The value of an access of any size is what is written (zero-extended); only the offset picks the
 * register. Host input to the getchar channel is not implemented.
 */
import type { Device, MachineControl } from './device';
import { StateReader, u64ToState } from './state';

const DEV_SYSTEM = 0n;
const DEV_CONSOLE = 1n;
const CMD_SYSCALL = 0n;
const CMD_GETC = 0n;
const CMD_PUTC = 1n;
const PAYLOAD_MASK = (1n << 48n) - 1n;

export interface HtifState {
  tohost: string;
  fromhost: string;
  allowTohost: boolean;
  fromhostInProgress: boolean;
  pendingRead: string;
}

export class Htif implements Device {
  readonly name = 'htif';
  readonly base: number;
  readonly size: number;
  private readonly tohostOffset: number;
  private readonly fromhostOffset: number;

  private tohost = 0n;
  private fromhost = 0n;
  private allowTohost = false;
  private fromhostInProgress = false;
  private pendingRead = 0n;

  /**
   * @param control receives exit(code) and console bytes
   * @param tohostAddr address of the `tohost` symbol (8 bytes)
   * @param fromhostAddr address of the `fromhost` symbol (8 bytes); default tohostAddr + 8
   */
  constructor(private readonly control: MachineControl, readonly tohostAddr: number, readonly fromhostAddr: number = tohostAddr + 8) {
    for (const [what, a] of [['tohost', tohostAddr], ['fromhost', fromhostAddr]] as const) {
      if (!Number.isInteger(a) || a < 0 || a + 8 > 2 ** 32) {
        throw new RangeError(`HTIF: ${what} address 0x${a.toString(16)} is not a 32-bit physical address`);
      }
    }
    if (Math.abs(tohostAddr - fromhostAddr) < 8) {
      throw new RangeError(`HTIF: tohost (0x${tohostAddr.toString(16)}) and fromhost (0x${fromhostAddr.toString(16)}) overlap; each is 8 bytes`);
    }
    this.base = Math.min(tohostAddr, fromhostAddr);
    this.size = Math.max(tohostAddr, fromhostAddr) + 8 - this.base;
    this.tohostOffset = tohostAddr - this.base;
    this.fromhostOffset = fromhostAddr - this.base;
  }

  read(offset: number, _size: 1 | 2 | 4): number {
    switch (offset) {
      case this.tohostOffset: return Number(this.tohost & 0xffff_ffffn);
      case this.tohostOffset + 4: return Number(this.tohost >> 32n);
      case this.fromhostOffset: return Number(this.fromhost & 0xffff_ffffn);
      case this.fromhostOffset + 4: return Number(this.fromhost >> 32n);
      default: return 0;
    }
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    const val = BigInt(value >>> 0);
    switch (offset) {
      case this.tohostOffset:
        if (this.tohost === 0n) {
          this.allowTohost = true;
          this.tohost = val;
        } else {
          this.allowTohost = false;
        }
        return;
      case this.tohostOffset + 4:
        if (this.allowTohost) {
          this.tohost |= val << 32n;
          this.handleTohost(this.tohost);
        }
        return;
      case this.fromhostOffset:
        this.fromhostInProgress = true;
        this.fromhost = val;
        return;
      case this.fromhostOffset + 4:
        this.fromhost |= val << 32n;
        this.fromhostInProgress = false;
        return;
      default:
        return;
    }
  }

  save(): HtifState {
    return {
      tohost: u64ToState(this.tohost), fromhost: u64ToState(this.fromhost), allowTohost: this.allowTohost,
      fromhostInProgress: this.fromhostInProgress, pendingRead: u64ToState(this.pendingRead),
    };
  }

  restore(state: unknown): void {
    const r = new StateReader(this.name, state);
    const s = {
      tohost: r.u64('tohost'), fromhost: r.u64('fromhost'), allowTohost: r.bool('allowTohost'),
      fromhostInProgress: r.bool('fromhostInProgress'), pendingRead: r.u64('pendingRead'),
    };
    this.tohost = s.tohost;
    this.fromhost = s.fromhost;
    this.allowTohost = s.allowTohost;
    this.fromhostInProgress = s.fromhostInProgress;
    this.pendingRead = s.pendingRead;
  }

  /** htif_handle_tohost_write(). */
  private handleTohost(v: bigint): void {
    const device = v >> 56n;
    const cmd = (v >> 48n) & 0xffn;
    const payload = v & PAYLOAD_MASK;
    let resp = 0n;
    if (device === DEV_SYSTEM) {
      if (cmd === CMD_SYSCALL && payload & 1n) {
        // `int exit_code = payload >> 1;`
        this.control.exit(Number(BigInt.asIntN(32, payload >> 1n)));
      }
      // else: pk syscall proxy / unknown command, not supported by QEMU 7.2
    } else if (device === DEV_CONSOLE) {
      if (cmd === CMD_GETC) {
        this.pendingRead = v;
        this.tohost = 0n;
        return;
      }
      if (cmd === CMD_PUTC) {
        const ch = Number(payload & 0xffn);
        this.control.output(Uint8Array.of(ch));
        resp = 0x100n | BigInt(ch);
      }
    }
    this.fromhost = ((v >> 48n) << 48n) | resp;
    this.tohost = 0n;
  }
}
