/**
 * vmscope's confidential-VM instructions (Xcvm, custom-0: rmpupdate, pvalidate, cinval.all;
 * emulator/cvm/README.md) in the language server, through a real LSP connection: diagnostics,
 * hover (operation, encoding, extension, operands, privilege) and completion; and in the TextMate
 * grammar, which must name every mnemonic the assembler knows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNEMONICS } from '../../lsp/isa-docs';
import { LspClient, ROOT } from './client';

const URI = 'file:///work/test/cvm.S';
const SOURCE = [
  /* 0 */ '.text',
  /* 1 */ 'hv:',
  /* 2 */ '    rmpupdate a0, a1, a2',
  /* 3 */ '    cinval.all',
  /* 4 */ 'guest:',
  /* 5 */ '    pvalidate t0, a0, t1',
  /* 6 */ '    ',
].join('\n');

const pos = (line: number, character: number) => ({ line, character });
type Hover = { contents: { kind: string; value: string }; range: { start: { character: number }; end: { character: number } } } | null;
type Item = { label: string; detail?: string; documentation?: string };

describe('language server: the Xcvm instructions', () => {
  let c: LspClient;
  beforeAll(async () => {
    c = new LspClient();
    await c.initialize();
    const d = c.diagnostics(URI, 1);
    await c.open(URI, SOURCE);
    // The assembler knows them: no diagnostics.
    expect((await d).diagnostics).toEqual([]);
  });
  afterAll(() => c.close());

  const hover = async (line: number, character: number): Promise<string> =>
    (await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(line, character) }))!.contents.value;

  it('hovers rmpupdate: the RMP entry it writes, encoding, operands, HS/M only, needs integrity', async () => {
    const h = await hover(2, 6);
    expect(h).toContain('**rmpupdate** — instruction');
    expect(h).toContain('RMP[rs1] = { assigned = rs2[0], asid = rs2[7:1], gpa = rs2[29:8] << 12, validated = 0 }; rd = status');
    expect(h).toContain('Format: R-type (custom-0: opcode 0x0b, funct3 0, funct7 0x00)');
    expect(h).toContain('Extension: Xcvm (vmscope confidential-VM instructions, custom-0)');
    expect(h).toContain('Syntax: `rmpupdate rd, rs1, rs2`');
    expect(h).toContain('Operands: rs1 = system PPN (physical address >> 12); rs2 = bit 0 assigned, bits 7:1 ASID, bits 29:8 GPA >> 12');
    expect(h).toContain('2 FAIL_PERMISSION');
    expect(h).toContain('Privilege: HS or M');
    expect(h).toContain('from VS/VU a virtual-instruction exception (22)');
    expect(h).toContain('Needs: the `integrity` feature');
  });

  it('hovers pvalidate: validates a guest page, VS only', async () => {
    const h = await hover(5, 8);
    expect(h).toContain('**pvalidate** — instruction');
    expect(h).toContain('translate rs1 as a load; RMP[page].validated = rs2[0]; rd = status');
    expect(h).toContain('funct7 0x01');
    expect(h).toContain('Extension: Xcvm');
    expect(h).toContain('Syntax: `pvalidate rd, rs1, rs2`');
    expect(h).toContain('Operands: rs1 = guest virtual address of the page; rs2 = 1 validate, 0 rescind');
    expect(h).toContain('255 no change');
    expect(h).toContain('Privilege: VS only');
    expect(h).toContain('from HS, M or U an illegal instruction');
    expect(h).toContain('Needs: the `integrity` feature');
  });

  it('hovers cinval.all (the whole dotted mnemonic): caches dropped without write-back, HS/M only, no operands', async () => {
    const r = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(3, 11) });
    expect(r!.range.start.character).toBe(4);
    expect(r!.range.end.character).toBe(14);
    const h = r!.contents.value;
    expect(h).toContain('**cinval.all** — instruction');
    expect(h).toContain('drop every line of every cache without write-back (INVD-like)');
    expect(h).toContain('funct7 0x02, rd = rs1 = rs2 = 0');
    expect(h).toContain('Syntax: `cinval.all`');
    expect(h).toContain('Operands: none');
    expect(h).toContain('Privilege: HS or M');
    expect(h).toContain('Needs: the cache model');
  });

  it('completes the three mnemonics with their operation, privilege and feature', async () => {
    const items = await c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: pos(6, 4) });
    const by = new Map(items.map((i) => [i.label, i]));
    const rmp = by.get('rmpupdate')!;
    expect(rmp.detail).toContain('RMP[rs1] = {');
    expect(rmp.documentation).toContain('rmpupdate rd, rs1, rs2');
    expect(rmp.documentation).toContain('Privilege: HS or M');
    expect(rmp.documentation).toContain('Needs: the integrity feature');
    const pv = by.get('pvalidate')!;
    expect(pv.detail).toContain('RMP[page].validated = rs2[0]');
    expect(pv.documentation).toContain('pvalidate rd, rs1, rs2');
    expect(pv.documentation).toContain('Privilege: VS only');
    const inv = by.get('cinval.all')!;
    expect(inv.detail).toContain('without write-back');
    expect(inv.documentation).toContain('Operands: none');
    expect(inv.documentation).toContain('Privilege: HS or M');
    expect(inv.documentation).toContain('Needs: the cache model');
    // Completion while typing a prefix still offers them (the client filters by prefix).
    const prefixed = await c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: pos(5, 6) });
    expect(prefixed.map((i) => i.label)).toEqual(expect.arrayContaining(['pvalidate', 'rmpupdate', 'cinval.all']));
  });

  it('classifies them as keywords for semantic highlighting', async () => {
    const r = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: URI } });
    const toks: number[][] = [];
    let line = 0, start = 0;
    for (let i = 0; i < r.data.length; i += 5) {
      line += r.data[i]!;
      start = r.data[i]! === 0 ? start + r.data[i + 1]! : r.data[i + 1]!;
      toks.push([line, start, r.data[i + 2]!, r.data[i + 3]!]);
    }
    const at = (l: number, s: number) => toks.find((t) => t[0] === l && t[1] === s);
    const keyword = at(2, 4)![3];
    expect(at(2, 4)![2]).toBe('rmpupdate'.length);
    expect(at(3, 4)).toEqual([3, 4, 'cinval.all'.length, keyword]);
    expect(at(5, 4)).toEqual([5, 4, 'pvalidate'.length, keyword]);
  });
});

