/** Test doubles for what devices get injected: IrqSink, Clock, MachineControl. */
import type { Clock, IrqSink, MachineControl } from '../../../emulator/devices/device';

/** Records every setPending call and keeps the resulting mip bits per hart. */
export class FakeIrq implements IrqSink {
  readonly calls: { hart: number; bit: number; level: boolean }[] = [];
  private readonly mip = new Map<number, number>();

  setPending(hart: number, bit: number, level: boolean): void {
    this.calls.push({ hart, bit, level });
    const v = this.mip.get(hart) ?? 0;
    this.mip.set(hart, level ? v | (1 << bit) : v & ~(1 << bit));
  }

  /** mip of `hart` as the devices drove it. */
  bits(hart = 0): number {
    return this.mip.get(hart) ?? 0;
  }

  pending(hart: number, bit: number): boolean {
    return ((this.bits(hart) >> bit) & 1) === 1;
  }

  clear(): void {
    this.calls.length = 0;
  }
}

export class FakeClock implements Clock {
  constructor(public now = 0n) {}
  mtime(): bigint {
    return this.now;
  }
}

export class FakeControl implements MachineControl {
  readonly exits: number[] = [];
  readonly bytes: number[] = [];

  exit(code: number): void {
    this.exits.push(code);
  }

  output(bytes: Uint8Array): void {
    this.bytes.push(...bytes);
  }

  text(): string {
    return String.fromCharCode(...this.bytes);
  }
}

/** An interrupt line that remembers its level and every call. */
export class FakeLine {
  readonly levels: boolean[] = [];
  readonly fn = (level: boolean): void => {
    this.levels.push(level);
  };
  get level(): boolean {
    return this.levels.at(-1) ?? false;
  }
}
