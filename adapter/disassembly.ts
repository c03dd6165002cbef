/**
 * The `disassemble` request: instructions around an address, objdump-style text with symbols, and
 * the source line of each instruction when the line table knows it. RVC makes instructions 2 or 4
 * bytes long, so going backwards starts from a known instruction boundary (a line-table row or a
 * function start) and decodes forward.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { disassemble } from '../emulator/isa/disasm';
import type { Target } from './target';

function hex8(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** A known instruction boundary at or below `addr` and not above it by more than needed. */
function syncPoint(t: Target, addr: number): number {
  let best = addr;
  const info = t.info;
  const fn = info?.functionAt(addr);
  if (fn) best = fn.start;
  const row = info?.lineAt(addr);
  if (row && (!fn || row.address > fn.start)) best = row.address;
  return best;
}

/** Addresses of consecutive instructions from `start` (decoded) until `count` are listed. */
function forward(t: Target, start: number, count: number): number[] {
  const out: number[] = [];
  let a = start >>> 0;
  for (let i = 0; i < count; i++) {
    out.push(a);
    const insn = t.fetch(a);
    a = (a + (insn?.len ?? 4)) >>> 0;
  }
  return out;
}

export function disassembleRange(t: Target, base: number, instructionOffset: number, count: number, resolveSymbols: boolean): DebugProtocol.DisassembledInstruction[] {
  let addrs: number[];
  if (instructionOffset >= 0) {
    addrs = forward(t, base, instructionOffset + count).slice(instructionOffset);
  } else {
    const back = -instructionOffset;
    // Each instruction is at most 4 bytes: 4*back bytes before base hold at least `back` of them.
    const from = syncPoint(t, (base - 4 * back - 4) >>> 0);
    const before: number[] = [];
    let a = from;
    while (a < base) {
      before.push(a);
      a = (a + (t.fetch(a)?.len ?? 4)) >>> 0;
    }
    // Pad with 2-byte steps when the sync point was not far enough back (or decoding overshot).
    while (before.length < back) before.unshift((before[0] ?? base) - 2);
    addrs = [...before.slice(before.length - back), ...forward(t, base, Math.max(0, count - back))].slice(0, count);
  }
  let lastFile: string | undefined;
  let lastLine: number | undefined;
  return addrs.map((addr) => {
    const insn = t.fetch(addr);
    if (insn === undefined) {
      return { address: hex8(addr), instruction: '??', presentationHint: 'invalid' } as DebugProtocol.DisassembledInstruction;
    }
    const bytes = insn.len === 2 ? (insn.raw & 0xffff).toString(16).padStart(4, '0') : (insn.raw >>> 0).toString(16).padStart(8, '0');
    const d: DebugProtocol.DisassembledInstruction = {
      address: hex8(addr),
      instructionBytes: bytes,
      instruction: disassemble(insn, addr, resolveSymbols ? (a) => t.symbolize(a) : undefined),
    };
    const fn = t.info?.functionAt(addr);
    if (resolveSymbols && fn && fn.start === addr) d.symbol = fn.name;
    else if (resolveSymbols && !fn) {
      const s = t.symbolize(addr);
      if (s && !s.includes('+')) d.symbol = s;
    }
    const src = t.source(addr);
    if (src && (src.source.path !== lastFile || src.line !== lastLine)) {
      d.location = src.source;
      d.line = src.line;
      lastFile = src.source.path;
      lastLine = src.line;
    }
    return d;
  });
}
