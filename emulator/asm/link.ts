/**
 * A static linker for the ELF32 RISC-V relocatable objects `vmscope as` (or GNU as) writes: lays out
 * .text, .rodata, .data, .sdata, .sbss and .bss as GNU ld 2.40's default elf32lriscv script does
 * (DATA_SEGMENT_ALIGN, __global_pointer$, _edata/_end), resolves symbols and applies R_RISCV_*
 * relocations (RISC-V ELF psABI, "Relocations") without linker relaxation, i.e. as `ld --no-relax`.
 * Debug sections (.debug_*) are concatenated and relocated so the line table survives. Output: an
 * ELF32 executable with one RX and one RW PT_LOAD.
 */
import { encB, encCB, encCJ, encI, encJ, encS, encU } from './encode';
import { R } from './relocs';

export interface LinkInput { name: string; bytes: Uint8Array }
export interface LinkOptions {
  /** Address of .text (as ld -Ttext); default 0x10000 + the size of the headers, as ld. */
  base?: number;
  /** Extra absolute symbols (as ld --defsym NAME=VALUE). */
  defsym?: Record<string, number>;
  entry?: string;
}
export interface LinkResult { elf?: Uint8Array; errors: string[]; warnings: string[] }

interface InSec {
  file: InObj; index: number; name: string; type: number; flags: number; align: number; data: Uint8Array;
  relocs: { offset: number; type: number; sym: number; addend: number }[];
  /** Output address (alloc) or offset in the output section (non-alloc). */
  addr: number;
  out?: OutSec;
}
interface InSym { name: string; value: number; size: number; type: number; bind: number; shndx: number }
interface InObj { name: string; secs: InSec[]; syms: InSym[]; flags: number; attributes?: Uint8Array }
interface OutSec { name: string; type: number; flags: number; align: number; addr: number; size: number; inputs: InSec[]; entsize: number }

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const cstr = (b: Uint8Array, o: number): string => {
  let e = o;
  while (e < b.length && b[e] !== 0) e++;
  return new TextDecoder().decode(b.subarray(o, e));
};
const alignUp = (v: number, a: number): number => (a <= 1 ? v : Math.ceil(v / a) * a);

const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8, SHT_RISCV_ATTRIBUTES = 0x70000003;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;

function readObject(name: string, b: Uint8Array): InObj {
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) throw new Error(`${name}: not an ELF file`);
  if (b[4] !== 1 || b[5] !== 1) throw new Error(`${name}: not a 32-bit little-endian ELF file`);
  if (u16(b, 16) !== 1) throw new Error(`${name}: not a relocatable object (ET_REL)`);
  if (u16(b, 18) !== 243) throw new Error(`${name}: not a RISC-V object (e_machine ${u16(b, 18)})`);
  const shoff = u32(b, 32), shnum = u16(b, 48), shstrndx = u16(b, 50);
  const hdr = (i: number) => {
    const o = shoff + 40 * i;
    return { nameOff: u32(b, o), type: u32(b, o + 4), flags: u32(b, o + 8), off: u32(b, o + 16), size: u32(b, o + 20), link: u32(b, o + 24), info: u32(b, o + 28), align: u32(b, o + 32) };
  };
  const hs = Array.from({ length: shnum }, (_, i) => hdr(i));
  const shstr = hs[shstrndx]!;
  const obj: InObj = { name, secs: [], syms: [], flags: u32(b, 36) };
  hs.forEach((h, i) => {
    obj.secs[i] = {
      file: obj, index: i, name: cstr(b, shstr.off + h.nameOff), type: h.type, flags: h.flags, align: Math.max(1, h.align),
      data: h.type === SHT_NOBITS ? new Uint8Array(h.size) : b.slice(h.off, h.off + h.size), relocs: [], addr: 0,
    };
  });
  hs.forEach((h, i) => {
    if (h.type === SHT_SYMTAB) {
      const str = hs[h.link]!;
      for (let o = h.off + 16; o < h.off + h.size; o += 16) {
        obj.syms.push({ name: cstr(b, str.off + u32(b, o)), value: u32(b, o + 4), size: u32(b, o + 8), type: b[o + 12]! & 0xf, bind: b[o + 12]! >> 4, shndx: u16(b, o + 14) });
      }
    } else if (h.type === SHT_RELA) {
      const target = obj.secs[h.info]!;
      for (let o = h.off; o < h.off + h.size; o += 12) {
        const info = u32(b, o + 4);
        target.relocs.push({ offset: u32(b, o), type: info & 0xff, sym: (info >>> 8) - 1, addend: u32(b, o + 8) | 0 });
      }
    } else if (h.type === SHT_RISCV_ATTRIBUTES && !obj.attributes) obj.attributes = obj.secs[i]!.data;
  });
  return obj;
}

