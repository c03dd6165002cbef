/**
 * ELF32 header, program header table and section header table, validated (System V gABI ch. 4/5).
 * Every table is bounds-checked against the file before it is read, so later reads cannot run off the end.
 */
import { ElfError } from './elf-error';
import {
  EHDR_SIZE, EI_CLASS, EI_DATA, ELF_MAGIC, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, EM_RISCV, ET_CORE, ET_DYN,
  ET_EXEC, ET_REL, hex, machineName, PHDR_SIZE, PN_XNUM, SHDR_SIZE, SHN_XINDEX,
} from './elf-format';

export interface Ehdr {
  type: number; machine: number; entry: number;
  phoff: number; phentsize: number; phnum: number;
  shoff: number; shentsize: number; shnum: number; shstrndx: number;
}

export interface Phdr {
  index: number; type: number; offset: number; vaddr: number; paddr: number;
  filesz: number; memsz: number; flags: number;
}

export interface Shdr {
  index: number; nameOff: number; type: number; flags: number; addr: number; offset: number;
  size: number; link: number; info: number; entsize: number;
}

/** Little-endian field reader over the whole file. */
export class FileView {
  private readonly dv: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number { return this.bytes.length; }
  u8(off: number): number { return this.bytes[off]!; }
  u16(off: number): number { return this.dv.getUint16(off, true); }
  u32(off: number): number { return this.dv.getUint32(off, true); }

  /** Throws a 'truncated' ElfError unless [offset, offset + size) lies inside the file. */
  need(what: string, offset: number, size: number): void {
    if (offset + size > this.length) {
      throw new ElfError('truncated', `truncated file: ${what} needs bytes ${hex(offset)}..${hex(offset + size - 1)}, ` +
        `but the file ends at offset ${hex(this.length)}; rebuild the program or copy it again`);
    }
  }
}

/** e_ident: magic, class and byte order. */
export function checkIdent(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new ElfError('not-elf', 'not an ELF file: the file is empty');
  const head = Array.from(bytes.subarray(0, 4));
  if (head.length < 4 || head.some((b, i) => b !== ELF_MAGIC[i])) {
    const seen = head.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ElfError('not-elf', `not an ELF file: it starts with bytes ${seen} instead of 7f 45 4c 46 ("\\x7fELF"); ` +
      'give vmscope the linked executable (the output of gcc/ld), not a raw binary, hex image or source file');
  }
  const cls = bytes[EI_CLASS];
  if (cls === ELFCLASS64) {
    throw new ElfError('elf64', 'is a 64-bit ELF (ELFCLASS64); vmscope runs RV32 programs: build with ' +
      '-march=rv32imac_zicsr -mabi=ilp32 (for example riscv64-unknown-elf-gcc -march=rv32imac_zicsr -mabi=ilp32)');
  }
  if (cls !== ELFCLASS32) {
    throw new ElfError(cls === undefined ? 'truncated' : 'bad-header', cls === undefined
      ? `truncated file: the ELF header needs ${EHDR_SIZE} bytes, the file has ${bytes.length}; rebuild the program or copy it again`
      : `corrupt ELF header: EI_CLASS is ${cls}, expected 1 (ELFCLASS32); rebuild the program`);
  }
  const data = bytes[EI_DATA];
  if (data === ELFDATA2MSB) {
    throw new ElfError('big-endian', 'is a big-endian ELF (ELFDATA2MSB); RISC-V programs are little-endian: ' +
      'build with a little-endian RISC-V toolchain such as riscv64-unknown-elf-gcc');
  }
  if (data !== ELFDATA2LSB) {
    throw new ElfError(data === undefined ? 'truncated' : 'bad-header', data === undefined
      ? `truncated file: the ELF header needs ${EHDR_SIZE} bytes, the file has ${bytes.length}; rebuild the program or copy it again`
      : `corrupt ELF header: EI_DATA is ${data}, expected 1 (little-endian); rebuild the program`);
  }
}

