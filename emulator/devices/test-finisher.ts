/**
 * SiFive test finisher (hw/misc/sifive_test.c), QEMU virt's "syscon" power-off/reboot device.
 *
 * A write to offset 0 splits the value into status = bits 15..0 and code = bits 31..16:
 *   0x5555 FINISHER_PASS   exit(0)
 *   0x3333 FINISHER_FAIL   exit(code)   (so 0x3333 | 7 << 16 exits with 7; code 0 exits with 0)
 *   0x7777 FINISHER_RESET  QEMU resets the machine; vmscope has no machine reset yet, so this is
 *                          reported as exit(0) (the guest asked to stop running its current program)
 * Any other value or offset is ignored; reads return 0. Access sizes 2 and 4 are valid; QEMU faults
 * 1-byte accesses (MemoryRegionOps.valid.min_access_size = 2), hence accepts().
 */
import type { AccessCheck, Device, MachineControl } from './device';
import { StateReader } from './state';
import { VIRT_TEST } from './virt-map';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export class TestFinisher implements Device, AccessCheck {
  readonly name = 'test';
  readonly size = VIRT_TEST.size;

  /** @param control receives exit(code) */
  constructor(private readonly control: MachineControl, readonly base: number = VIRT_TEST.base) {}

  accepts(offset: number, size: 1 | 2 | 4): boolean {
    return size >= 2 && offset >= 0 && offset < this.size;
  }

  read(_offset: number, _size: 1 | 2 | 4): number {
    return 0;
  }

  write(offset: number, _size: 1 | 2 | 4, value: number): void {
    if (offset !== 0) return;
    const status = value & 0xffff;
    const code = (value >>> 16) & 0xffff;
    if (status === FINISHER_FAIL) this.control.exit(code);
    else if (status === FINISHER_PASS || status === FINISHER_RESET) this.control.exit(0);
  }

  /** Stateless. */
  save(): Record<string, never> {
    return {};
  }

  restore(state: unknown): void {
    new StateReader(this.name, state);
  }
}