/** Which output section an input section goes to (ld's default script), or undefined to drop it. */
function outputName(s: InSec): string | undefined {
  const n = s.name;
  const m = (...p: string[]): boolean => p.some((x) => n === x || n.startsWith(x + '.'));
  // The script matches by name, whatever the input's flags.
  if (m('.text') || n === '.init' || n === '.fini') return '.text';
  if (m('.rodata')) return '.rodata';
  if (m('.data')) return '.data';
  if (m('.srodata') || m('.sdata')) return '.sdata';
  if (m('.sbss')) return '.sbss';
  if (m('.bss') || n === 'COMMON') return '.bss';
  // Orphans go after the output section of the same kind.
  if (s.flags & SHF_ALLOC) return n;
  if (n.startsWith('.debug_')) return n;
  return undefined;
}

export function link(inputs: LinkInput[], opts: LinkOptions = {}): LinkResult {
  const errors: string[] = [], warnings: string[] = [];
  const objs: InObj[] = [];
  for (const i of inputs) {
    try {
      objs.push(readObject(i.name, i.bytes));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length > 0 || objs.length === 0) return { errors: errors.length ? errors : ['no input files'], warnings };

  // R_RISCV_ALIGN: ld trims the assembler's worst-case nop padding even with --no-relax.
  for (const o of objs) for (const sec of o.secs) if (sec && sec.relocs.some((r) => r.type === R.R_RISCV_ALIGN)) trimAlign(o, sec);

  // Common symbols (.comm): the largest size and alignment over the files, space in .bss as *(COMMON),
  // unless a file defines the symbol. Placed by ascending alignment (ld's own order follows its hash table).
  const commons = new Map<string, { size: number; align: number; obj: InObj }>();
  const commonSyms: { o: InObj; y: InSym }[] = [];
  for (const o of objs) {
    for (const y of o.syms) {
      if (y.shndx !== SHN_COMMON || y.bind === 0) continue;
      commonSyms.push({ o, y });
      const prev = commons.get(y.name);
      commons.set(y.name, { size: Math.max(prev?.size ?? 0, y.size), align: Math.max(prev?.align ?? 1, y.value), obj: prev?.obj ?? o });
    }
  }
  const definedElsewhere = (n: string): boolean => objs.some((p) => p.syms.some((z) => z.name === n && z.bind !== 0 && z.shndx !== SHN_UNDEF && z.shndx !== SHN_COMMON));
  const commonSec = new Map<string, InSec>();
  for (const [n, c] of [...commons].sort((a, b) => a[1].align - b[1].align)) {
    if (definedElsewhere(n)) continue;
    const sec: InSec = { file: c.obj, index: c.obj.secs.length, name: 'COMMON', type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, align: c.align, data: new Uint8Array(c.size), relocs: [], addr: 0 };
    c.obj.secs.push(sec);
    commonSec.set(n, sec);
  }
  for (const { o, y } of commonSyms) {
    const sec = commonSec.get(y.name);
    if (!sec) { y.shndx = SHN_UNDEF; y.bind = 1; continue; } // defined by another file: a reference
    if (o === sec.file) { y.shndx = sec.index; y.value = 0; } else { y.shndx = SHN_UNDEF; }
  }

  // ---- output sections, in the default script's order ------------------------------------
  const order = ['.text', '.rodata', '.data', '.sdata', '.sbss', '.bss'];
  const outs = new Map<string, OutSec>();
  const orphans: string[] = [];
  for (const o of objs) {
    for (const s of o.secs) {
      if (!s || s.index === 0 || s.type === SHT_SYMTAB || s.type === SHT_STRTAB || s.type === SHT_RELA || s.type === SHT_RISCV_ATTRIBUTES) continue;
      const name = outputName(s);
      if (name === undefined) continue;
      let out = outs.get(name);
      if (!out) {
        out = { name, type: s.type, flags: s.flags, align: 1, addr: 0, size: 0, inputs: [], entsize: 0 };
        outs.set(name, out);
        if (!order.includes(name)) orphans.push(name);
      }
      if (s.type !== SHT_NOBITS) out.type = s.type;
      out.flags |= s.flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR);
      out.align = Math.max(out.align, s.align);
      out.inputs.push(s);
      s.out = out;
    }
  }
  // Within .sdata the script lists *(.srodata*) before *(.sdata*): statement order, then file order.
  for (const out of outs.values()) {
    const rank = (x: InSec): number => (out.name === '.sdata' && !x.name.startsWith('.srodata') ? 1 : 0);
    out.inputs = out.inputs.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i).map((e) => e.x);
  }
  const place = (kindAfter: string, pred: (o: OutSec) => boolean): void => {
    const i = order.indexOf(kindAfter);
    const extra = orphans.filter((n) => pred(outs.get(n)!) && !order.includes(n));
    order.splice(i + 1, 0, ...extra);
  };
  place('.text', (o) => (o.flags & SHF_ALLOC) !== 0 && (o.flags & SHF_EXECINSTR) !== 0);
  place('.rodata', (o) => (o.flags & SHF_ALLOC) !== 0 && (o.flags & (SHF_WRITE | SHF_EXECINSTR)) === 0);
  place('.data', (o) => (o.flags & SHF_ALLOC) !== 0 && (o.flags & SHF_WRITE) !== 0 && o.type !== SHT_NOBITS);
  place('.bss', (o) => (o.flags & SHF_ALLOC) !== 0 && o.type === SHT_NOBITS);
  for (const n of orphans) if (!order.includes(n)) order.push(n);

  // ---- addresses ----------------------------------------------------------------------------
  // ld drops empty output sections, and with them a segment.
  const nonEmpty = (o: OutSec | undefined): boolean => !!o && o.inputs.some((s) => s.data.length > 0);
  const hasData = order.some((n) => nonEmpty(outs.get(n)) && (outs.get(n)!.flags & SHF_WRITE) && (outs.get(n)!.flags & SHF_ALLOC));
  const attributes = objs.find((o) => o.attributes)?.attributes;
  const nphdr = 1 + (hasData ? 1 : 0) + (attributes ? 1 : 0);
  const headers = 52 + 32 * nphdr;
  const symbolsOut = new Map<string, number>();
  let dot = opts.base ?? 0x10000 + headers;
  const layout = (name: string): void => {
    const out = outs.get(name);
    if (!out || (out.flags & SHF_ALLOC) === 0 || !nonEmpty(out)) return;
    dot = alignUp(dot, out.align);
    out.addr = dot;
    for (const s of out.inputs) {
      dot = alignUp(dot, s.align);
      s.addr = dot;
      dot += s.data.length;
    }
    if (name === '.bss' && out.inputs.some((x) => x.data.length > 0)) dot = alignUp(dot, dot !== 0 ? 4 : 1);
    out.size = dot - out.addr;
  };
  let dataStarted = false;
  for (const name of order) {
    const out = outs.get(name);
    const writable = name === '.data' || name === '.sdata' || name === '.sbss' || name === '.bss' || (out !== undefined && (out.flags & SHF_WRITE) !== 0);
    if (writable && !dataStarted) {
      dataStarted = true;
      // DATA_SEGMENT_ALIGN (MAXPAGESIZE, COMMONPAGESIZE) with both 0x1000.
      dot = alignUp(dot, 0x1000) + (dot & 0xfff);
    }
    if (name === '.data') symbolsOut.set('__DATA_BEGIN__', alignUp(dot, out?.align ?? 1));
    if (name === '.sdata') {
      symbolsOut.set('__SDATA_BEGIN__', alignUp(dot, out?.align ?? 1));
      if (!symbolsOut.has('__DATA_BEGIN__')) symbolsOut.set('__DATA_BEGIN__', dot);
    }
    layout(name);
    if (name === '.sdata') { symbolsOut.set('_edata', dot); symbolsOut.set('__bss_start', dot); }
  }
  if (!symbolsOut.has('__DATA_BEGIN__')) {
    if (!dataStarted) dot = alignUp(dot, 0x1000) + (dot & 0xfff);
    symbolsOut.set('__DATA_BEGIN__', dot);
  }
  if (!symbolsOut.has('__SDATA_BEGIN__')) symbolsOut.set('__SDATA_BEGIN__', symbolsOut.get('__DATA_BEGIN__')!);
  if (!symbolsOut.has('_edata')) { symbolsOut.set('_edata', dot); symbolsOut.set('__bss_start', dot); }
  dot = alignUp(dot, 4);
  symbolsOut.set('__BSS_END__', dot);
  symbolsOut.set('__global_pointer$', Math.min(symbolsOut.get('__SDATA_BEGIN__')! + 0x800, Math.max(symbolsOut.get('__DATA_BEGIN__')! + 0x800, dot - 0x800)));
  symbolsOut.set('_end', dot);
  // Non-alloc (debug) sections: offsets within the output section.
  for (const out of outs.values()) {
    if (out.flags & SHF_ALLOC) continue;
    let off = 0;
    for (const s of out.inputs) { off = alignUp(off, s.align); s.addr = off; off += s.data.length; }
    out.size = off;
  }

  // ---- symbols ------------------------------------------------------------------------------
  const globals = new Map<string, { value: number; sym: InSym; obj: InObj }>();
  for (const [k, v] of Object.entries(opts.defsym ?? {})) globals.set(k, { value: v, sym: { name: k, value: v, size: 0, type: 0, bind: 1, shndx: SHN_ABS }, obj: objs[0]! });
  const symValue = (o: InObj, y: InSym): number => (y.shndx === SHN_ABS ? y.value : y.shndx === SHN_UNDEF || y.shndx >= 0xff00 ? 0 : o.secs[y.shndx]!.addr + y.value);
  for (const o of objs) {
    for (const y of o.syms) {
      if (y.bind === 0 || y.shndx === SHN_UNDEF) continue;
      if (y.shndx === SHN_COMMON) continue; // allocated in .bss before layout
      const prev = globals.get(y.name);
      if (prev && prev.sym.bind !== 2 && y.bind !== 2) { errors.push(`${o.name}: multiple definition of '${y.name}' (first defined in ${prev.obj.name})`); continue; }
      if (!prev || prev.sym.bind === 2) globals.set(y.name, { value: symValue(o, y), sym: y, obj: o });
    }
  }
  for (const [k, v] of symbolsOut) if (!globals.has(k)) globals.set(k, { value: v, sym: { name: k, value: v, size: 0, type: 0, bind: 1, shndx: SHN_ABS }, obj: objs[0]! });
  const resolve = (o: InObj, idx: number, where: string | undefined): number | undefined => {
    const y = o.syms[idx];
    if (!y) return 0;
    if (y.bind !== 0 && y.shndx === SHN_UNDEF) {
      const g = globals.get(y.name);
      if (g) return g.value;
      if (y.bind === 2) return 0;
      if (where !== undefined) errors.push(`${where}: undefined reference to '${y.name}'`);
      return undefined;
    }
    if (y.bind !== 0) return globals.get(y.name)?.value ?? symValue(o, y);
    return symValue(o, y);
  };

  // ---- relocations --------------------------------------------------------------------------
  for (const o of objs) {
    for (const s of o.secs) {
      if (!s || !s.out) continue;
      const d = s.data;
      const base = (s.out.flags & SHF_ALLOC) ? s.addr : 0;
      const hiAt = new Map<number, number>();
      for (const r of s.relocs) {
        if (r.type !== R.R_RISCV_PCREL_HI20 && r.type !== R.R_RISCV_CALL && r.type !== R.R_RISCV_CALL_PLT) continue;
        const S = resolve(o, r.sym, undefined);
        if (S !== undefined) hiAt.set(r.offset, (S + r.addend - (s.addr + r.offset)) | 0);
      }
      for (let i = 0; i < s.relocs.length; i++) {
        const r = s.relocs[i]!;
        const where = `${o.name}(${s.name}+0x${r.offset.toString(16)})`;
        if (r.type === R.R_RISCV_RELAX || r.type === R.R_RISCV_ALIGN || r.type === R.R_RISCV_NONE) continue;
        const S = resolve(o, r.sym, where);
        if (S === undefined) continue;
        const P = base + r.offset, at = r.offset;
        const v = (S + r.addend) | 0;
        const pc = (v - P) | 0;
        const r32 = (): number => u32(d, at);
        const w32 = (x: number, off = at): void => { d[off] = x & 0xff; d[off + 1] = (x >>> 8) & 0xff; d[off + 2] = (x >>> 16) & 0xff; d[off + 3] = (x >>> 24) & 0xff; };
        const w16 = (x: number): void => { d[at] = x & 0xff; d[at + 1] = (x >>> 8) & 0xff; };
        const range = (x: number, bits: number, what: string): boolean => {
          if (x < -(2 ** (bits - 1)) || x >= 2 ** (bits - 1)) { errors.push(`${where}: relocation truncated to fit: ${what} against '${o.syms[r.sym]?.name ?? ''}' (offset ${x})`); return false; }
          return true;
        };
        const hi = (x: number): number => ((x + 0x800) >>> 12) & 0xfffff;
        const lo = (x: number): number => ((x & 0xfff) ^ 0x800) - 0x800;
        switch (r.type) {
          case R.R_RISCV_32: w32(v); break;
          case R.R_RISCV_BRANCH: if (range(pc, 13, 'R_RISCV_BRANCH')) w32(((r32() & ~encB(-2)) | encB(pc)) >>> 0); break;
          case R.R_RISCV_JAL: if (range(pc, 21, 'R_RISCV_JAL')) w32(((r32() & ~encJ(-2)) | encJ(pc)) >>> 0); break;
          case R.R_RISCV_RVC_BRANCH: if (range(pc, 9, 'R_RISCV_RVC_BRANCH')) w16((u16(d, at) & ~encCB(-2)) | encCB(pc)); break;
          case R.R_RISCV_RVC_JUMP: if (range(pc, 12, 'R_RISCV_RVC_JUMP')) w16((u16(d, at) & ~encCJ(-2)) | encCJ(pc)); break;
          case R.R_RISCV_CALL: case R.R_RISCV_CALL_PLT: {
            const x = pc;
            w32(((r32() & 0xfff) | encU(hi(x))) >>> 0);
            w32(((u32(d, at + 4) & 0xfffff) | encI(lo(x))) >>> 0, at + 4);
            break;
          }
          case R.R_RISCV_PCREL_HI20: w32(((r32() & 0xfff) | encU(hi(pc))) >>> 0); break;
          case R.R_RISCV_PCREL_LO12_I: case R.R_RISCV_PCREL_LO12_S: {
            // The symbol labels the auipc; its PCREL_HI20 gives the offset.
            const y = o.syms[r.sym]!;
            const x = hiAt.get(y.value + r.addend);
            if (x === undefined) {
              if (!s.relocs.some((h) => h.type === R.R_RISCV_GOT_HI20 && h.offset === y.value + r.addend)) errors.push(`${where}: %pcrel_lo without a matching %pcrel_hi at its label`);
              break;
            }
            w32(r.type === R.R_RISCV_PCREL_LO12_I ? ((r32() & 0xfffff) | encI(lo(x))) >>> 0 : ((r32() & ~encS(-1)) | encS(lo(x))) >>> 0);
            break;
          }
          case R.R_RISCV_HI20: w32(((r32() & 0xfff) | encU(hi(v))) >>> 0); break;
          case R.R_RISCV_LO12_I: w32(((r32() & 0xfffff) | encI(lo(v))) >>> 0); break;
          case R.R_RISCV_LO12_S: w32(((r32() & ~encS(-1)) | encS(lo(v))) >>> 0); break;
          case R.R_RISCV_ADD8: d[at] = (d[at]! + v) & 0xff; break;
          case R.R_RISCV_SUB8: d[at] = (d[at]! - v) & 0xff; break;
          case R.R_RISCV_ADD16: w16(u16(d, at) + v); break;
          case R.R_RISCV_SUB16: w16(u16(d, at) - v); break;
          case R.R_RISCV_ADD32: w32(r32() + v); break;
          case R.R_RISCV_SUB32: w32(r32() - v); break;
          case R.R_RISCV_GOT_HI20:
            errors.push(`${where}: R_RISCV_GOT_HI20 against '${o.syms[r.sym]?.name ?? ''}' needs a GOT (la under .option pic), which vmscope link does not build: use lla or .option nopic`);
            hiAt.delete(r.offset);
            break;
          default: errors.push(`${where}: unsupported relocation type ${r.type}`);
        }
      }
    }
  }
  if (errors.length > 0) return { errors, warnings };

  // ---- entry --------------------------------------------------------------------------------
  const entryName = opts.entry ?? '_start';
  let entry = globals.get(entryName)?.value;
  const text = outs.get('.text');
  if (entry === undefined) {
    entry = text?.addr ?? 0;
    warnings.push(`cannot find entry symbol ${entryName}; defaulting to ${entry.toString(16).padStart(8, '0')}`);
  }

  // ---- symbols out --------------------------------------------------------------------------
  const outSyms: { name: string; value: number; size: number; info: number; shndx: string | number }[] = [];
  for (const o of objs) {
    for (const y of o.syms) {
      if (y.bind !== 0 || y.type === 3 || y.type === 4 || y.name === '' || y.name.startsWith('.L') || y.name.startsWith('$')) continue;
      const sec = y.shndx === SHN_ABS ? 'ABS' : o.secs[y.shndx]?.out?.name;
      if (sec === undefined) continue;
      outSyms.push({ name: y.name, value: symValue(o, y), size: y.size, info: y.type, shndx: sec });
    }
  }
  const nLocal = outSyms.length;
  for (const [name, g] of globals) {
    const sec = g.sym.shndx === SHN_ABS ? 'ABS' : g.obj.secs[g.sym.shndx]?.out?.name ?? 'ABS';
    outSyms.push({ name, value: g.value, size: g.sym.size, info: ((g.sym.bind === 2 ? 2 : 1) << 4) | g.sym.type, shndx: sec });
  }

  return { elf: writeExec(order.map((n) => outs.get(n)!).filter((o) => o && (o.flags & SHF_ALLOC) && o.size > 0),
    [...outs.values()].filter((o) => !(o.flags & SHF_ALLOC)), outSyms, nLocal, entry, objs[0]!.flags, attributes), errors, warnings };
}

