/**
 * `vmscope objdump FILE`: the listing `riscv64-unknown-elf-objdump -d FILE` (binutils 2.40) prints for
 * an ELF32 RISC-V file: executable sections split at symbols, objdump's symbol choice for addresses,
 * skipped runs of zeroes (`...`), data regions marked by `$d` mapping symbols, and the ISA from the
 * Tag_RISCV_arch attribute and `$x<isa>` mapping symbols (RISC-V ELF psABI, "Mapping Symbol").
 */
import { privSpecFromAttributes } from '../../emulator/isa/csr-names';
import { decode, insnLength } from '../../emulator/isa/decode';
import { disassembleIn, newContext, type DisasmContext } from '../../emulator/isa/disasm';
import { isaExtensions } from '../../emulator/isa/isa-string';
import {
  ElfFormatError, readElfSections, SHF_EXECINSTR, SHN_ABS, SHN_COMMON, SHN_UNDEF, SHT_NOBITS, STB_LOCAL, STT_FILE,
  STT_FUNC, STT_OBJECT, STT_SECTION, type ElfSection, type ElfSections, type ElfSymbol,
} from './elf-sections';
import { EXIT } from './exit-codes';

export interface ObjdumpIo {
  readFile(path: string): Uint8Array;
  out(s: string): void;
  err(s: string): void;
}

const USAGE = 'usage: vmscope objdump [-d] FILE.elf';
/** binutils objdump.c: zero runs this long are elided; shorter runs at a region's end are too. */
const SKIP_ZEROES = 8;
const SKIP_ZEROES_AT_END = 3;
/** Without a Tag_RISCV_arch attribute binutils 2.40 disassembles for its default "rv64gc". */
const DEFAULT_ARCH = 'rv64gc';

export function objdumpCommand(args: string[], io: ObjdumpIo): number {
  const files = args.filter((a) => a !== '-d');
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    io.err(USAGE);
    return EXIT.usage;
  }
  const path = files[0]!;
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path);
  } catch (e) {
    io.err(`vmscope objdump: cannot read '${path}': ${(e as Error).message}`);
    return EXIT.noInput;
  }
  let elf: ElfSections;
  try {
    elf = readElfSections(bytes);
  } catch (e) {
    if (!(e instanceof ElfFormatError)) throw e;
    io.err(`vmscope objdump: ${path}: ${e.message}`);
    return EXIT.badElf;
  }
  io.out(listing(path, elf));
  return 0;
}

/** objdump.c sanitize_string: control characters in names print as ^X. */
const sanitize = (s: string): string => {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 ? `^${String.fromCharCode(c + 0x40)}` : c === 0x7f ? '^?' : ch;
  }
  return out;
};
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const hex = (n: number): string => (n >>> 0).toString(16);
const isMapping = (name: string): boolean => name === '$x' || name === '$d' || name.startsWith('$xrv');
/** riscv-dis.c riscv_symbol_is_valid: mapping symbols and the assembler's fake labels never name code. */
const isValid = (s: ElfSymbol): boolean => !isMapping(s.name) && s.name !== '.L0 ';

/** objdump.c compare_symbols: by address, section, then the more useful name first. */
function compareSymbols(a: ElfSymbol, b: ElfSymbol): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  // BFD compares section pointers: the static absolute section sorts before the file's own sections.
  const sec = (s: ElfSymbol): number => (s.shndx === SHN_ABS ? -1 : s.shndx);
  if (sec(a) !== sec(b)) return sec(a) < sec(b) ? -1 : 1;
  const fileLike = (s: ElfSymbol): boolean => /\.[oa]$/.test(s.name);
  const keys = (s: ElfSymbol): number[] => [fileLike(s) ? 1 : 0, s.type === STT_FUNC ? 0 : 1,
    s.bind === STB_LOCAL ? 1 : 0, s.bind === 1 ? 0 : 1];
  const ka = keys(a), kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
  if (a.size !== b.size) return a.size > b.size ? -1 : 1;
  if (a.name.startsWith('.') !== b.name.startsWith('.')) return a.name.startsWith('.') ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

class Listing {
  private readonly syms: ElfSymbol[];
  private readonly relocatable: boolean;
  private sec!: ElfSection;
  private out = '';
  /** objdump keeps the last instruction's bytes_per_chunk (and little-endian display) for data dumps. */
  private chunk = 0;

