/**
 * One run of the real assembler over a document: its errors as LSP diagnostics (the assembler gives a
 * line and column; the range comes from the scanner's token there) and where each label landed
 * (section + offset from the object's symbol table; the absolute address by linking the object at
 * ld's default base, done only when someone asks).
 */
import { Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';
import { assemble, link, type AsmError } from '../emulator/asm/index';
import { elfSymbols } from './elf-symbols';
import type { DocModel } from './scan';

export interface LabelPlace { section: string; offset: number }

export interface Analysis {
  diagnostics: Diagnostic[];
  /** The object, or (when the file has errors) that of the file with its erroneous lines left out. */
  object?: Uint8Array;
  /** True when `object` comes from the file without its erroneous lines. */
  approximate: boolean;
  /** Section and offset of each label and the value of each absolute `.equ` symbol (section '*ABS*'). */
  places: Map<string, LabelPlace>;
  /** The `.L` labels named by aliases, by alias number. */
  aliases: string[];
  /** Absolute addresses after linking at the default base (computed on first use). */
  absolute?: Map<string, number> | string;
  /** What was assembled (the document and the aliases) and how, for `places()`. */
  source: string;
  opts: AnalyzeOptions;
  placed?: boolean;
}

export interface AnalyzeOptions {
  file: string;
  march?: string;
  include?: (path: string, from: string) => string | undefined;
}

/** The prefix of the aliases that give `.L` labels (dropped from the symbol table) a visible name. */
const ALIAS = '__vmscope_lsp_';

/**
 * Assemble for diagnostics: the hot path while typing, so nothing else runs here (no scan; the error
 * ranges come from the text around each error's column). Places come later, from `places()`.
 */
export function analyze(text: string, opts: AnalyzeOptions): Analysis {
  const r = assemble(text, { file: opts.file, march: opts.march, include: opts.include });
  const lines = r.errors.length > 0 ? text.split('\n') : [];
  const diagnostics = r.errors.map((e) => toDiagnostic(e, opts.file, lines));
  return { diagnostics, object: r.object, approximate: false, places: new Map(), aliases: [], source: text, opts };
}

/**
 * Fill in `places`: from the object, or else from the file assembled without its erroneous lines.
 * `.L` labels never reach the symbol table: each gets an alias appended after the source, so that its
 * place can be read back (appended lines come after every real line, so positions hold).
 */
export function places(a: Analysis, model: DocModel): Map<string, LabelPlace> {
  if (a.placed) return a.places;
  a.placed = true;
  a.aliases = [...model.defs.entries()].filter(([n, d]) => n.startsWith('.L') && d.length === 1 && d[0]!.def === 'label').map(([n]) => n);
  let src = a.source + a.aliases.map((n, k) => `\n.set ${ALIAS}${k}, ${n}`).join('');
  let object = a.diagnostics.length === 0 && a.aliases.length === 0 ? a.object : undefined;
  for (let attempt = 0; !object && attempt < 4; attempt++) {
    const r = assemble(src, { file: a.opts.file, march: a.opts.march, include: a.opts.include });
    if (r.object) { object = r.object; a.approximate = a.diagnostics.length > 0; break; }
    const bad = new Set(r.errors.filter((e) => e.file === a.opts.file).map((e) => e.line - 1));
    if (bad.size === 0) break;
    src = src.split('\n').map((l, i) => (bad.has(i) ? '' : l)).join('\n');
  }
  a.object = object;
  if (!object) return a.places;
  for (const s of elfSymbols(object)) {
    if (s.section === '*UND*') continue;
    const name = s.name.startsWith(ALIAS) ? a.aliases[Number(s.name.slice(ALIAS.length))] : s.name;
    if (name !== undefined && !name.startsWith('$')) a.places.set(name, { section: s.section, offset: s.value });
  }
  return a.places;
}

/** Absolute addresses of the labels once linked (undefined symbols resolved to 0), or why not. */
export function absoluteAddresses(a: Analysis, model: DocModel): Map<string, number> | string {
  if (a.absolute !== undefined) return a.absolute;
  places(a, model);
  if (!a.object) return (a.absolute = 'the file has errors');
  const defsym: Record<string, number> = {};
  for (const s of elfSymbols(a.object)) if (s.section === '*UND*') defsym[s.name] = 0;
  const l = link([{ name: 'document.o', bytes: a.object }], { defsym });
  if (!l.elf) return (a.absolute = l.errors.join('; ') || 'the linker failed');
  const map = new Map<string, number>();
  for (const s of elfSymbols(l.elf)) {
    if (s.section === '*UND*' || s.name in defsym) continue;
    const name = s.name.startsWith(ALIAS) ? a.aliases[Number(s.name.slice(ALIAS.length))] : s.name;
    if (name !== undefined) map.set(name, s.value);
  }
  return (a.absolute = map);
}

function toDiagnostic(e: AsmError, file: string, lines: string[]): Diagnostic {
  let range: Range;
  let message = e.message;
  if (e.file !== file) {
    // An error inside an included file: show it on the .include line that brought the file in.
    const quoted = `"${e.file}"`;
    const line = lines.findIndex((l) => /^\s*\.include\b/.test(l) && l.includes(quoted));
    range = line >= 0 ? { start: { line, character: lines[line]!.indexOf(quoted) }, end: { line, character: lines[line]!.indexOf(quoted) + quoted.length } }
      : lineRange(lines, 0);
    message = `${e.file}:${e.line}:${e.column}: ${e.message}`;
  } else if (e.line <= 0) {
    range = lineRange(lines, 0);
  } else {
    range = wordRange(lines, e.line - 1, Math.max(0, e.column - 1));
  }
  return Diagnostic.create(range, message, DiagnosticSeverity.Error, undefined, 'vmscope as');
}

const text = (lines: string[], line: number): string => (lines[line] ?? '').replace(/\r$/, '');

function lineRange(lines: string[], line: number): Range {
  const s = text(lines, line);
  const first = s.length - s.trimStart().length;
  return { start: { line, character: first }, end: { line, character: Math.max(first + 1, s.trimEnd().length) } };
}

/** The word at the error's column (identifier, number, string or %reloc), else the last character before it. */
function wordRange(lines: string[], line: number, col: number): Range {
  const s = text(lines, line);
  const m = /^(?:%?[A-Za-z0-9_.$]+|"(?:\\.|[^"\\])*"?|'\\?.'?)/.exec(s.slice(col));
  if (m) return { start: { line, character: col }, end: { line, character: col + m[0].length } };
  const end = s.trimEnd().length;
  if (col >= end) return { start: { line, character: Math.max(0, end - 1) }, end: { line, character: Math.max(1, end) } };
  return { start: { line, character: col }, end: { line, character: col + 1 } };
}
