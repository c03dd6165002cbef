/**
 * ELF32 loader for RV32 programs: bytes in, an ElfImage out. Segments follow QEMU 7.2's `-kernel`
 * placement (see elf-segments.ts); every structural problem raises an ElfError whose message says
 * what is wrong and what to do.
 *
 * `entry` is e_entry as linked. Note for the machine: QEMU virt with `-bios none` starts every hart at
 * the DRAM base 0x80000000 rather than at e_entry (and riscv_load_kernel reports the lowest loaded
 * paddr); the two agree for programs that put their entry first in RAM, as test/programs do.
 */
import { ElfError } from './elf-error';
import { flagString, hex, SHF_ALLOC } from './elf-format';
import { checkIdent, FileView, readEhdr, readProgramHeaders, readSectionHeaders } from './elf-headers';
import { loadSegments, range, type LoadSegment } from './elf-segments';
import { readSections, readSymbols, type Section, type Sym } from './elf-symbols';

export { ElfError, type ElfErrorCode } from './elf-error';
export type ElfSegment = LoadSegment;
export type ElfSection = Section;
export type ElfSymbol = Sym;
export type { SymbolBind as ElfSymbolBind, SymbolType as ElfSymbolType } from './elf-symbols';

export interface ElfImage {
  /** e_entry. */
  entry: number;
  /** Loadable segments (PT_LOAD with p_memsz > 0), in program header order. */
  segments: ElfSegment[];
  /** Symbol table entries except the null symbol, in file order (includes locals and `$x` mapping symbols). */
  symbols: ElfSymbol[];
  /** Section headers except the null section 0, in file order. */
  sections: ElfSection[];
}

/** A physical memory range a segment may be loaded into (RAM, later ROM/flash). */
export interface MemoryRange {
  base: number;
  size: number;
  /** Shown in messages: 'RAM', 'ROM'. */
  name: string;
}

/** Parse and validate an RV32 ELF executable. Throws ElfError. */
export function loadElf(bytes: Uint8Array): ElfImage {
  checkIdent(bytes);
  const f = new FileView(bytes);
  const e = readEhdr(f);
  const { shdrs, phnum, shstrndx } = readSectionHeaders(f, e);
  const phdrs = readProgramHeaders(f, e, phnum);
  const segments = loadSegments(f, phdrs);
  if (segments.length === 0) {
    throw new ElfError('bad-segment', 'has no loadable segment (PT_LOAD with a non-zero memory size): there is nothing ' +
      'to run; check the linker script (are all output sections NOLOAD or discarded?)');
  }
  const sections = readSections(f, shdrs, shstrndx);
  const symbols = readSymbols(f, shdrs, sections);
  return { entry: e.entry, segments, symbols, sections };
}

const BIND_RANK: Readonly<Record<ElfSymbol['bind'], number>> = { global: 0, weak: 1, local: 2 };

/**
 * The symbol called `name`: a global one if there is one, else a weak one, else the first local one
 * (several files may define locals of the same name).
 */
export function findSymbol(image: ElfImage, name: string): ElfSymbol | undefined {
  let best: ElfSymbol | undefined;
  for (const s of image.symbols) {
    if (s.name === name && (best === undefined || BIND_RANK[s.bind] < BIND_RANK[best.bind])) best = s;
  }
  return best;
}

/** Names of the allocated sections inside a segment, for messages ("segment .text .rodata"). */
function sectionsOf(image: ElfImage, seg: ElfSegment): string[] {
  return image.sections
    .filter((s) => s.flags & SHF_ALLOC && s.size > 0 && s.addr >= seg.vaddr && s.addr < seg.vaddr + seg.memsz)
    .map((s) => s.name);
}

/**
 * Throws ElfError ('not-loadable') naming the segment and address when a segment does not lie
 * entirely inside one of `ranges` (the machine passes its RAM, and ROM when it has one).
 */
export function checkLoadable(image: ElfImage, ranges: readonly MemoryRange[]): void {
  for (const seg of image.segments) {
    const end = seg.paddr + seg.memsz;
    if (ranges.some((r) => seg.paddr >= r.base && end <= r.base + r.size)) continue;
    const secs = sectionsOf(image, seg);
    const what = `segment ${range(seg.paddr, seg.memsz)} (${hex(seg.memsz)} bytes, ${flagString(seg.flags)}` +
      `${secs.length ? '; ' + secs.join(' ') : ''})`;
    const where = ranges.map((r) => `${r.name} ${range(r.base, r.size)}`).join(', ') || 'no memory at all';
    const start = ranges.find((r) => seg.paddr >= r.base && seg.paddr < r.base + r.size);
    if (start) {
      throw new ElfError('not-loadable', `${what} runs past the end of ${start.name} (${range(start.base, start.size)}) ` +
        `by ${hex(end - (start.base + start.size))} bytes: give the machine more ${start.name} or make the program smaller`);
    }
    throw new ElfError('not-loadable', `${what} is not inside the machine's memory (${where}): link the program ` +
      `into RAM, e.g. with a linker script whose MEMORY starts at ${hex(0x8000_0000)}`);
  }
}
