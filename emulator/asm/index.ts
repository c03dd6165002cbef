/**
 * The assembler and linker: GNU as 2.40 compatible RISC-V (RV32IMAC, Zicsr, Zifencei, Zicbom, H)
 * assembly text in, relocatable ELF32 objects out; objects in, an executable out. Pure TypeScript
 * (no Node built-ins). See README.md beside this file.
 */
export { assemble, DEFAULT_MARCH, type AsmOptions, type AsmResult } from './assembler';
export { formatAsmError, type AsmError } from './errors';
export { link, type LinkInput, type LinkOptions, type LinkResult } from './link';
