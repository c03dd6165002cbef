/** ELF32 constants and layouts (System V gABI, "ELF-64 Object File Format" / elf.h names). */

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"

export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;

export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

export const EM_RISCV = 243;

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHF_ALLOC = 0x2;
/** e_phnum escape: the real count is in section header 0's sh_info. */
export const PN_XNUM = 0xffff;
/** e_shstrndx escape: the real index is in section header 0's sh_link. */
export const SHN_XINDEX = 0xffff;
export const SHN_LORESERVE = 0xff00;

/** Sizes of the ELF32 structures. */
export const EHDR_SIZE = 52;
export const PHDR_SIZE = 32;
export const SHDR_SIZE = 40;
export const SYM_SIZE = 16;

/** Machines someone might plausibly hand us by mistake (elf.h EM_*), for error messages. */
const MACHINES: Readonly<Record<number, string>> = {
  0: 'no machine (EM_NONE)', 2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64',
  22: 'S/390', 40: 'ARM (32-bit)', 42: 'SuperH', 50: 'IA-64', 62: 'x86-64', 83: 'AVR', 93: 'ARC',
  94: 'Xtensa', 105: 'MSP430', 183: 'AArch64', 190: 'CUDA', 224: 'AMD GPU', 243: 'RISC-V',
  247: 'BPF', 252: 'C-SKY', 258: 'LoongArch',
};

export function machineName(em: number): string {
  return MACHINES[em] ?? 'an unknown machine';
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** "R-X" style segment permissions. */
export function flagString(flags: number): string {
  return (flags & PF_R ? 'R' : '-') + (flags & PF_W ? 'W' : '-') + (flags & PF_X ? 'X' : '-');
}
