/**
 * A relocatable ELF32 little-endian RISC-V object (ELF gABI; RISC-V ELF psABI for e_flags, the
 * .riscv.attributes section and RELA relocations), laid out as GNU as does: the sections in creation
 * order each followed by its .rela section, then .riscv.attributes, .symtab, .strtab, .shstrtab.
 */

export interface ObjReloc {
  offset: number;
  type: number;
  /** The assembler's symbol (opaque here); undefined for relocations against no symbol (RELAX, ALIGN). */
  sym: unknown;
  addend: number;
  symObj?: ObjSymbol;
}

export interface ObjSection {
  name: string;
  type: number;
  flags: number;
  align: number;
  data: Uint8Array;
  relocs: ObjReloc[];
  entsize?: number;
}

export interface ObjSymbol {
  name: string;
  value: number;
  size: number;
  type: number;
  bind: number;
  /** Index into the sections list; -1 undefined, -2 absolute, -4 common. */
  section: number;
}

const SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_RISCV_ATTRIBUTES = 0x70000003;
const SHF_INFO_LINK = 0x40;
const EF_RISCV_RVC = 1, EF_RISCV_FLOAT_ABI_SOFT = 0;

class Strtab {
  bytes: number[] = [0];
  private map = new Map<string, number>();
  add(s: string): number {
    if (s === '') return 0;
    const known = this.map.get(s);
    if (known !== undefined) return known;
    const off = this.bytes.length;
    for (const ch of s) this.bytes.push(ch.charCodeAt(0) & 0xff);
    this.bytes.push(0);
    this.map.set(s, off);
    return off;
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** The .riscv.attributes contents: format 'A', vendor "riscv", file subsection with Tag_RISCV_arch (5). */
export function attributes(arch: string, privSpec: boolean, extra: ReadonlyMap<number, number | string> = new Map()): Uint8Array {
  // Tag_RISCV_priv_spec (8) = 1, Tag_RISCV_priv_spec_minor (10) = 11: gas 2.40 records its default
  // privileged spec 1.11 once a CSR or privileged instruction is used. Other tags come from
  // .attribute, in ascending order; integer attributes of value 0 are left out, as gas.
  const all = new Map<number, number | string>(privSpec ? [[8, 1], [10, 11]] : []);
  for (const [k, v] of extra) all.set(k, v);
  all.set(5, arch);
  const tags: number[] = [];
  for (const [tag, v] of [...all].sort((a, b) => a[0] - b[0])) {
    if (typeof v === 'number' && v === 0) continue;
    tags.push(...uleb(tag));
    if (typeof v === 'string') tags.push(...new TextEncoder().encode(v), 0);
    else tags.push(...uleb(v));
  }
  const sub = [1, ...[0, 0, 0, 0], ...tags];
  const subLen = sub.length;
  sub[1] = subLen & 0xff; sub[2] = (subLen >>> 8) & 0xff; sub[3] = 0; sub[4] = 0;
  const vendor = [...'riscv'].map((c) => c.charCodeAt(0)).concat([0]);
  const secLen = 4 + vendor.length + sub.length;
  return new Uint8Array([0x41, secLen & 0xff, (secLen >>> 8) & 0xff, 0, 0, ...vendor, ...sub]);
}

export function writeObject(sections: ObjSection[], symbols: ObjSymbol[], arch: string, rvc: boolean, privSpec: boolean, extraAttributes?: ReadonlyMap<number, number | string>): Uint8Array {
  const shstr = new Strtab();
  const str = new Strtab();
  // Final section list: [null], each section (+ its rela), attributes, symtab, strtab, shstrtab.
  interface Out { name: string; type: number; flags: number; align: number; data: Uint8Array; size: number; link: number; info: number; entsize: number }
  const out: Out[] = [];
  const index = new Map<number, number>();
  const relaFor: { out: number; sec: number }[] = [];
  sections.forEach((s, i) => {
    index.set(i, out.length + 1);
    out.push({ name: s.name, type: s.type, flags: s.flags, align: s.align, data: s.data, size: s.data.length, link: 0, info: 0, entsize: s.entsize ?? 0 });
    if (s.relocs.length > 0) {
      relaFor.push({ out: out.length, sec: i });
      out.push({ name: `.rela${s.name}`, type: SHT_RELA, flags: SHF_INFO_LINK, align: 4, data: new Uint8Array(0), size: 0, link: 0, info: out.length, entsize: 12 });
    }
  });
  const attrIdx = out.length + 1;
  out.push({ name: '.riscv.attributes', type: SHT_RISCV_ATTRIBUTES, flags: 0, align: 1, data: attributes(arch, privSpec, extraAttributes), size: 0, link: 0, info: 0, entsize: 0 });
  const symtabIdx = out.length + 1;
  // Symbols: null, locals (given order; attributes section symbol last among them), globals.
  const locals = symbols.filter((s) => s.bind === 0);
  const globals = symbols.filter((s) => s.bind !== 0);
  const attrSym: ObjSymbol = { name: '', value: 0, size: 0, type: 3, bind: 0, section: -3 };
  const ordered = [...locals, attrSym, ...globals];
  const symIndex = new Map<ObjSymbol, number>();
  const symBytes: number[] = new Array<number>(16).fill(0);
  const w32 = (arr: number[], v: number): void => { arr.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff); };
  const w16 = (arr: number[], v: number): void => { arr.push(v & 0xff, (v >>> 8) & 0xff); };
  ordered.forEach((s, i) => {
    symIndex.set(s, i + 1);
    w32(symBytes, str.add(s.name));
    w32(symBytes, s.value);
    w32(symBytes, s.size);
    symBytes.push(((s.bind & 0xf) << 4) | (s.type & 0xf), 0);
    w16(symBytes, s.section === -1 ? 0 : s.section === -2 ? 0xfff1 : s.section === -3 ? attrIdx : s.section === -4 ? 0xfff2 : index.get(s.section)!);
  });
  out.push({ name: '.symtab', type: SHT_SYMTAB, flags: 0, align: 4, data: new Uint8Array(symBytes), size: 0, link: symtabIdx + 1, info: locals.length + 2, entsize: 16 });
  out.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, align: 1, data: new Uint8Array(str.bytes), size: 0, link: 0, info: 0, entsize: 0 });
  for (const r of relaFor) {
    const bytes: number[] = [];
    for (const rel of sections[r.sec]!.relocs) {
      w32(bytes, rel.offset);
      w32(bytes, ((rel.symObj ? symIndex.get(rel.symObj)! : 0) << 8) | rel.type);
      w32(bytes, rel.addend);
    }
    const o = out[r.out]!;
    o.data = new Uint8Array(bytes);
    o.link = symtabIdx;
    o.info = index.get(r.sec)!;
  }
  out.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, align: 1, data: new Uint8Array(0), size: 0, link: 0, info: 0, entsize: 0 });
  for (const o of out) shstr.add(o.name);
  out[out.length - 1]!.data = new Uint8Array(shstr.bytes);
  // Layout.
  const parts: Uint8Array[] = [];
  let off = 52;
  const offsets: number[] = [];
  for (const o of out) {
    const al = Math.max(1, o.align);
    const pad = (al - (off % al)) % al;
    if (pad) parts.push(new Uint8Array(pad));
    off += pad;
    offsets.push(off);
    if (o.type !== SHT_NOBITS) { parts.push(o.data); off += o.data.length; }
  }
  const shPad = (4 - (off % 4)) % 4;
  if (shPad) parts.push(new Uint8Array(shPad));
  off += shPad;
  const shoff = off;
  const sh: number[] = new Array<number>(40).fill(0);
  out.forEach((o, i) => {
    w32(sh, shstr.add(o.name));
    w32(sh, o.type);
    w32(sh, o.flags);
    w32(sh, 0);
    w32(sh, offsets[i]!);
    w32(sh, o.type === SHT_NOBITS ? o.data.length : o.data.length);
    w32(sh, o.link);
    w32(sh, o.info);
    w32(sh, o.align);
    w32(sh, o.entsize);
  });
  const hdr: number[] = [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  w16(hdr, 1); // ET_REL
  w16(hdr, 243); // EM_RISCV
  w32(hdr, 1);
  w32(hdr, 0);
  w32(hdr, 0);
  w32(hdr, shoff);
  w32(hdr, (rvc ? EF_RISCV_RVC : 0) | EF_RISCV_FLOAT_ABI_SOFT);
  w16(hdr, 52);
  w16(hdr, 0);
  w16(hdr, 0);
  w16(hdr, 40);
  w16(hdr, out.length + 1);
  w16(hdr, out.length);
  const file = new Uint8Array(shoff + sh.length);
  file.set(hdr, 0);
  let p = 52;
  for (const part of parts) { file.set(part, p); p += part.length; }
  file.set(sh, shoff);
  return file;
}
