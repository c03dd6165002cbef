/**
 * Assembly source to a runnable ELF with no toolchain: assemble each file with our GNU-as-compatible
 * assembler and link the objects with our linker, .text at 0x80000000 (QEMU virt's RAM base) unless
 * told otherwise. Used by `vmscope as --link` and by a launch whose `program` is a .S/.s file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble, DEFAULT_MARCH } from '../emulator/asm/assembler';
import { formatAsmError } from '../emulator/asm/errors';
import { link } from '../emulator/asm/link';

/** Where .text goes when nothing else says: the RAM base of QEMU virt (and of our default machine). */
export const DEFAULT_LINK_BASE = 0x80000000;

/** Assembly sources by extension (as gcc: .S preprocessed, .s not; our assembler reads both alike). */
export function isAssemblySource(file: string): boolean {
  const ext = path.extname(file);
  return ext === '.S' || ext === '.s';
}

export interface AssembleIo {
  readFile(path: string): Uint8Array;
  /** Whether a file exists (for .include search); without it, candidates are just tried in turn. */
  exists?(path: string): boolean;
  /** The working directory, named in the -g line table as gas does. */
  cwd?: string;
}

export interface AssembleOptions {
  march?: string;
  relax?: boolean;
  /** A DWARF 5 .debug_line table (as -g). */
  debugLine?: boolean;
  includeDirs?: string[];
}

export interface AssembleResult {
  /** The relocatable object; undefined when there were errors. */
  object?: Uint8Array;
  /** Every diagnostic as `file:line:col: message`. */
  diagnostics: string[];
}

/** Assemble one file (reading it and its .include files through `io`). Never throws for bad input. */
export function assembleFile(file: string, io: AssembleIo, opts: AssembleOptions = {}): AssembleResult {
  let text: string;
  try {
    text = new TextDecoder().decode(io.readFile(file));
  } catch (e) {
    return { diagnostics: [`${file}: cannot read: ${(e as Error).message}`] };
  }
  const includeDirs = opts.includeDirs ?? [];
  // .include "f": next to the including file, then in each -I directory (as gas).
  const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
  const include = (p: string, from: string): string | undefined => {
    const candidates = p.startsWith('/') ? [p] : [dirOf(from) + p, ...includeDirs.map((d) => `${d.replace(/\/$/, '')}/${p}`)];
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
  const r = assemble(text, {
    file, march: opts.march ?? DEFAULT_MARCH, relax: opts.relax ?? true, debugLine: opts.debugLine ?? false, compDir: io.cwd, include,
  });
  return { object: r.object, diagnostics: r.errors.map(formatAsmError) };
}

export interface BuildResult {
  /** The linked executable; undefined when any file had errors or the link failed. */
  elf?: Uint8Array;
  /** Assembly errors of every file (`file:line:col: message`), then link errors. */
  errors: string[];
  warnings: string[];
}

/** Assemble every file (reporting the errors of all of them) and link the objects at `base`. */
export function assembleAndLink(files: string[], io: AssembleIo, opts: AssembleOptions & { base?: number; entry?: string } = {}): BuildResult {
  const errors: string[] = [];
  const objects: { name: string; bytes: Uint8Array }[] = [];
  for (const f of files) {
    const r = assembleFile(f, io, opts);
    errors.push(...r.diagnostics);
    if (r.object) objects.push({ name: f, bytes: r.object });
  }
  if (errors.length > 0 || objects.length !== files.length) return { errors, warnings: [] };
  const l = link(objects, { base: opts.base ?? DEFAULT_LINK_BASE, entry: opts.entry });
  return { elf: l.errors.length === 0 ? l.elf : undefined, errors: l.errors, warnings: l.warnings };
}

/** The launch path: one .S/.s file, with a line table, linked in memory at 0x80000000. */
export function assembleProgram(file: string): BuildResult {
  return assembleAndLink([file], { readFile: (p) => fs.readFileSync(p), exists: fs.existsSync, cwd: path.dirname(file) }, { debugLine: true });
}
