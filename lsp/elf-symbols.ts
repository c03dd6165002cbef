/**
 * Symbols of an ELF32 file (relocatable or executable), read back from the bytes the assembler and
 * linker write: the assembler's API gives an object, not its symbol table (ELF spec, "Symbol Table").
 */
export interface ElfSymbol {
  name: string;
  value: number;
  /** Section name, '*ABS*' for absolute symbols, '*UND*' for undefined ones. */
  section: string;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const cstr = (b: Uint8Array, o: number): string => {
  let e = o;
  while (e < b.length && b[e] !== 0) e++;
  return new TextDecoder().decode(b.subarray(o, e));
};

export function elfSymbols(b: Uint8Array): ElfSymbol[] {
  const shoff = u32(b, 32), shnum = u16(b, 48), shstrndx = u16(b, 50);
  const sh = (i: number) => {
    const o = shoff + 40 * i;
    return { name: u32(b, o), type: u32(b, o + 4), off: u32(b, o + 16), size: u32(b, o + 20), link: u32(b, o + 24) };
  };
  const strtab = sh(shstrndx);
  const names = Array.from({ length: shnum }, (_, i) => cstr(b, strtab.off + sh(i).name));
  const out: ElfSymbol[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = sh(i);
    if (h.type !== 2) continue; // SHT_SYMTAB
    const str = sh(h.link);
    for (let o = h.off + 16; o < h.off + h.size; o += 16) {
      const shndx = u16(b, o + 14);
      const name = cstr(b, str.off + u32(b, o));
      if (!name || (b[o + 12]! & 0xf) === 3) continue; // unnamed and section symbols
      out.push({ name, value: u32(b, o + 4), section: shndx === 0 ? '*UND*' : shndx === 0xfff1 ? '*ABS*' : names[shndx] ?? `#${shndx}` });
    }
  }
  return out;
}
