/**
 * `--trace FILE`: one line per retired instruction:
 *   hart privilege pc instruction disassembly [register=value]
 *   0 M 80000004 00a00513 li a0,10 a0=0000000a
 * Lines are buffered and written in large chunks so tracing costs formatting, not system calls.
 */
import * as fs from 'node:fs';
import type { TraceRecord } from '../../emulator/api';
import { disassemble } from '../../emulator/isa/disasm';
import { ABI_NAMES } from '../../emulator/isa/registers';

const PRIV = ['U', 'S', '?', 'M'];
const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export function formatTrace(r: TraceRecord): string {
  const raw = r.insn.len === 2 ? r.insn.raw.toString(16).padStart(4, '0') : hex8(r.insn.raw);
  let line = `${r.hart} ${PRIV[r.priv] ?? '?'} ${hex8(r.pc)} ${raw} ${disassemble(r.insn, r.pc)}`;
  if (r.rd !== undefined && r.rd !== 0 && r.rdValue !== undefined) line += ` ${ABI_NAMES[r.rd]}=${hex8(r.rdValue)}`;
  return line;
}

export class TraceWriter {
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  record(r: TraceRecord): void {
    const line = formatTrace(r);
    this.chunks.push(line);
    this.size += line.length + 1;
    if (this.size > 1 << 20) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    fs.writeSync(this.fd, this.chunks.join('\n') + '\n');
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}
