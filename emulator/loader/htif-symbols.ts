/**
 * Where a program wants its HTIF device (emulator/devices/htif.ts): QEMU 7.2's htif_symbol_callback
 * takes the `tohost` and `fromhost` symbols from the ELF being loaded and insists each is 8 bytes.
 */
import { ElfError } from './elf-error';
import { findSymbol, type ElfImage } from './elf';
import { hex } from './elf-format';

export interface HtifAddresses {
  tohost: number;
  /** Absent when the program defines no `fromhost`; the device then uses tohost + 8. */
  fromhost?: number;
}

/** The HTIF addresses, or undefined when the program has no `tohost` symbol (it does not use HTIF). */
export function findHtifSymbols(image: ElfImage): HtifAddresses | undefined {
  const tohost = findSymbol(image, 'tohost');
  if (!tohost) return undefined;
  const fromhost = findSymbol(image, 'fromhost');
  for (const s of [tohost, fromhost]) {
    if (s && s.size !== 8) {
      throw new ElfError('bad-symbols', `symbol '${s.name}' at ${hex(s.value)} is ${s.size} bytes; HTIF needs it to be ` +
        `8 bytes: define it as \`${s.name}: .dword 0\` with \`.size ${s.name}, 8\` (as riscv-tests do)`);
    }
  }
  if (fromhost && Math.abs(fromhost.value - tohost.value) < 8) {
    throw new ElfError('bad-symbols', `symbols 'tohost' (${hex(tohost.value)}) and 'fromhost' (${hex(fromhost.value)}) ` +
      'overlap; each must be a separate 8-byte variable');
  }
  return fromhost ? { tohost: tohost.value, fromhost: fromhost.value } : { tohost: tohost.value };
}
