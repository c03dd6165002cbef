/**
 * PT_LOAD segments as QEMU 7.2's ELF loader places them for `-kernel` (include/hw/elf_ops.h, load_elf32
 * called from riscv_load_kernel without a translate function):
 * - the load address is p_paddr (p_vaddr is kept for symbolisation);
 * - p_filesz bytes come from the file, the rest up to p_memsz is zero (bss);
 * - a segment whose zero-filled tail would overlap another PT_LOAD segment is cut to p_filesz (the
 *   "LMA != VMA" ROM/flash scheme: .data stored after .text and copied at run time);
 * - segments with p_memsz = 0 are skipped;
 * - segments that still overlap are an error (QEMU: "rom: requested regions overlap").
 */
import { ElfError } from './elf-error';
import { flagString, hex, PT_LOAD } from './elf-format';
import type { FileView, Phdr } from './elf-headers';

export interface LoadSegment {
  paddr: number;
  vaddr: number;
  /** The p_filesz bytes from the file (a copy). */
  data: Uint8Array;
  /** Bytes occupied in memory: data.length <= memsz, the rest is zero. */
  memsz: number;
  /** p_flags: PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
}

function describe(p: Phdr): string {
  return `program header ${p.index} (PT_LOAD ${flagString(p.flags)} at paddr ${hex(p.paddr)})`;
}

export function loadSegments(f: FileView, phdrs: readonly Phdr[]): LoadSegment[] {
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  for (const p of loads) {
    if (p.filesz > p.memsz) {
      throw new ElfError('bad-segment', `corrupt ${describe(p)}: its file size ${hex(p.filesz)} is larger than its ` +
        `memory size ${hex(p.memsz)}; rebuild the program`);
    }
    if (p.filesz > 0) f.need(`the ${p.filesz}-byte data of ${describe(p)}`, p.offset, p.filesz);
    for (const [what, a] of [['paddr', p.paddr], ['vaddr', p.vaddr]] as const) {
      if (a + p.memsz > 2 ** 32) {
        throw new ElfError('bad-segment', `${describe(p)} wraps around the 32-bit address space: ${what} ${hex(a)} + ` +
          `${hex(p.memsz)} bytes ends past 0xffffffff; fix the link addresses in the linker script`);
      }
    }
  }
  const segs: { p: Phdr; memsz: number }[] = [];
  for (const p of loads) {
    let memsz = p.memsz;
    if (memsz > p.filesz) {
      const zeroStart = p.paddr + p.filesz;
      const zeroEnd = p.paddr + p.memsz;
      const clash = loads.some((q) => q !== p && !(q.paddr >= zeroEnd || zeroStart >= q.paddr + q.memsz));
      if (clash) memsz = p.filesz;
    }
    if (memsz !== 0) segs.push({ p, memsz });
  }
  const sorted = [...segs].sort((a, b) => a.p.paddr - b.p.paddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.p.paddr < prev.p.paddr + prev.memsz) {
      const [a, b] = prev.p.index < cur.p.index ? [prev, cur] : [cur, prev];
      throw new ElfError('overlap', `program headers ${a.p.index} and ${b.p.index} (PT_LOAD) overlap in memory: ` +
        `${range(a.p.paddr, a.memsz)} and ${range(b.p.paddr, b.memsz)}; check the linker script for overlapping ` +
        'sections or load (AT) addresses');
    }
  }
  return segs.map(({ p, memsz }) => ({
    paddr: p.paddr, vaddr: p.vaddr, data: f.bytes.slice(p.offset, p.offset + p.filesz), memsz, flags: p.flags,
  }));
}

export function range(base: number, size: number): string {
  return `${hex(base)}..${hex(base + size - 1)}`;
}