/**
 * bfd _bfd_riscv_relax_align: keep just enough of the padding at each R_RISCV_ALIGN (rewritten as
 * 4-byte nops then at most one c.nop) and delete the rest, moving later symbols and relocations.
 * Offsets within the section suffice: its start is aligned at least as much as any .align in it.
 */
function trimAlign(o: InObj, sec: InSec): void {
  const aligns = sec.relocs.filter((r) => r.type === R.R_RISCV_ALIGN).sort((a, b) => a.offset - b.offset);
  for (const rel of aligns) {
    let alignment = 1;
    while (alignment <= rel.addend) alignment *= 2;
    const at = rel.offset;
    const aligned = Math.ceil(at / alignment) * alignment;
    const keep = aligned - at;
    const count = rel.addend - keep;
    if (count <= 0) continue; // the padding is exactly what is needed: left as the assembler wrote it
    const d = sec.data;
    let pos = 0;
    for (; pos < (keep & ~3); pos += 4) d.set([0x13, 0, 0, 0], at + pos);
    if (keep % 4 !== 0) d.set([0x01, 0x00], at + pos);
    const cut = at + keep;
    const nd = new Uint8Array(d.length - count);
    nd.set(d.subarray(0, cut), 0);
    nd.set(d.subarray(cut + count), cut);
    sec.data = nd;
    for (const r of sec.relocs) if (r.offset > cut) r.offset -= Math.min(count, r.offset - cut);
    for (const y of o.syms) {
      if (y.shndx !== sec.index || y.type === 3) continue;
      if (y.value > cut) y.value -= Math.min(count, y.value - cut);
      else if (y.value + y.size > cut) y.size -= Math.min(count, y.value + y.size - cut);
    }
  }
}

