/**
 * `vmscope as FILE.S -o FILE.o [-march=ISA] [-mno-relax|-mrelax]`: assemble as riscv64-unknown-elf-as
 * (binutils 2.40) does, into a relocatable ELF32 object. Every error is reported (file:line:column).
 * `vmscope as A.S B.S --link -o X.elf [--base ADDR]`: assemble every file and link them with our
 * linker (.text at 0x80000000 unless --base says otherwise), so no toolchain is needed at all.
 */
import { DEFAULT_MARCH } from '../../emulator/asm/assembler';
import { assembleAndLink, assembleFile, DEFAULT_LINK_BASE } from '../assemble-program';
import { EXIT } from './exit-codes';

export interface AsIo {
  /** Whether a file exists (for .include search); without it, .include reads only next to the source. */
  exists?(path: string): boolean;
  /** The working directory, named in the -g line table as gas does. */
  cwd?: string;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  out(s: string): void;
  err(s: string): void;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export const AS_USAGE = `usage: vmscope as FILE.S [-o FILE.o] [-march=ISA] [-mabi=ilp32] [-mrelax|-mno-relax]
       vmscope as FILE.S [MORE.S...] --link [-o FILE.elf] [--base ADDR] [options as above]
  -march=ISA    instruction set (default ${DEFAULT_MARCH})
  -mno-relax    no R_RISCV_RELAX/R_RISCV_ALIGN (as .option norelax)
  -I DIR        also look for .include files in DIR
  -g, --gdwarf-5  a DWARF 5 .debug_line table for source-level stepping
  --link        assemble every FILE.S and link them into an executable (as 'vmscope link')
  --base ADDR   with --link: address of .text (default ${hex(DEFAULT_LINK_BASE)}, QEMU virt's RAM base;
                there are no linker scripts)`;

/** Exit code 1 for assembly errors, as GNU as. */
const EXIT_ASM_ERRORS = 1;

const num = (s: string): number | undefined => (/^(0x[0-9a-f_]+|[0-9_]+)$/i.test(s) ? Number(s.replace(/_/g, '')) : undefined);

export function asCommand(args: string[], io: AsIo): number {
  let output: string | undefined, march = DEFAULT_MARCH, relax = true, debugLine = false, linkToo = false;
  let base: number | undefined;
  const inputs: string[] = [];
  const includeDirs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o') {
      const v = args[++i];
      if (v === undefined) { io.err(`vmscope as: -o needs a file name\n${AS_USAGE}`); return EXIT.usage; }
      output = v;
    } else if (a.startsWith('-march=')) march = a.slice(7);
    else if (a.startsWith('-mabi=')) {
      if (a !== '-mabi=ilp32') { io.err(`vmscope as: only -mabi=ilp32 is supported (got '${a.slice(6)}')`); return EXIT.usage; }
    } else if (a === '-mno-relax') relax = false;
    else if (a === '-mrelax') relax = true;
    else if (a === '-I') {
      const v = args[++i];
      if (v === undefined) { io.err(`vmscope as: -I needs a directory\n${AS_USAGE}`); return EXIT.usage; }
      includeDirs.push(v);
    } else if (a.startsWith('-I')) includeDirs.push(a.slice(2));
    else if (a === '-g' || a === '--gdwarf-5' || a === '-gdwarf-5') debugLine = true;
    else if (a === '--link') linkToo = true;
    else if (a === '--base' || a.startsWith('--base=')) {
      const v = a === '--base' ? args[++i] : a.slice(7);
      const n = v === undefined ? undefined : num(v);
      if (n === undefined || n > 0xffffffff) { io.err(`vmscope as: --base wants an address like 0x80000000, got '${v ?? ''}'`); return EXIT.usage; }
      base = n;
    } else if (a.startsWith('-') && a !== '-') { io.err(`vmscope as: unknown option '${a}'\n${AS_USAGE}`); return EXIT.usage; }
    else inputs.push(a);
  }
  if (inputs.length === 0) { io.err(AS_USAGE); return EXIT.usage; }
  if (!linkToo && inputs.length > 1) { io.err(`vmscope as: more than one input file ('${inputs[0]}', '${inputs[1]}'); add --link to assemble and link them\n${AS_USAGE}`); return EXIT.usage; }
  if (!linkToo && base !== undefined) { io.err(`vmscope as: --base only goes with --link\n${AS_USAGE}`); return EXIT.usage; }
  for (const f of inputs) {
    try {
      io.readFile(f);
    } catch (e) {
      io.err(`vmscope as: cannot read '${f}': ${(e as Error).message}`);
      return EXIT.noInput;
    }
  }
  const opts = { march, relax, debugLine, includeDirs };
  let result: Uint8Array;
  if (linkToo) {
    const r = assembleAndLink(inputs, io, { ...opts, base });
    for (const w of r.warnings) io.err(`vmscope as: warning: ${w}`);
    if (!r.elf) {
      const linkFailed = r.errors.length > 0 && !r.errors.some((e) => /^.+:\d+:\d+: /.test(e));
      for (const e of r.errors) io.err(linkFailed ? `vmscope as: link: ${e}` : e);
      return EXIT_ASM_ERRORS;
    }
    result = r.elf;
  } else {
    const r = assembleFile(inputs[0]!, io, opts);
    for (const e of r.diagnostics) io.err(e);
    if (!r.object) return EXIT_ASM_ERRORS;
    result = r.object;
  }
  const out = output ?? 'a.out';
  try {
    io.writeFile(out, result);
  } catch (e) {
    io.err(`vmscope as: cannot write '${out}': ${(e as Error).message}`);
    return EXIT.cantCreate;
  }
  return 0;
}
