/** Semantic tokens: the scanner's roles mapped onto LSP's standard token types (LSP 3.17, "Semantic Tokens"). */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { DocModel, TokKind } from './scan';

const TYPES = ['keyword', 'macro', 'function', 'variable', 'property', 'label', 'number', 'string', 'comment', 'operator', 'parameter', 'namespace'] as const;
const MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_OF: Partial<Record<TokKind, (typeof TYPES)[number]>> = {
  mnemonic: 'keyword', directive: 'macro', macro: 'function', register: 'variable', csr: 'property', label: 'label',
  localLabel: 'label', localRef: 'label', number: 'number', string: 'string', comment: 'comment', reloc: 'operator',
  keyword: 'keyword', macroParam: 'parameter', section: 'namespace',
};

export function semanticTokens(model: DocModel): SemanticTokens {
  const data: number[] = [];
  let pl = 0, pc = 0;
  const sorted = [...model.tokens].sort((a, b) => a.line - b.line || a.start - b.start);
  for (const t of sorted) {
    let type = TYPE_OF[t.kind];
    let mods = 0;
    if (t.kind === 'symbol') {
      const def = model.defs.get(t.text)?.[0]?.def;
      type = def === 'macro' ? 'function' : def === 'equ' ? 'variable' : 'label';
      if (def === 'equ') mods |= 2;
    }
    if (t.kind === 'register' || t.kind === 'csr') mods |= 4;
    if (t.def || t.kind === 'localLabel') mods |= 1;
    if (!type || t.end <= t.start) continue;
    data.push(t.line - pl, t.line === pl ? t.start - pc : t.start, t.end - t.start, TYPES.indexOf(type), mods);
    pl = t.line;
    pc = t.start;
  }
  return { data };
}
