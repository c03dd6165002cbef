/** Hover: instructions (operation, format, extension; for Xcvm also operands, privilege, feature), CSRs (access, fields), registers, labels (addresses), directives. */
import type { Hover } from 'vscode-languageserver';
import { absoluteAddresses, places, type Analysis } from './analysis';
import { csrHover } from './csr-docs';
import { DIRECTIVES } from './directives';
import { mnemonicInfo, registerInfo } from './isa-docs';
import { resolveLocal, type DocModel, type Tok } from './scan';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

export function hover(model: DocModel, tok: Tok, analysis: () => Analysis): Hover | undefined {
  const md = hoverText(model, tok, analysis);
  if (md === undefined) return undefined;
  return {
    contents: { kind: 'markdown', value: md },
    range: { start: { line: tok.line, character: tok.start }, end: { line: tok.line, character: tok.end } },
  };
}

function hoverText(model: DocModel, tok: Tok, analysis: () => Analysis): string | undefined {
  switch (tok.kind) {
    case 'mnemonic': {
      const i = mnemonicInfo(tok.text);
      if (!i) return undefined;
      const custom = i.privilege === undefined ? [] : ['', `Operands: ${i.operands}`, '', `Privilege: ${i.privilege}`, '', `Needs: ${i.requires}`];
      return [`**${i.name}** — ${i.kind === 'pseudo' ? 'pseudo-instruction' : i.kind === 'compressed' ? 'compressed instruction' : 'instruction'}`,
        '', '```', i.operation.replace(/`/g, ''), '```', '',
        `Format: ${i.format} · Extension: ${i.extension}`, '', `Syntax: ${i.forms.map((x) => `\`${x}\``).join(', ')}`, ...custom].join('\n');
    }
    case 'csr': return csrHover(tok.text);
    case 'register': return registerInfo(tok.text);
    case 'directive': {
      const d = DIRECTIVES[tok.text.toLowerCase()];
      return d && `**${tok.text.toLowerCase()}** — directive\n\n${d}`;
    }
    case 'localRef': case 'localLabel': {
      const def = tok.kind === 'localRef' ? resolveLocal(model, tok)?.tok : tok;
      return def ? `local label **${def.text}:** at line ${def.line + 1}` : `local label ${tok.text}: no definition ${tok.text.endsWith('b') ? 'before' : 'after'} this line`;
    }
    case 'label': case 'symbol': case 'macro': return symbolHover(model, tok.text, analysis);
    default: return undefined;
  }
}

function symbolHover(model: DocModel, name: string, analysis: () => Analysis): string | undefined {
  const defs = model.defs.get(name);
  if (!defs) return csrHover(name) ?? `**${name}** — undefined here (an external symbol, resolved by the linker)`;
  const d = defs[0]!;
  if (d.def === 'macro') return `**${name}** — macro defined at line ${d.line + 1}`;
  const a = analysis();
  const place = places(a, model).get(name);
  const what = d.def === 'label' ? 'label' : 'symbol';
  const lines = [`**${name}** — ${what} defined at line ${d.line + 1}`];
  if (!place) {
    lines.push('', a.diagnostics.length > 0 ? 'Address: unknown until the file assembles without errors.' : 'Address: not in the symbol table.');
    return lines.join('\n');
  }
  if (place.section === '*ABS*') {
    lines.push('', `Value: ${place.offset} (${hex(place.offset)})`);
    return lines.join('\n');
  }
  lines.push('', `Address: \`${place.section}\` + ${hex(place.offset)}`);
  const abs = absoluteAddresses(a, model);
  if (typeof abs === 'string') lines.push('', `Linked address unknown: ${abs}`);
  else if (abs.has(name)) lines.push('', `Linked at the default base (as \`ld\` without a script): ${hex(abs.get(name)!)}`);
  if (a.approximate) lines.push('', '_Assembled without the lines that have errors: the address may move once they are fixed._');
  return lines.join('\n');
}