  constructor(private readonly elf: ElfSections) {
    // objdump.c remove_useless_symbols: no unnamed, section, file, undefined or common symbols.
    this.syms = elf.symbols.filter((s) => s.name !== '' && s.type !== STT_SECTION && s.type !== STT_FILE &&
      s.shndx !== SHN_UNDEF && s.shndx !== SHN_COMMON).sort(compareSymbols);
    this.relocatable = elf.type === 1;
  }

  /** objdump.c find_symbol_for_address: returns [symbol index or -1]. */
  find(vma: number, requireSec: boolean): number {
    const syms = this.syms, sec = this.sec;
    if (syms.length === 0) return -1;
    let lo = 0, hi = syms.length;
    while (lo + 1 < hi) {
      const mid = (lo + hi) >> 1;
      if (syms[mid]!.value > vma) hi = mid;
      else if (syms[mid]!.value < vma) lo = mid;
      else { lo = mid; break; }
    }
    let place = lo;
    while (place > 0 && syms[place]!.value === syms[place - 1]!.value) place--;
    for (let i = place; i < hi && syms[i]!.value === syms[place]!.value; i++) {
      if (syms[i]!.shndx === sec.index && isValid(syms[i]!)) return i;
    }
    const want = requireSec || (this.relocatable && vma >= sec.addr && vma < sec.addr + sec.size);
    const ok = (s: ElfSymbol): boolean => (s.shndx === sec.index || !want) && isValid(s);
    if (ok(syms[place]!)) return place;
    let best = -1;
    for (let i = place - 1; i >= 0; i--) {
      if (!ok(syms[i]!)) continue;
      if (best >= 0 && syms[i]!.value !== syms[best]!.value) break;
      best = i;
    }
    if (best < 0) for (let i = place + 1; i < syms.length; i++) if (ok(syms[i]!)) { best = i; break; }
    return best;
  }

  /** objdump.c objdump_print_addr_with_sym. */
  withSym(vma: number, symIndex: number, skipZeroes: boolean): string {
    const v = skipZeroes ? hex(vma) : hex8(vma);
    const base = symIndex >= 0 ? this.syms[symIndex]!.value : this.sec.addr;
    const name = sanitize(symIndex >= 0 ? this.syms[symIndex]!.name : this.sec.name);
    const off = vma < base ? `-0x${hex(base - vma)}` : vma > base ? `+0x${hex(vma - base)}` : '';
    return `${v} <${name}${off}>`;
  }

  run(path: string): string {
    this.out = `\n${path}:     file format elf32-littleriscv\n\n`;
    const ctx = newContext({
      formatAddress: (a) => (this.syms.length === 0 ? `0x${hex(a)}` : this.withSym(a, this.find(a, false), true)),
    });
    const gp = this.syms.find((s) => s.name === '__global_pointer$');
    if (gp) ctx.gp = gp.value;
    if (this.elf.privSpec) ctx.priv = privSpecFromAttributes(...this.elf.privSpec);
    const defaultExts = isaExtensions(this.elf.arch ?? DEFAULT_ARCH);
    for (const sec of this.elf.sections) {
      if (!(sec.flags & SHF_EXECINSTR) || sec.type === SHT_NOBITS || sec.size === 0) continue;
      this.sec = sec;
      this.section(ctx, defaultExts);
    }
    return this.out;
  }

  /** objdump.c disassemble_section: one block per symbol. */
  private section(ctx: DisasmContext, defaultExts: Set<string>): void {
    const sec = this.sec;
    this.out += `\nDisassembly of section ${sec.name}:\n`;
    const maps = this.elf.symbols.filter((s) => s.shndx === sec.index && isMapping(s.name))
      .sort((a, b) => a.value - b.value);
    const state = { exts: defaultExts, data: false, next: 0 };
    const end = sec.size;
    let offset = 0;
    let sym = this.find(sec.addr, true);
    let place = sym;
    while (offset < end) {
      const addr = sec.addr + offset;
      this.out += `\n${this.withSym(addr, sym, false)}:\n`;
      let next = -1;
      if (sym >= 0 && this.syms[sym]!.value > addr) next = sym;
      else if (sym >= 0) {
        const cur = this.syms[sym]!.value;
        while (place < this.syms.length && !(this.syms[place]!.shndx === sec.index &&
          this.syms[place]!.value > cur && isValid(this.syms[place]!))) place++;
        next = place < this.syms.length ? place : -1;
      }
      let stop = next >= 0 ? this.syms[next]!.value - sec.addr : end;
      if (stop > end || stop <= offset) stop = end;
      // An STT_OBJECT symbol's bytes are dumped, not disassembled (objdump.c disassemble_section).
      const s = sym >= 0 ? this.syms[sym]! : undefined;
      const insns = !s || s.shndx !== sec.index || s.value > addr || s.type !== STT_OBJECT ||
        /gnu_compiled|gcc2_compiled/.test(s.name);
      this.bytes(ctx, offset, stop, maps, state, insns);
      offset = stop;
      sym = next;
    }
  }

