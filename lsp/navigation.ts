/** Go to definition, find references, rename and the outline, for labels, `.equ`/`.set` symbols and macros. */
import { SymbolKind, type DocumentSymbol, type Location, type Range, type TextEdit } from 'vscode-languageserver';
import { resolveLocal, type DocModel, type Tok } from './scan';

const range = (t: Tok): Range => ({ start: { line: t.line, character: t.start }, end: { line: t.line, character: t.end } });
const NAMED: ReadonlySet<string> = new Set(['label', 'symbol', 'macro']);

/** Tokens that name a symbol `name` (definitions and uses). */
function occurrences(model: DocModel, name: string): Tok[] {
  return model.tokens.filter((t) => NAMED.has(t.kind) && t.text === name);
}

/** The definitions `tok` refers to (several for a `.set` symbol assigned more than once). */
export function definition(model: DocModel, tok: Tok): Range[] {
  if (tok.kind === 'localRef') {
    const l = resolveLocal(model, tok);
    return l ? [range(l.tok)] : [];
  }
  if (tok.kind === 'localLabel') return [range(tok)];
  if (!NAMED.has(tok.kind)) return [];
  return (model.defs.get(tok.text) ?? []).map(range);
}

export function references(model: DocModel, tok: Tok, includeDeclaration: boolean, uri: string): Location[] {
  let toks: Tok[];
  if (tok.kind === 'localRef' || tok.kind === 'localLabel') {
    const def = tok.kind === 'localLabel' ? tok : resolveLocal(model, tok)?.tok;
    if (!def) return [];
    toks = model.tokens.filter((t) => t.kind === 'localRef' && resolveLocal(model, t)?.tok === def);
    if (includeDeclaration) toks.unshift(def);
  } else if (NAMED.has(tok.kind)) {
    toks = occurrences(model, tok.text).filter((t) => includeDeclaration || !t.def);
  } else return [];
  return toks.map((t) => ({ uri, range: range(t) }));
}

/** The range to rename at `tok`, or an explanation why it cannot be renamed. */
export function prepareRename(model: DocModel, tok: Tok): Range | string {
  if (!NAMED.has(tok.kind)) return 'Only labels, .equ/.set symbols and macros can be renamed.';
  if (!model.defs.has(tok.text)) return `'${tok.text}' is not defined in this file.`;
  return range(tok);
}

export function rename(model: DocModel, tok: Tok, newName: string): TextEdit[] | string {
  const why = prepareRename(model, tok);
  if (typeof why === 'string') return why;
  if (!/^[A-Za-z_.$][A-Za-z0-9_.$]*$/.test(newName)) return `'${newName}' is not a valid symbol name.`;
  if (model.defs.has(newName)) return `'${newName}' is already defined in this file.`;
  return occurrences(model, tok.text).map((t) => ({ range: range(t), newText: newName }));
}

/** The outline: labels (each spanning to the next label), symbols and macros. */
export function documentSymbols(model: DocModel): DocumentSymbol[] {
  const defs = [...model.defs.values()].flat().sort((a, b) => a.line - b.line || a.start - b.start);
  const labels = defs.filter((d) => d.def === 'label');
  return defs.map((d) => {
    let end = { line: d.line, character: d.end };
    if (d.def === 'label') {
      const next = labels[labels.indexOf(d) + 1];
      const last = next ? Math.max(d.line, next.line - 1) : model.lineCount - 1;
      end = { line: last, character: last === d.line ? d.end : 0 };
    }
    const kind = d.def === 'label' ? SymbolKind.Function : d.def === 'macro' ? SymbolKind.Method : SymbolKind.Constant;
    return { name: d.text, kind, detail: d.def === 'equ' ? 'symbol' : d.def, range: { start: { line: d.line, character: d.start }, end }, selectionRange: range(d) };
  });
}