describe('TextMate grammar (syntaxes/riscv-asm.tmLanguage.json)', () => {
  const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, 'syntaxes/riscv-asm.tmLanguage.json'), 'utf8')) as {
    repository: { mnemonic: { patterns: { match: string; captures: Record<string, { name: string }> }[] } };
  };
  const pattern = grammar.repository.mnemonic.patterns[0]!;
  // The grammar's regex is Oniguruma; this one uses nothing JavaScript lacks (lookbehind included).
  const re = new RegExp(pattern.match);

  it.each(['    rmpupdate a0, a1, a2', '    pvalidate t0, a0, t1', '    cinval.all', 'hv: cinval.all # drop the caches'])(
    'scopes the mnemonic of %j as an instruction', (line) => {
      const m = re.exec(line);
      expect(m?.[1]).toBe(/(rmpupdate|pvalidate|cinval\.all)/.exec(line)![1]);
      expect(pattern.captures['1']!.name).toBe('keyword.other.instruction.riscv-asm');
    });

  it('names every mnemonic the assembler knows, longest first (so cinval.all is not cut at the dot)', () => {
    const alternatives = /\\s\*\((.*)\)\(\?=/.exec(pattern.match)![1]!.split('|').map((a) => a.replace(/\\\./g, '.'));
    expect([...alternatives].sort()).toEqual([...new Set(MNEMONICS)].sort());
    for (let i = 1; i < alternatives.length; i++) expect(alternatives[i]!.length).toBeLessThanOrEqual(alternatives[i - 1]!.length);
  });
});