function writeExec(alloc: OutSec[], debug: OutSec[], syms: { name: string; value: number; size: number; info: number; shndx: string | number }[],
  nLocal: number, entry: number, flags: number, attributes: Uint8Array | undefined): Uint8Array {
  const ro = alloc.filter((o) => !(o.flags & SHF_WRITE));
  const rw = alloc.filter((o) => o.flags & SHF_WRITE);
  const nphdr = 1 + (rw.length ? 1 : 0) + (attributes ? 1 : 0);
  const parts: { off: number; data: Uint8Array }[] = [];
  let off = 52 + 32 * nphdr;
  const fileOff = new Map<OutSec, number>();
  const contents = (o: OutSec): Uint8Array => {
    const b = new Uint8Array(o.size);
    for (const s of o.inputs) if (o.type !== SHT_NOBITS && s.type !== SHT_NOBITS) b.set(s.data, s.addr - ((o.flags & SHF_ALLOC) ? o.addr : 0));
    return b;
  };
  for (const o of alloc) {
    // File offset congruent to the address modulo the page size.
    const want = o.addr % 0x1000;
    if (off % 0x1000 > want) off += 0x1000;
    off = off - (off % 0x1000) + want;
    fileOff.set(o, off);
    if (o.type !== SHT_NOBITS) { parts.push({ off, data: contents(o) }); off += o.size; }
  }
  const extra: { name: string; type: number; flags: number; data: Uint8Array; link?: number; info?: number; align: number; entsize: number }[] = [];
  if (attributes) extra.push({ name: '.riscv.attributes', type: SHT_RISCV_ATTRIBUTES, flags: 0, data: attributes, align: 1, entsize: 0 });
  for (const d of debug) extra.push({ name: d.name, type: SHT_PROGBITS, flags: d.flags, data: contents(d), align: d.align, entsize: d.flags & 0x20 ? 1 : 0 });
  // Symbol table.
  const strtab: number[] = [0];
  const addStr = (s: string): number => { const o = strtab.length; for (const c of new TextEncoder().encode(s)) strtab.push(c); strtab.push(0); return o; };
  const shIndex = (name: string | number): number => (name === 'ABS' ? SHN_ABS : 1 + alloc.findIndex((o) => o.name === name));
  const symtab: number[] = new Array<number>(16).fill(0);
  const p32 = (a: number[], v: number): void => { a.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff); };
  const p16 = (a: number[], v: number): void => { a.push(v & 0xff, (v >>> 8) & 0xff); };
  for (const y of syms) {
    p32(symtab, addStr(y.name)); p32(symtab, y.value); p32(symtab, y.size); symtab.push(y.info, 0);
    const ix = shIndex(y.shndx);
    p16(symtab, ix <= 0 ? SHN_ABS : ix);
  }
  const firstExtra = 1 + alloc.length;
  const symIdx = firstExtra + extra.length;
  extra.push({ name: '.symtab', type: SHT_SYMTAB, flags: 0, data: new Uint8Array(symtab), link: symIdx + 1, info: nLocal + 1, align: 4, entsize: 16 });
  extra.push({ name: '.strtab', type: SHT_STRTAB, flags: 0, data: new Uint8Array(strtab), align: 1, entsize: 0 });
  const shstr: number[] = [0];
  const names = [...alloc.map((o) => o.name), ...extra.map((e) => e.name), '.shstrtab'];
  const nameOff = names.map((n) => { const o = shstr.length; for (const c of new TextEncoder().encode(n)) shstr.push(c); shstr.push(0); return o; });
  extra.push({ name: '.shstrtab', type: SHT_STRTAB, flags: 0, data: new Uint8Array(shstr), align: 1, entsize: 0 });
  const extraOff: number[] = [];
  for (const e of extra) { off = alignUp(off, e.align); extraOff.push(off); parts.push({ off, data: e.data }); off += e.data.length; }
  off = alignUp(off, 4);
  const shoff = off;
  const total = shoff + 40 * (1 + alloc.length + extra.length);
  const f = new Uint8Array(total);
  for (const p of parts) f.set(p.data, p.off);
  const h: number[] = [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  p16(h, 2); p16(h, 243); p32(h, 1); p32(h, entry); p32(h, 52); p32(h, shoff); p32(h, flags); p16(h, 52); p16(h, 32); p16(h, nphdr);
  p16(h, 40); p16(h, 1 + alloc.length + extra.length); p16(h, 1 + alloc.length + extra.length - 1);
  f.set(h, 0);
  // Program headers.
  const ph: number[] = [];
  const load = (secs: OutSec[], pf: number): void => {
    const start = secs[0]!, last = secs[secs.length - 1]!;
    // Segments start at their first section (ld would map the ELF headers too, below --base).
    const vaddr = start.addr, offset = fileOff.get(start)!;
    const fileEnd = Math.max(...secs.filter((o) => o.type !== SHT_NOBITS).map((o) => fileOff.get(o)! + o.size), offset);
    p32(ph, 1); p32(ph, offset); p32(ph, vaddr); p32(ph, vaddr); p32(ph, fileEnd - offset); p32(ph, last.addr + last.size - vaddr); p32(ph, pf); p32(ph, 0x1000);
  };
  if (ro.length) load(ro, 5);
  else if (rw.length === 0) { p32(ph, 1); for (let i = 0; i < 6; i++) p32(ph, 0); p32(ph, 0x1000); }
  if (rw.length) load(rw, 6);
  if (attributes) { p32(ph, SHT_RISCV_ATTRIBUTES); p32(ph, extraOff[0]!); p32(ph, 0); p32(ph, 0); p32(ph, attributes.length); p32(ph, 0); p32(ph, 4); p32(ph, 1); }
  f.set(ph, 52);
  // Section headers.
  const sh: number[] = new Array<number>(40).fill(0);
  alloc.forEach((o, i) => {
    p32(sh, nameOff[i]!); p32(sh, o.type); p32(sh, o.flags); p32(sh, o.addr); p32(sh, fileOff.get(o)!); p32(sh, o.size); p32(sh, 0); p32(sh, 0); p32(sh, o.align); p32(sh, 0);
  });
  extra.forEach((e, i) => {
    p32(sh, nameOff[alloc.length + i]!); p32(sh, e.type); p32(sh, e.flags); p32(sh, 0); p32(sh, extraOff[i]!); p32(sh, e.data.length); p32(sh, e.link ?? 0); p32(sh, e.info ?? 0); p32(sh, e.align); p32(sh, e.entsize);
  });
  f.set(sh, shoff);
  return f;
}
