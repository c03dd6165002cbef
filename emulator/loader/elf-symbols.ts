/** Section list and symbol table (System V gABI ch. 4 "Sections", "Symbol Table", "String Table"). */
import { ElfError } from './elf-error';
import { SHN_LORESERVE, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB, SYM_SIZE } from './elf-format';
import type { FileView, Shdr } from './elf-headers';

export interface Section {
  name: string;
  addr: number;
  size: number;
  /** File offset of the contents (meaningless for SHT_NOBITS such as .bss). */
  offset: number;
  /** sh_type (SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_NOBITS = 8, ...). */
  type: number;
  /** sh_flags (SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4, ...). */
  flags: number;
}

export type SymbolType = 'func' | 'object' | 'notype' | 'section' | 'file';
export type SymbolBind = 'local' | 'global' | 'weak';

export interface Sym {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
  bind: SymbolBind;
}

/** A NUL-terminated string at `offset` of string table `strtab`; '' when the offset is out of range. */
function cstring(f: FileView, strtab: Shdr, offset: number): string {
  if (offset >= strtab.size) return '';
  const start = strtab.offset + offset;
  const limit = strtab.offset + strtab.size;
  let end = start;
  while (end < limit && f.u8(end) !== 0) end++;
  return utf8(f.bytes.subarray(start, end));
}

/** UTF-8 without relying on TextDecoder (emulator/ uses no host APIs); invalid input decodes as Latin-1. */
function utf8(b: Uint8Array): string {
  if (b.every((x) => x < 0x80)) return latin1(b);
  try {
    return decodeURIComponent(Array.from(b, (x) => '%' + x.toString(16).padStart(2, '0')).join(''));
  } catch {
    return latin1(b);
  }
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

export function readSections(f: FileView, shdrs: readonly Shdr[], shstrndx: number): Section[] {
  const names = shdrs[shstrndx];
  if (names) f.need(`the section name table (section ${shstrndx})`, names.offset, names.size);
  const out: Section[] = [];
  for (const s of shdrs) {
    if (s.index === 0) continue; // the reserved null section
    const name = names ? cstring(f, names, s.nameOff) : '';
    if (s.type !== SHT_NOBITS && s.size > 0) {
      f.need(`the contents of section ${name || s.index}`, s.offset, s.size);
    }
    out.push({ name, addr: s.addr, size: s.size, offset: s.offset, type: s.type, flags: s.flags });
  }
  return out;
}

const TYPES: Readonly<Record<number, SymbolType>> = {
  0: 'notype', 1: 'object', 2: 'func', 3: 'section', 4: 'file',
  5: 'object', // STT_COMMON
  6: 'object', // STT_TLS
  10: 'func', // STT_GNU_IFUNC
};

const BINDS: Readonly<Record<number, SymbolBind>> = { 0: 'local', 1: 'global', 2: 'weak', 10: 'global' /* STB_GNU_UNIQUE */ };

/**
 * Symbols of .symtab (or .dynsym when there is no .symtab), without the null symbol 0. Section
 * symbols, which have no name of their own, take their section's name.
 */
export function readSymbols(f: FileView, shdrs: readonly Shdr[], sections: readonly Section[]): Sym[] {
  const tab = shdrs.find((s) => s.type === SHT_SYMTAB) ?? shdrs.find((s) => s.type === SHT_DYNSYM);
  if (!tab) return [];
  const what = `symbol table (section ${tab.index})`;
  if (tab.entsize !== SYM_SIZE) {
    throw new ElfError('bad-symbols', `corrupt ${what}: entries are ${tab.entsize} bytes, ELF32 symbols are ${SYM_SIZE}; rebuild the program`);
  }
  const strtab = shdrs[tab.link];
  if (!strtab || tab.link === 0) {
    throw new ElfError('bad-symbols', `corrupt ${what}: its string table index ${tab.link} names no section; rebuild the program`);
  }
  f.need(what, tab.offset, tab.size);
  f.need(`the symbol string table (section ${tab.link})`, strtab.offset, strtab.size);
  const out: Sym[] = [];
  for (let o = tab.offset + SYM_SIZE; o + SYM_SIZE <= tab.offset + tab.size; o += SYM_SIZE) {
    const info = f.u8(o + 12);
    const shndx = f.u16(o + 14);
    const type = TYPES[info & 0xf] ?? 'notype';
    let name = cstring(f, strtab, f.u32(o));
    if (name === '' && type === 'section' && shndx > 0 && shndx < SHN_LORESERVE) {
      name = sections[shndx - 1]?.name ?? '';
    }
    out.push({ name, value: f.u32(o + 4), size: f.u32(o + 8), type, bind: BINDS[info >> 4] ?? 'global' });
  }
  return out;
}
