/**
 * A memory-mapped device on the system bus (QEMU `virt` memory map). The bus routes an access to the
 * device whose [base, base + size) range holds the physical address and passes the offset.
 */
export interface Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** Read `size` bytes (1, 2 or 4) at `offset`; returns the value zero-extended (0..2^32-1). */
  read(offset: number, size: 1 | 2 | 4): number;
  /** Write the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Device state as plain data (structured-clone safe) for machine snapshots. */
  save(): unknown;
  restore(state: unknown): void;
}

/** What devices see of the harts: interrupt-pending lines into mip (privileged spec 3.1.9). */
export interface IrqSink {
  /** Drive bit `bit` of hart `hart`'s mip (MSIP=3, MTIP=7, SEIP=9, MEIP=11) to `level`. */
  setPending(hart: number, bit: number, level: boolean): void;
}

/** The machine's notion of time: mtime ticks derived from retired instructions, never the wall clock. */
export interface Clock {
  /** Current mtime value. */
  mtime(): bigint;
}

/** What a device may ask of the machine as a whole. */
export interface MachineControl {
  /** Guest asked to power off / exit (SiFive test finisher, HTIF). code 0 = success. */
  exit(code: number): void;
  /** Bytes the guest printed (UART transmit, HTIF console). */
  output(bytes: Uint8Array): void;
}
