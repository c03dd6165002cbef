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

/**
 * Optional capability: a device whose QEMU model rejects some accesses outright (the
 * `MemoryRegionOps.valid` access sizes, or offsets where QEMU maps no region at all). The bus asks
 * before calling read/write and, when this returns false, raises a load (cause 5) or store/AMO (cause 7)
 * access fault with tval = the address, as QEMU 7.2 does for a failed MMIO transaction.
 * Accesses that QEMU accepts but ignores (logged as "invalid") are accepted: reads give 0, writes drop.
 */
export interface AccessCheck {
  accepts(offset: number, size: 1 | 2 | 4): boolean;
}

/**
 * Optional capability: a device with time-driven state (CLINT timer compare, UART receive timeout).
 * The machine calls `update()` after every advance of its Clock, and, while every hart waits in `wfi`,
 * may jump its Clock straight to the smallest `nextDeadline()` of all timed devices and then call
 * `update()`.
 */
export interface TimedDevice {
  /** Recompute time-dependent interrupt levels for the current Clock.mtime(). */
  update(): void;
  /** Clock.mtime() value (raw machine ticks) at which update() would next change something, if any. */
  nextDeadline(): bigint | undefined;
}
