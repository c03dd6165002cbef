/**
 * The system bus: routes a physical address to a Device or to RAM (QEMU `virt` map: RAM at
 * 0x80000000). Devices may sit inside the RAM range (the HTIF `tohost` overlay): such pages are marked
 * `io` so that the CPU never maps them on its fast path, and accesses there reach the device.
 *
 * Physical addresses are numbers in [0, 2^34) (Sv32 produces 34-bit addresses); anything no device or
 * RAM claims is an access fault (privileged spec 3.6.1): read() returns -1, write() returns false.
 */
import type { AccessCheck, Device } from '../devices/device';
import { PAGE_SHIFT, Ram } from './ram';

export const RAM_BASE = 0x80000000;

export class Bus {
  readonly ram: Ram;
  private devices: Device[] = [];
  /** Per RAM page: 1 when a device overlays part of it. */
  private ioPages: Uint8Array;
  /** Called after every device write (the machine ends the running hart's slice: deadlines may move). */
  onDeviceWrite: () => void = () => {};
  /** Called after every write into RAM through the bus (decoded-instruction caches listen here). */
  onRamWrite: (ramOffset: number, size: number) => void = () => {};

  constructor(ram: Ram) {
    this.ram = ram;
    this.ioPages = new Uint8Array(ram.pageCount);
  }

  /** Attach a device. Devices must not overlap each other; they may overlay RAM. */
  attach(dev: Device): void {
    const end = dev.base + dev.size;
    for (const d of this.devices) {
      if (dev.base < d.base + d.size && d.base < end) throw new Error(`device ${dev.name} overlaps ${d.name}`);
    }
    this.devices.push(dev);
    const r = this.ram;
    const lo = Math.max(dev.base, r.base);
    const hi = Math.min(end, r.base + r.size);
    for (let a = lo; a < hi; a += 1 << PAGE_SHIFT) this.ioPages[(a - r.base) >>> PAGE_SHIFT] = 1;
    if (lo < hi) this.ioPages[(hi - 1 - r.base) >>> PAGE_SHIFT] = 1;
  }

  detach(dev: Device): void {
    this.devices = this.devices.filter((d) => d !== dev);
    this.ioPages.fill(0);
    const keep = this.devices;
    this.devices = [];
    for (const d of keep) this.attach(d);
  }

  deviceList(): readonly Device[] {
    return this.devices;
  }

  /** The device claiming physical address `pa`, if any (devices win over RAM). */
  deviceAt(pa: number): Device | undefined {
    for (const d of this.devices) if (pa >= d.base && pa < d.base + d.size) return d;
    return undefined;
  }

  /**
   * RAM page index for a page-aligned physical address when the whole page is plain RAM (no device
   * overlay): the CPU may then access it through its TLB fast path. Otherwise -1.
   */
  fastRamPage(pa: number): number {
    const off = pa - this.ram.base;
    if (off < 0 || off >= this.ram.size) return -1;
    const page = off >>> PAGE_SHIFT;
    return this.ioPages[page] === 0 ? page : -1;
  }

  /**
   * Copy bytes into RAM (loader, debugger, devices) under key id `key` (0: DRAM as it is; ram.ts),
   * keeping decoded-instruction caches coherent.
   */
  writeRamBytes(pa: number, data: Uint8Array, key = 0): void {
    const off = pa - this.ram.base;
    this.ram.writeBytes(off, data, key);
    this.onRamWrite(off, data.length);
  }

  /** Whether [pa, pa+size) is entirely in RAM (no device). */
  isRam(pa: number, size: number): boolean {
    const off = pa - this.ram.base;
    return off >= 0 && off + size <= this.ram.size && this.deviceAt(pa) === undefined;
  }

  /** Whether the device takes this access (devices implementing AccessCheck may refuse: fault). */
  private static accepts(dev: Device, off: number, size: 1 | 2 | 4): boolean {
    const c = dev as Device & Partial<AccessCheck>;
    return off + size <= dev.size && (c.accepts === undefined || c.accepts(off, size));
  }

  /**
   * Read `size` bytes (zero-extended), or -1 when nothing is mapped there (access fault). `key`: the
   * memory encryption key id of the access (ram.ts); devices ignore it.
   */
  read(pa: number, size: 1 | 2 | 4, key = 0): number {
    const dev = this.devices.length !== 0 ? this.deviceAt(pa) : undefined;
    if (dev !== undefined) {
      if (!Bus.accepts(dev, pa - dev.base, size)) return -1;
      return dev.read(pa - dev.base, size) >>> 0;
    }
    const off = pa - this.ram.base;
    if (off < 0 || off + size > this.ram.size) return -1;
    return this.ram.read(off, size, key);
  }

  /** Write the low `size` bytes of `value` under key id `key`; false when nothing is mapped there (access fault). */
  write(pa: number, size: 1 | 2 | 4, value: number, key = 0): boolean {
    const dev = this.devices.length !== 0 ? this.deviceAt(pa) : undefined;
    if (dev !== undefined) {
      if (!Bus.accepts(dev, pa - dev.base, size)) return false;
      dev.write(pa - dev.base, size, value >>> 0);
      this.onDeviceWrite();
      return true;
    }
    const off = pa - this.ram.base;
    if (off < 0 || off + size > this.ram.size) return false;
    this.ram.write(off, size, value, key);
    this.onRamWrite(off, size);
    return true;
  }
}
