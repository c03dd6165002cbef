/**
 * What the differential assembler tests compare between our objects and GNU as' (and between the two
 * linked by GNU ld): a canonical, order-independent summary of an ELF32 file read with a small reader
 * of its own (sections, RELA relocations, symbols), so that committed fixtures stay readable JSON.
 */

export interface Facts {
  /** Per section (not symtab/strtab/shstrtab/rela): "type flags align size" and hex contents. */
  sections: Record<string, { header: string; hex: string }>;
  /** Per relocated section: "offset type symbol+addend" lines in file order. */
  relocs: Record<string, string[]>;
  /** "name type bind section value size", sorted (mapping symbols included). */
  symbols: string[];
  /** e_flags. */
  flags: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const cstr = (b: Uint8Array, o: number): string => {
  let e = o;
  while (b[e] !== 0 && e < b.length) e++;
  return String.fromCharCode(...b.subarray(o, e));
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface Sh { name: string; type: number; flags: number; addr: number; off: number; size: number; link: number; info: number; align: number }

export function elfFacts(file: Uint8Array, opts: { linked?: boolean } = {}): Facts {
  const shoff = u32(file, 32), shnum = u16(file, 48), shstrndx = u16(file, 50);
  const shs: Sh[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * 40;
    shs.push({ name: '', type: u32(file, o + 4), flags: u32(file, o + 8), addr: u32(file, o + 12), off: u32(file, o + 16), size: u32(file, o + 20), link: u32(file, o + 24), info: u32(file, o + 28), align: u32(file, o + 32) });
    (shs[i] as { nameOff?: number }).nameOff = u32(file, o);
  }
  const shstr = shs[shstrndx]!;
  for (const s of shs) s.name = cstr(file, shstr.off + (s as { nameOff?: number }).nameOff!);
  const data = (s: Sh): Uint8Array => (s.type === 8 ? new Uint8Array(0) : file.subarray(s.off, s.off + s.size));
  const facts: Facts = { sections: {}, relocs: {}, symbols: [], flags: u32(file, 36) };
  const symtab = shs.find((s) => s.type === 2);
  const syms: { name: string; value: number; size: number; info: number; shndx: number }[] = [];
  if (symtab) {
    const strtab = shs[symtab.link]!;
    const d = data(symtab);
    for (let o = 0; o < d.length; o += 16) {
      syms.push({ name: cstr(file, strtab.off + u32(d, o)), value: u32(d, o + 4), size: u32(d, o + 8), info: d[o + 12]!, shndx: u16(d, o + 14) });
    }
  }
  const secName = (i: number): string => (i === 0 ? 'UND' : i === 0xfff1 ? 'ABS' : i === 0xfff2 ? 'COM' : shs[i]?.name ?? String(i));
  for (const s of shs) {
    if (s.type === 0 || s.type === 2 || s.type === 3 || s.type === 4) continue;
    if (opts.linked && (s.flags & 2) === 0 && s.name !== '.riscv.attributes') continue;
    facts.sections[s.name] = { header: `type=${s.type} flags=${s.flags} align=${s.align} size=${s.size}${opts.linked ? ` addr=${s.addr.toString(16)}` : ''}`, hex: hex(data(s)) };
  }
  for (const s of shs) {
    if (s.type !== 4) continue;
    const d = data(s);
    const lines: string[] = [];
    for (let o = 0; o < d.length; o += 12) {
      const info = u32(d, o + 4);
      const sym = syms[info >>> 8];
      const name = !sym || (info >>> 8) === 0 ? '' : (sym.info & 0xf) === 3 ? secName(sym.shndx) : sym.name;
      lines.push(`${u32(d, o).toString(16)} ${info & 0xff} ${name}${(u32(d, o + 8) | 0) !== 0 ? '+' + (u32(d, o + 8) | 0) : ''}`);
    }
    facts.relocs[shs[s.info]!.name] = lines;
  }
  if (!opts.linked) {
    facts.symbols = syms.slice(1).map((y) => `${(y.info & 0xf) === 3 ? '[section]' : y.name} ${y.info & 0xf} ${y.info >> 4} ${secName(y.shndx)} ${y.value.toString(16)} ${y.size}`).sort();
  }
  return facts;
}