  /** A hex + ASCII line of an object's bytes in a code section (objdump.c disassemble_bytes, !insns). */
  private dump(addrText: string, off: number, n: number): number {
    const b = this.sec.bytes, bpc = this.chunk || 1;
    let line = `${addrText}:\t`;
    for (let j = off; j < off + n; j += bpc) {
      for (let k = 0; k < bpc; k++) line += (b[j + (this.chunk ? bpc - 1 - k : k)] ?? 0).toString(16).padStart(2, '0');
      line += ' ';
    }
    for (let pb = n; pb < 16; pb += bpc) line += ' '.repeat(2 * bpc + 1);
    let ascii = '';
    for (let j = off; j < off + n; j++) ascii += b[j]! >= 0x20 && b[j]! < 0x7f ? String.fromCharCode(b[j]!) : '.';
    this.out += `${line}    ${ascii}\n`;
    return n;
  }

  /** objdump.c disassemble_bytes + riscv-dis.c print_insn_riscv for one block. */
  private bytes(ctx: DisasmContext, from: number, stop: number, maps: ElfSymbol[],
    state: { exts: Set<string>; data: boolean; next: number }, insns: boolean): void {
    const sec = this.sec, b = sec.bytes;
    const last = hex8(sec.addr + sec.size);
    let skip = 0;
    while (last[skip] === '0') skip++;
    skip = skip === 8 && sec.addr !== 0 ? 0 : skip === 0 ? 0 : (skip - 1) & ~3;
    for (let off = from; off < stop;) {
      let z = off;
      while (z < stop && b[z] === 0) z++;
      if (z - off >= SKIP_ZEROES || (z === stop && z - off < SKIP_ZEROES_AT_END)) {
        this.out += '\t...\n';
        off = z === stop ? z : off + ((z - off) & ~3);
        continue;
      }
      const addr = sec.addr + off;
      const addrText = hex8(addr).slice(skip).replace(/^0+(?=.)/, (m) => ' '.repeat(m.length));
      if (!insns) {
        off += this.dump(addrText, off, Math.min(16, stop - off));
        continue;
      }
      // Mapping symbols up to this address set code/data and the ISA (riscv-dis.c riscv_update_map_state).
      while (state.next < maps.length && maps[state.next]!.value <= addr) {
        const name = maps[state.next++]!.name;
        state.data = name === '$d';
        if (name.startsWith('$xrv')) state.exts = isaExtensions(name.slice(2).replace(/\.\d+$/, ''));
      }
      let len: number, text: string;
      if (state.data) {
        const nextMap = maps.slice(state.next).find((m) => m.value > addr);
        len = Math.min(4, (nextMap ? nextMap.value : sec.addr + sec.size) - addr, stop - off);
        if (len === 3) len = 2;
        let v = 0;
        for (let i = len - 1; i >= 0; i--) v = v * 256 + b[off + i]!;
        text = `${['', '.byte', '.short', '', '.word'][len]!}\t0x${hex(v).padStart(len * 2, '0')}`;
      } else {
        const lo = b[off]! | ((b[off + 1] ?? 0) << 8);
        len = insnLength(lo);
        const raw = len === 2 ? lo : (lo | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
        ctx.exts = state.exts;
        text = disassembleIn(decode(raw), addr, ctx).replace(' ', '\t');
      }
      let rawHex = '';
      for (let i = len - 1; i >= 0; i--) rawHex += b[off + i]!.toString(16).padStart(2, '0');
      // Raw bytes as one chunk, padded to 8 octets: 2 columns per byte and 1 per chunk (objdump.c).
      const chunks = len === 1 ? 6 : Math.ceil(8 / len);
      const pad = ' '.repeat((chunks - 1) * (2 * len + 1));
      this.out += `${addrText}:\t${rawHex} ${pad}\t${text}\n`;
      this.chunk = len;
      off += len;
    }
  }
}

function listing(path: string, elf: ElfSections): string {
  return new Listing(elf).run(path);
}
