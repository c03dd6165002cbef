/**
 * `vmscope as FILE.S -o FILE.o [-march=ISA] [-mno-relax|-mrelax]`: assemble as riscv64-unknown-elf-as
 * (binutils 2.40) does, into a relocatable ELF32 object. Every error is reported (file:line:column).
 */
import { assemble, DEFAULT_MARCH } from '../../emulator/asm/assembler';
import { formatAsmError } from '../../emulator/asm/errors';
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

export const AS_USAGE = `usage: vmscope as FILE.S [-o FILE.o] [-march=ISA] [-mabi=ilp32] [-mrelax|-mno-relax]
  -march=ISA    instruction set (default ${DEFAULT_MARCH})
  -mno-relax    no R_RISCV_RELAX/R_RISCV_ALIGN (as .option norelax)
  -I DIR        also look for .include files in DIR
  -g, --gdwarf-5  a DWARF 5 .debug_line table for source-level stepping`;

/** Exit code 1 for assembly errors, as GNU as. */
const EXIT_ASM_ERRORS = 1;

export function asCommand(args: string[], io: AsIo): number {
  let input: string | undefined, output = 'a.out', march = DEFAULT_MARCH, relax = true, debugLine = false;
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
    else if (a.startsWith('-') && a !== '-') { io.err(`vmscope as: unknown option '${a}'\n${AS_USAGE}`); return EXIT.usage; }
    else if (input === undefined) input = a;
    else { io.err(`vmscope as: more than one input file ('${input}', '${a}')\n${AS_USAGE}`); return EXIT.usage; }
  }
  if (input === undefined) { io.err(AS_USAGE); return EXIT.usage; }
  let text: string;
  try {
    text = new TextDecoder().decode(io.readFile(input));
  } catch (e) {
    io.err(`vmscope as: cannot read '${input}': ${(e as Error).message}`);
    return EXIT.noInput;
  }
  // .include "f": next to the including file, then in each -I directory (as gas).
  const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
  const include = (path: string, from: string): string | undefined => {
    const candidates = path.startsWith('/') ? [path] : [dirOf(from) + path, ...includeDirs.map((d) => `${d.replace(/\/$/, '')}/${path}`)];
    for (const c of candidates) {
      if (io.exists && !io.exists(c)) continue;
      try {
        return new TextDecoder().decode(io.readFile(c));
      } catch {
        continue;
      }
    }
    return undefined;
  };
  const r = assemble(text, { file: input, march, relax, debugLine, compDir: io.cwd, include });
  for (const e of r.errors) io.err(formatAsmError(e));
  if (!r.object) return EXIT_ASM_ERRORS;
  try {
    io.writeFile(output, r.object);
  } catch (e) {
    io.err(`vmscope as: cannot write '${output}': ${(e as Error).message}`);
    return EXIT.cantCreate;
  }
  return 0;
}
