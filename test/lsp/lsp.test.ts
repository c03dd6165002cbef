/**
 * The language server through a real LSP connection: `node dist/lsp.js --stdio` (and `vmscope lsp
 * --stdio`), requests in, responses checked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, ROOT } from './client';

const URI = 'file:///work/test/prog.S';
const SOURCE = [
  /* 0 */ '# a small program',
  /* 1 */ '.equ UART_BASE, 0x10000000',
  /* 2 */ '.text',
  /* 3 */ '.globl _start',
  /* 4 */ '_start:',
  /* 5 */ '    li    a0, UART_BASE',
  /* 6 */ '    csrr  t0, mstatus',
  /* 7 */ '    csrw  hgatp, zero',
  /* 8 */ 'loop:',
  /* 9 */ '    addi  a1, a1, 1',
  /* 10 */ '1:  bnez  a1, 1b',
  /* 11 */ '    j     loop',
  /* 12 */ '.data',
  /* 13 */ 'msg: .asciz "hi"',
].join('\n');

const pos = (line: number, character: number) => ({ line, character });
type Hover = { contents: { kind: string; value: string } } | null;
type Loc = { uri: string; range: { start: { line: number; character: number } } };

describe('vmscope language server', () => {
  let c: LspClient;
  beforeAll(async () => {
    c = new LspClient();
    await c.initialize();
    const d = c.diagnostics(URI, 1);
    await c.open(URI, SOURCE);
    expect((await d).diagnostics).toEqual([]);
  });
  afterAll(() => c.close());

  it('reports every assembler error with its range, as the text changes', async () => {
    const broken = SOURCE.replace('addi  a1, a1, 1', 'addi  a1, a1, 5000').replace('j     loop', 'frob  a0');
    const d = c.diagnostics(URI, 2);
    await c.change(URI, 2, broken);
    const got = (await d).diagnostics;
    expect(got).toHaveLength(2);
    expect(got[0]!.message).toMatch(/immediate 5000 is out of range/);
    expect(got[0]!.range).toEqual({ start: pos(9, 18), end: pos(9, 22) });
    expect(got[1]!.message).toMatch(/unrecognized instruction 'frob'/);
    expect(got[1]!.range).toEqual({ start: pos(11, 4), end: pos(11, 8) });
    const fixed = c.diagnostics(URI, 3);
    await c.change(URI, 3, SOURCE);
    expect((await fixed).diagnostics).toEqual([]);
  });

  it('hovers an instruction with its operation, format and extension', async () => {
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(9, 5) });
    expect(h!.contents.value).toContain('rd = rs1 + sext(imm)');
    expect(h!.contents.value).toContain('I-type');
    expect(h!.contents.value).toContain('RV32I');
  });

  it('hovers CSRs with their fields and who may access them', async () => {
    const m = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(6, 15) });
    expect(m!.contents.value).toContain('CSR 0x300');
    expect(m!.contents.value).toContain('| MPP | 12:11 |');
    expect(m!.contents.value).toContain('M only');
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(7, 12) });
    expect(h!.contents.value).toContain('CSR 0x680');
    expect(h!.contents.value).toContain('| VMID | 28:22 |');
    expect(h!.contents.value).toContain('M and HS');
  });

  it('hovers a label with its section offset and linked address', async () => {
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(11, 11) });
    expect(h!.contents.value).toMatch(/`\.text` \+ 0x(c|10|e)\b/);
    expect(h!.contents.value).toMatch(/default base.*0x100[0-9a-f]+/);
    const e = await c.request<Hover>('textDocument/hover', { textDocument: { uri: URI }, position: pos(5, 18) });
    expect(e!.contents.value).toContain('Value: 268435456 (0x10000000)');
  });

  it('completes mnemonics, directives, registers, CSRs and labels', async () => {
    type Item = { label: string };
    const head = await c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: pos(9, 4) });
    const heads = head.map((i) => i.label);
    expect(heads).toEqual(expect.arrayContaining(['addi', 'li', 'la', 'call', 'csrr', 'c.addi', 'hlv.w', '.word', '.section']));
    const ops = (await c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: pos(11, 10) })).map((i) => i.label);
    expect(ops).toEqual(expect.arrayContaining(['a0', 'x10', 'sp', 'loop', '_start', 'msg', 'UART_BASE']));
    const csrs = (await c.request<Item[]>('textDocument/completion', { textDocument: { uri: URI }, position: pos(6, 14) })).map((i) => i.label);
    expect(csrs).toEqual(expect.arrayContaining(['mstatus', 'satp', 'hstatus', 'vsatp']));
  });

  it('goes to a label definition, finds its references and renames it', async () => {
    const def = await c.request<Loc[]>('textDocument/definition', { textDocument: { uri: URI }, position: pos(11, 12) });
    expect(def.map((l) => l.range.start)).toEqual([pos(8, 0)]);
    const local = await c.request<Loc[]>('textDocument/definition', { textDocument: { uri: URI }, position: pos(10, 15) });
    expect(local.map((l) => l.range.start)).toEqual([pos(10, 0)]);
    const refs = await c.request<Loc[]>('textDocument/references', { textDocument: { uri: URI }, position: pos(8, 1), context: { includeDeclaration: true } });
    expect(refs.map((l) => l.range.start)).toEqual([pos(8, 0), pos(11, 10)]);
    const edit = await c.request<{ changes: Record<string, { range: { start: unknown }; newText: string }[]> }>('textDocument/rename',
      { textDocument: { uri: URI }, position: pos(8, 1), newName: 'again' });
    expect(edit.changes[URI]!.map((e) => [e.range.start, e.newText])).toEqual([[pos(8, 0), 'again'], [pos(11, 10), 'again']]);
    const equ = await c.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', { textDocument: { uri: URI }, position: pos(5, 16), newName: 'UART0' });
    expect(equ.changes[URI]).toHaveLength(2);
    await expect(c.request('textDocument/rename', { textDocument: { uri: URI }, position: pos(9, 5), newName: 'x' })).rejects.toThrow();
  });

  it('gives .L labels, macros and files with errors their places too', async () => {
    const uri = 'file:///work/test/more.S';
    const text = [
      '.macro push reg',
      '    addi sp, sp, -4',
      '    sw   \\reg, 0(sp)',
      '.endm',
      'start:',
      '    push a0',
      '    nop',
      '.Lhidden:',
      '    j    .Lhidden',
      '    bogus',
    ].join('\n');
    const d = c.diagnostics(uri, 1);
    await c.open(uri, text);
    expect((await d).diagnostics.map((x) => x.range.start)).toEqual([pos(9, 4)]);
    const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: pos(8, 10) });
    // push (c.addi + c.swsp = 4 bytes) and nop (2 bytes) come first; the erroneous line is left out.
    expect(h!.contents.value).toContain('`.text` + 0x6');
    expect(h!.contents.value).toContain('without the lines that have errors');
    const m = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: pos(5, 5) });
    expect(m!.contents.value).toContain('macro defined at line 1');
    const def = await c.request<Loc[]>('textDocument/definition', { textDocument: { uri }, position: pos(5, 5) });
    expect(def.map((l) => l.range.start)).toEqual([pos(0, 7)]);
  });

  it('lists labels and symbols as document symbols', async () => {
    const syms = await c.request<{ name: string; kind: number }[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    expect(syms.map((s) => s.name)).toEqual(['UART_BASE', '_start', 'loop', 'msg']);
  });

  it('classifies tokens for semantic highlighting', async () => {
    const r = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: URI } });
    // Decode the relative encoding back to [line, start, length, type].
    const toks: number[][] = [];
    let line = 0, start = 0;
    for (let i = 0; i < r.data.length; i += 5) {
      line += r.data[i]!;
      start = r.data[i]! === 0 ? start + r.data[i + 1]! : r.data[i + 1]!;
      toks.push([line, start, r.data[i + 2]!, r.data[i + 3]!]);
    }
    const legend = ['keyword', 'macro', 'function', 'variable', 'property', 'label', 'number', 'string', 'comment', 'operator', 'parameter', 'namespace'];
    const kind = (l: number, s: number) => legend[toks.find((t) => t[0] === l && t[1] === s)![3]!];
    expect(kind(0, 0)).toBe('comment');
    expect(kind(1, 0)).toBe('macro');
    expect(kind(6, 4)).toBe('keyword');
    expect(kind(6, 10)).toBe('variable');
    expect(kind(6, 14)).toBe('property');
    expect(kind(8, 0)).toBe('label');
    expect(kind(11, 10)).toBe('label');
    expect(kind(13, 12)).toBe('string');
  });
});

// Runs once adapter/cli/main.ts dispatches `lsp` to adapter/cli/lsp.ts.
const wired = fs.readFileSync(path.join(ROOT, 'adapter/cli/main.ts'), 'utf8').includes('lspCommand');

describe('vmscope lsp --stdio', () => {
  it.skipIf(!wired)('serves the same language server from the CLI', async () => {
    const c = new LspClient([path.join(ROOT, 'dist/cli.js'), 'lsp', '--stdio']);
    const init = await c.initialize();
    expect((init.capabilities as Record<string, unknown>).hoverProvider).toBe(true);
    await c.close();
  });
});
