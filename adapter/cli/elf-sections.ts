/**
 * A minimal ELF32 little-endian RISC-V reader for `vmscope objdump`: section headers (with contents),
 * the symbol table and the Tag_RISCV_arch attribute. Not the loader (emulator/loader/ does segments and
 * entry); this only reads what a disassembly listing needs. Layout per the System V gABI (ELF header,
 * section header table, symbol table) and the RISC-V ELF psABI ("Attributes" section).
 */

export class ElfFormatError extends Error {}

export const SHT_NOBITS = 8;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STB_LOCAL = 0;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
const SHT_SYMTAB = 2;
const SHT_RISCV_ATTRIBUTES = 0x70000003;
const EM_RISCV = 243;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  size: number;
  /** File contents (empty for SHT_NOBITS). */
  bytes: Uint8Array;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_* */
  type: number;
  /** STB_* */
  bind: number;
  /** Section index (or SHN_ABS/SHN_COMMON/SHN_UNDEF). */
  shndx: number;
}

export interface ElfSections {
  /** ET_REL (1), ET_EXEC (2), ... */
  type: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** Tag_RISCV_arch from .riscv.attributes, e.g. "rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0". */
  arch?: string;
  /** Tag_RISCV_priv_spec, _minor, _revision (8, 10, 12), when present. */
  privSpec?: [number, number, number];
}

function cstring(b: Uint8Array, off: number): string {
  let end = off;
  while (end < b.length && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(off, end));
}

/** Parse an ELF32 little-endian RISC-V file. Throws ElfFormatError naming the problem. */
export function readElfSections(file: Uint8Array): ElfSections {
  try {
    return parse(file);
  } catch (e) {
    if (e instanceof RangeError) throw new ElfFormatError(`truncated or corrupt ELF file (${e.message})`);
    throw e;
  }
}

function parse(file: Uint8Array): ElfSections {
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new ElfFormatError('not an ELF file (bad magic)');
  }
  if (file.length < 52) throw new ElfFormatError('truncated ELF header');
  if (file[4] !== 1) throw new ElfFormatError(`not a 32-bit ELF file (EI_CLASS ${file[4]}; only ELFCLASS32 is supported)`);
  if (file[5] !== 1) throw new ElfFormatError('not a little-endian ELF file');
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u16 = (o: number): number => v.getUint16(o, true);
  const u32 = (o: number): number => v.getUint32(o, true);
  if (u16(18) !== EM_RISCV) throw new ElfFormatError(`not a RISC-V ELF file (e_machine ${u16(18)})`);
  const type = u16(16);
  const shoff = u32(32), shentsize = u16(46), shnum = u16(48), shstrndx = u16(50);
  if (shoff === 0 || shnum === 0) return { type, sections: [], symbols: [] };
  if (shentsize < 40 || shoff + shnum * shentsize > file.length) throw new ElfFormatError('section header table out of bounds');

  const raw = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return { name: u32(o), type: u32(o + 4), flags: u32(o + 8), addr: u32(o + 12), offset: u32(o + 16),
      size: u32(o + 20), link: u32(o + 24), entsize: u32(o + 36) };
  });
  const contents = (i: number): Uint8Array => {
    const s = raw[i]!;
    if (s.type === SHT_NOBITS) return new Uint8Array(0);
    if (s.offset + s.size > file.length) throw new ElfFormatError(`section ${i} contents out of bounds`);
    return file.subarray(s.offset, s.offset + s.size);
  };
  const shstr = shstrndx < shnum ? contents(shstrndx) : new Uint8Array(0);
  const sections: ElfSection[] = raw.map((s, index) => ({
    index, name: cstring(shstr, s.name), type: s.type, flags: s.flags, addr: s.addr, size: s.size,
    bytes: index === 0 ? new Uint8Array(0) : contents(index),
  }));

  const symbols: ElfSymbol[] = [];
  const symtab = raw.findIndex((s) => s.type === SHT_SYMTAB);
  if (symtab > 0) {
    const data = contents(symtab);
    const strs = raw[symtab]!.link < shnum ? contents(raw[symtab]!.link) : new Uint8Array(0);
    const sv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let o = 16; o + 16 <= data.length; o += 16) { // entry 0 is the null symbol
      const info = data[o + 12]!;
      symbols.push({ name: cstring(strs, sv.getUint32(o, true)), value: sv.getUint32(o + 4, true),
        size: sv.getUint32(o + 8, true), type: info & 15, bind: info >> 4, shndx: sv.getUint16(o + 14, true) });
    }
  }

  const out: ElfSections = { type, sections, symbols };
  const attrs = sections.find((s) => s.type === SHT_RISCV_ATTRIBUTES);
  const tags = attrs ? fileAttributes(attrs.bytes) : new Map<number, string | number>();
  const arch = tags.get(5);
  if (typeof arch === 'string') out.arch = arch;
  if (tags.has(8) || tags.has(10) || tags.has(12)) {
    const n = (t: number): number => Number(tags.get(t) ?? 0);
    out.privSpec = [n(8), n(10), n(12)];
  }
  return out;
}

/** Tag_File attributes of a .riscv.attributes section (psABI: 'A', then <len>"riscv"\0 subsections). */
function fileAttributes(b: Uint8Array): Map<number, string | number> {
  const tags = new Map<number, string | number>();
  if (b[0] !== 0x41) return tags;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const uleb = (p: { o: number }): number => {
    let r = 0, shift = 0, byte: number;
    do { byte = b[p.o++] ?? 0; r += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80 && p.o < b.length);
    return r;
  };
  for (let o = 1; o + 4 <= b.length;) {
    const len = v.getUint32(o, true);
    if (len < 4) return tags;
    const vendor = cstring(b, o + 4);
    if (vendor === 'riscv') {
      const p = { o: o + 4 + vendor.length + 1 };
      while (p.o < o + len) {
        const tag = uleb(p);
        const size = v.getUint32(p.o, true);
        const end = p.o - 1 + size; // size counts the tag byte and the size field
        p.o += 4;
        if (tag !== 1) { p.o = end; continue; } // only Tag_File attributes
        while (p.o < end) {
          const t = uleb(p);
          if (t % 2 === 1) { // odd tags carry strings (psABI)
            const s = cstring(b, p.o);
            p.o += new TextEncoder().encode(s).length + 1;
            tags.set(t, s);
          } else tags.set(t, uleb(p));
        }
      }
    }
    o += len;
  }
  return tags;
}
