/**
 * `vmscope link A.o B.o -o X.elf [--base ADDR] [--defsym NAME=VALUE] [--entry SYM]`: link ELF32 RISC-V
 * objects into an executable laid out as GNU ld's default script (without linker relaxation, as
 * `ld --no-relax`; --base ADDR places .text as `-Ttext ADDR`).
 */
import { link } from '../../emulator/asm/link';
import { EXIT } from './exit-codes';

export interface LinkIo {
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  out(s: string): void;
  err(s: string): void;
}

export const LINK_USAGE = 'usage: vmscope link FILE.o... [-o FILE.elf] [--base ADDR] [--defsym NAME=VALUE] [--entry SYMBOL]';

const num = (s: string): number | undefined => (/^(0x[0-9a-f_]+|[0-9_]+)$/i.test(s) ? Number(s.replace(/_/g, '')) : undefined);

export function linkCommand(args: string[], io: LinkIo): number {
  const inputs: string[] = [];
  let output = 'a.out', base: number | undefined, entry: string | undefined;
  const defsym: Record<string, number> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => {
      const eq = a.indexOf('=');
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      return args[++i];
    };
    const name = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (name === '-o') {
      const v = args[++i];
      if (v === undefined) { io.err(`vmscope link: -o needs a file name\n${LINK_USAGE}`); return EXIT.usage; }
      output = v;
    } else if (name === '--base' || name === '-Ttext') {
      const v = value();
      const n = v === undefined ? undefined : num(v);
      if (n === undefined || n < 0 || n > 0xffffffff) { io.err(`vmscope link: --base wants an address like 0x80000000, got '${v ?? ''}'`); return EXIT.usage; }
      base = n;
    } else if (name === '--defsym') {
      const v = value() ?? '';
      const m = /^([A-Za-z_.$][A-Za-z0-9_.$]*)=(.*)$/.exec(v);
      const n = m ? num(m[2]!) : undefined;
      if (!m || n === undefined) { io.err(`vmscope link: --defsym wants NAME=VALUE, got '${v}'`); return EXIT.usage; }
      defsym[m[1]!] = n;
    } else if (name === '--entry' || name === '-e') {
      entry = value();
      if (entry === undefined) { io.err(`vmscope link: --entry needs a symbol\n${LINK_USAGE}`); return EXIT.usage; }
    } else if (a.startsWith('-')) { io.err(`vmscope link: unknown option '${a}'\n${LINK_USAGE}`); return EXIT.usage; }
    else inputs.push(a);
  }
  if (inputs.length === 0) { io.err(LINK_USAGE); return EXIT.usage; }
  const files = [];
  for (const p of inputs) {
    try {
      files.push({ name: p, bytes: io.readFile(p) });
    } catch (e) {
      io.err(`vmscope link: cannot read '${p}': ${(e as Error).message}`);
      return EXIT.noInput;
    }
  }
  const r = link(files, { base, defsym, entry });
  for (const w of r.warnings) io.err(`vmscope link: warning: ${w}`);
  for (const e of r.errors) io.err(`vmscope link: ${e}`);
  if (!r.elf) return 1;
  try {
    io.writeFile(output, r.elf);
  } catch (e) {
    io.err(`vmscope link: cannot write '${output}': ${(e as Error).message}`);
    return EXIT.cantCreate;
  }
  return 0;
}
