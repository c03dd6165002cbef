/**
 * Completion: at the start of a statement, mnemonics (pseudo-instructions included), directives and
 * macros; in operands, registers (ABI and numeric names), CSRs and the file's labels and symbols.
 */
import { CompletionItemKind, type CompletionItem } from 'vscode-languageserver';
import { csrName, csrNumber } from '../emulator/isa/csr-names';
import { csrAccess } from './csr-docs';
import { DIRECTIVES } from './directives';
import { MNEMONICS, REGISTER_NUMBERS, mnemonicInfo, registerInfo } from './isa-docs';
import type { DocModel } from './scan';

const MNEMONIC_ITEMS: CompletionItem[] = MNEMONICS.map((m) => {
  const i = mnemonicInfo(m)!;
  const custom = i.privilege === undefined ? [] : [`Operands: ${i.operands}`, `Privilege: ${i.privilege}`, `Needs: ${i.requires}`];
  return { label: m, kind: i.kind === 'pseudo' ? CompletionItemKind.Snippet : CompletionItemKind.Keyword, detail: i.operation.replace(/`/g, ''),
    documentation: [`${i.format} · ${i.extension}`, ...i.forms, ...custom].join('\n').replace(/`/g, '') };
});
const DIRECTIVE_ITEMS: CompletionItem[] = Object.entries(DIRECTIVES).map(([d, doc]) => ({
  label: d, kind: CompletionItemKind.Keyword, detail: 'directive', documentation: doc.replace(/`/g, ''),
}));
const REGISTER_ITEMS: CompletionItem[] = [...REGISTER_NUMBERS.keys()].map((r) => ({
  label: r, kind: CompletionItemKind.Variable, detail: registerInfo(r)!.replace(/[*`]/g, ''),
  // ABI names first: they are what people write.
  sortText: `1${/^x[0-9]/.test(r) ? 'z' : 'a'}${r}`,
}));
/** Every CSR name of the default privileged spec (1.12), in number order. */
const CSR_ITEMS: CompletionItem[] = (() => {
  const out: CompletionItem[] = [];
  for (let n = 0; n < 4096; n++) {
    const name = csrName(n);
    if (name && csrNumber(name) === n) {
      out.push({ label: name, kind: CompletionItemKind.Constant, detail: `CSR 0x${n.toString(16).padStart(3, '0')}: ${csrAccess(n)}`, sortText: `2${name}` });
    }
  }
  return out;
})();

const CSR_MNEMONICS = /^(csrr|csrw|csrs|csrc|csrwi|csrsi|csrci|csrr[wsc]i?)$/;

/** Completion items for `linePrefix`, the text of the line up to the cursor. */
export function complete(model: DocModel, linePrefix: string): CompletionItem[] {
  // The current statement, without its labels.
  const stmt = linePrefix.slice(linePrefix.lastIndexOf(';') + 1).replace(/^\s*(?:(?:[A-Za-z_.$][A-Za-z0-9_.$]*|[0-9]+)\s*:\s*)*/, '');
  if (linePrefix.includes('#')) return [];
  if (/^\s*[A-Za-z_.$]*[A-Za-z0-9_.$]*$/.test(stmt)) {
    const macros: CompletionItem[] = [...model.defs.entries()].filter(([, d]) => d[0]!.def === 'macro')
      .map(([n, d]) => ({ label: n, kind: CompletionItemKind.Function, detail: `macro (line ${d[0]!.line + 1})` }));
    return stmt.trimStart().startsWith('.') ? DIRECTIVE_ITEMS : [...MNEMONIC_ITEMS, ...DIRECTIVE_ITEMS, ...macros];
  }
  const head = /^\s*([A-Za-z_.$][A-Za-z0-9_.$]*)/.exec(stmt)?.[1]?.toLowerCase() ?? '';
  const symbols: CompletionItem[] = [...model.defs.entries()].filter(([, d]) => d[0]!.def !== 'macro').map(([n, d]) => ({
    label: n, kind: d[0]!.def === 'label' ? CompletionItemKind.Reference : CompletionItemKind.Constant,
    detail: `${d[0]!.def === 'label' ? 'label' : 'symbol'} (line ${d[0]!.line + 1})`, sortText: `0${n}`,
  }));
  if (CSR_MNEMONICS.test(head)) return [...CSR_ITEMS.map((c) => ({ ...c, sortText: `0${c.label}` })), ...REGISTER_ITEMS, ...symbols];
  if (head.startsWith('.')) return symbols;
  return [...REGISTER_ITEMS, ...symbols, ...CSR_ITEMS];
}
