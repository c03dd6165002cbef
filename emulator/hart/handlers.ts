/**
 * The handler table indexed by Insn.op, built from the per-group tables (keyed by the spec's mnemonic)
 * and the configured ISA: instructions of absent extensions (the hypervisor ones without H) and
 * compressed encodings without C execute as `illegal`.
 */
import { decode } from '../isa/decode';
import { OPCODES } from '../isa/opcodes';
import { BLK_ALONE, BLK_END } from './codecache';
import { INT_HANDLERS } from './exec-int';
import { MEM_HANDLERS } from './exec-mem';
import { illegal, SYS_HANDLERS } from './exec-sys';
import { CVM_HANDLERS } from './exec-cvm';
import type { IsaConfig } from './isa';
import { DInsn, X_SINK, type Handler } from './types';

const ALL: Record<string, Handler> = { ...INT_HANDLERS, ...MEM_HANDLERS, ...SYS_HANDLERS, ...CVM_HANDLERS };

const ENDS = new Set(['jal', 'jalr', 'beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);

export interface HandlerTable {
  readonly handlers: readonly Handler[];
  /** BLK_* flags per op (how the op bounds decoded blocks). */
  readonly flags: Uint8Array;
  /** Decode raw instruction bits into their executable form. */
  readonly makeInsn: (raw: number) => DInsn;
}

function enabled(ext: string, isa: IsaConfig): boolean {
  switch (ext) {
    case 'i': case 'priv': case 'none': case 'xcvm': return true;
    case 'm': return isa.m;
    case 'a': return isa.a;
    case 'zicsr': return isa.zicsr;
    case 'zifencei': return isa.zifencei;
    case 'zicbom': return isa.zicbom;
    case 'h': return isa.h;
    default: return false;
  }
}

export function buildHandlerTable(isa: IsaConfig): HandlerTable {
  const handlers: Handler[] = [];
  const flags = new Uint8Array(OPCODES.length);
  OPCODES.forEach((o, op) => {
    const fn = ALL[o.name];
    handlers[op] = fn !== undefined && enabled(o.ext, isa) ? fn : illegal;
    if (ENDS.has(o.name)) flags[op] = BLK_END;
    else if (o.ext === 'zicsr' || o.ext === 'priv' || o.ext === 'zicbom' || o.ext === 'h' || o.ext === 'zifencei' || o.ext === 'xcvm'
      || o.name === 'ecall' || o.name === 'ebreak') flags[op] = BLK_ALONE;
  });
  const makeInsn = (raw: number): DInsn => {
    const insn = decode(raw);
    const fn = insn.len === 2 && !isa.c ? illegal : handlers[insn.op]!;
    return new DInsn(fn, insn.op, insn.rd === 0 ? X_SINK : insn.rd, insn.rs1, insn.rs2, insn.imm, insn.csr, insn.len, insn);
  };
  return { handlers, flags, makeInsn };
}