export function readEhdr(f: FileView): Ehdr {
  if (f.length < EHDR_SIZE) {
    throw new ElfError('truncated', `truncated file: the ELF header needs ${EHDR_SIZE} bytes, the file has ${f.length}; ` +
      'rebuild the program or copy it again');
  }
  const e: Ehdr = {
    type: f.u16(16), machine: f.u16(18), entry: f.u32(24), phoff: f.u32(28), shoff: f.u32(32),
    phentsize: f.u16(42), phnum: f.u16(44), shentsize: f.u16(46), shnum: f.u16(48), shstrndx: f.u16(50),
  };
  if (e.machine !== EM_RISCV) {
    throw new ElfError('wrong-machine', `is built for ${machineName(e.machine)} (e_machine ${e.machine}), not RISC-V ` +
      `(e_machine ${EM_RISCV}): compile it with a RISC-V toolchain, e.g. riscv64-unknown-elf-gcc -march=rv32imac_zicsr -mabi=ilp32`);
  }
  if (e.type !== ET_EXEC) throw new ElfError('not-exec', notExecMessage(e.type));
  return e;
}

function notExecMessage(type: number): string {
  switch (type) {
    case ET_REL:
      return 'is a relocatable object file (ET_REL), not an executable: link it first ' +
        '(e.g. riscv64-unknown-elf-gcc -march=rv32imac_zicsr -mabi=ilp32 -nostdlib -T link.ld crt0.o main.o -o prog.elf)';
    case ET_DYN:
      return 'is a position-independent executable or shared library (ET_DYN); vmscope loads static ' +
        'executables at their link addresses: link with -static -no-pie (and a linker script placing it in RAM at 0x80000000)';
    case ET_CORE:
      return 'is a core dump (ET_CORE), not a program: give vmscope the executable';
    default:
      return `has ELF type ${type}, not an executable (ET_EXEC = 2): link the program into a static executable`;
  }
}

function readShdr(f: FileView, shoff: number, index: number): Shdr {
  const o = shoff + index * SHDR_SIZE;
  return {
    index, nameOff: f.u32(o), type: f.u32(o + 4), flags: f.u32(o + 8), addr: f.u32(o + 12), offset: f.u32(o + 16),
    size: f.u32(o + 20), link: f.u32(o + 24), info: f.u32(o + 28), entsize: f.u32(o + 36),
  };
}

/**
 * The section header table (empty when e_shoff is 0), plus the real program header count and
 * section-name string table index, which ELF's extended numbering keeps in section header 0.
 */
export function readSectionHeaders(f: FileView, e: Ehdr): { shdrs: Shdr[]; phnum: number; shstrndx: number } {
  let phnum = e.phnum;
  let shstrndx = e.shstrndx;
  if (e.shoff === 0) {
    if (phnum === PN_XNUM) throw new ElfError('bad-header', 'corrupt ELF header: e_phnum is PN_XNUM but there is no section header table; rebuild the program');
    return { shdrs: [], phnum, shstrndx: 0 };
  }
  if (e.shentsize !== SHDR_SIZE) {
    throw new ElfError('bad-header', `corrupt ELF header: e_shentsize is ${e.shentsize}, ELF32 section headers are ${SHDR_SIZE} bytes; rebuild the program`);
  }
  f.need('the first section header', e.shoff, SHDR_SIZE);
  const first = readShdr(f, e.shoff, 0);
  const shnum = e.shnum === 0 ? first.size : e.shnum;
  if (phnum === PN_XNUM) phnum = first.info;
  if (shstrndx === SHN_XINDEX) shstrndx = first.link;
  f.need(`the section header table (${shnum} entries)`, e.shoff, shnum * SHDR_SIZE);
  if (shstrndx >= shnum) {
    throw new ElfError('bad-header', `corrupt ELF header: the section name table index ${shstrndx} is not below the section count ${shnum}; rebuild the program`);
  }
  const shdrs: Shdr[] = [];
  for (let i = 0; i < shnum; i++) shdrs.push(readShdr(f, e.shoff, i));
  return { shdrs, phnum, shstrndx };
}

export function readProgramHeaders(f: FileView, e: Ehdr, phnum: number): Phdr[] {
  if (phnum === 0) return [];
  if (e.phentsize !== PHDR_SIZE) {
    throw new ElfError('bad-header', `corrupt ELF header: e_phentsize is ${e.phentsize}, ELF32 program headers are ${PHDR_SIZE} bytes; rebuild the program`);
  }
  f.need(`the program header table (${phnum} entries)`, e.phoff, phnum * PHDR_SIZE);
  const out: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = e.phoff + i * PHDR_SIZE;
    out.push({
      index: i, type: f.u32(o), offset: f.u32(o + 4), vaddr: f.u32(o + 8), paddr: f.u32(o + 12),
      filesz: f.u32(o + 16), memsz: f.u32(o + 20), flags: f.u32(o + 24),
    });
  }
  return out;
}
