/**
 * `npm run bench:lsp`: how long the language server takes from a didChange on a 5,000-line assembly
 * file to the diagnostics for it (target: under 50 ms), measured through a real LSP connection to
 * `node dist/lsp.js --stdio`; and, for the ratio, the assembler alone on the same text in-process.
 * Prints figures, never asserts on time.
 *
 *   node dist/bench-lsp.js [--lines N] [--edits N]
 */
import * as path from 'node:path';
import { assemble } from '../emulator/asm/index';
import { LspClient } from '../test/lsp/client';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const LINES = Number(argValue('--lines') ?? '5000');
const EDITS = Number(argValue('--edits') ?? '50');
const WARMUP = 20;

/** A file shaped like hand-written kernel code: commented functions, loops, CSR accesses, data. */
function source(lines: number): string {
  const out = ['# benchmark source for the language server', '.equ UART_BASE, 0x10000000', '.text', '.globl _start', '_start:', '    call f0', '    j _start', ''];
  const data: string[] = ['.data'];
  for (let i = 0; out.length + data.length < lines - 30; i++) {
    out.push(
      `# f${i}: sums a buffer and touches a few CSRs`, `.globl f${i}`, `.type f${i}, @function`, `f${i}:`,
      '    addi  sp, sp, -16', '    sw    ra, 12(sp)', '    sw    s0, 8(sp)', `    la    a0, buf${i % 64}`, `    li    a1, ${i * 37 % 4096}`,
      '    li    a2, 0', '1:  lw    t0, 0(a0)', '    add   a2, a2, t0', '    addi  a0, a0, 4', '    addi  a1, a1, -1', '    bnez  a1, 1b',
      '    csrr  t1, mstatus', '    csrs  mie, t1', `    li    t2, UART_BASE`, '    sb    a2, 0(t2)',
      `    beq   a2, zero, .Lskip${i}`, `    call  f${i + 1}`, `.Lskip${i}:`,
      '    lw    s0, 8(sp)', '    lw    ra, 12(sp)', '    addi  sp, sp, 16', '    ret', '');
    if (i < 64) data.push(`buf${i}: .word ${i}, ${i + 1}, ${i + 2}, ${i + 3}`);
  }
  const last = out.filter((l) => /^f\d+:/.test(l)).length;
  out.push(`f${last}:`, '    ret', '');
  return [...out, ...data, ''].join('\n');
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const text = source(LINES);
  const lineCount = text.split('\n').length;
  const editLine = text.split('\n').findIndex((l) => l.startsWith('    li    a1,'));
  const uri = `file://${path.resolve('bench-lsp.S')}`;
  const client = new LspClient([path.resolve('dist/lsp.js'), '--stdio']);
  await client.initialize();
  const first = client.diagnostics(uri, 1);
  const t0 = performance.now();
  await client.open(uri, text);
  const d0 = await first;
  const openMs = performance.now() - t0;
  if (d0.diagnostics.length > 0) console.log(`note: the benchmark source has ${d0.diagnostics.length} errors, first: ${d0.diagnostics[0]!.message}`);

  const times: number[] = [];
  let version = 1;
  for (let k = 0; k < WARMUP + EDITS; k++) {
    version++;
    const got = client.diagnostics(uri, version);
    const start = performance.now();
    // Type one character of the immediate: `li a1, N` -> `li a1, M` (same length, so the line stays valid).
    await client.edit(uri, version, editLine, 14, 15, String(k % 10));
    await got;
    if (k >= WARMUP) times.push(performance.now() - start);
  }
  await client.close();

  const asm: number[] = [];
  for (let k = 0; k < WARMUP + EDITS; k++) {
    const s = performance.now();
    assemble(text, { file: 'bench-lsp.S' });
    if (k >= WARMUP) asm.push(performance.now() - s);
  }
  const med = percentile(times, 0.5), asmMed = percentile(asm, 0.5);
  console.log(`lsp: ${lineCount} lines; didOpen -> diagnostics ${openMs.toFixed(1)} ms (cold)`);
  console.log(`lsp: didChange -> diagnostics over ${EDITS} edits: median ${med.toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms (target < 50 ms)`);
  console.log(`lsp: the assembler alone on the same text: median ${asmMed.toFixed(1)} ms; server overhead ${(med - asmMed).toFixed(1)} ms (ratio ${(med / asmMed).toFixed(2)})`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
