/**
 * The debug sections of an ELF file: the loader keeps section headers (ElfImage.sections), the bytes
 * stay in the original file buffer. Pure: bytes and image in, views of the bytes out.
 */
import type { ElfImage } from '../loader/elf';

/** SHT_NOBITS: a section without contents in the file (.bss). */
const SHT_NOBITS = 8;

export type DebugSections = ReadonlyMap<string, Uint8Array>;

/** Views (no copies) of the non-allocated, non-empty sections whose names start with `.debug_` or are `.eh_frame`. */
export function debugSections(bytes: Uint8Array, image: ElfImage): DebugSections {
  const out = new Map<string, Uint8Array>();
  for (const s of image.sections) {
    if (s.type === SHT_NOBITS || s.size === 0) continue;
    if (!s.name.startsWith('.debug_') && s.name !== '.eh_frame') continue;
    if (s.offset + s.size > bytes.length) continue; // a truncated file: leave the section out
    out.set(s.name, bytes.subarray(s.offset, s.offset + s.size));
  }
  return out;
}

/** The address a section is loaded at (for .eh_frame's pc-relative pointers). */
export function sectionAddress(image: ElfImage, name: string): number {
  return image.sections.find((s) => s.name === name)?.addr ?? 0;
}
