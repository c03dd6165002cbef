/**
 * The debugged program: the machine, its ELF image and debug information, with the lookups the
 * request handlers share (symbols, source lines, memory words, expression contexts).
 */
import * as path from 'node:path';
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CSR_BY_NAME, decode, type ElfImage, type Insn, type Machine } from '../emulator/api';
import type { DebugInfo } from '../emulator/debug-info';
import { EvalError, type EvalContext } from './expressions';

export class Target {
  constructor(readonly machine: Machine, readonly image: ElfImage, readonly info: DebugInfo | undefined) {}

  /** Little-endian value of `size` bytes at physical `addr`, undefined outside RAM. */
  read(addr: number, size: number): number | undefined {
    try {
      const b = this.machine.readPhys(addr >>> 0, size);
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = (v << 8) | b[i]!;
      return size === 4 ? v | 0 : v;
    } catch {
      return undefined;
    }
  }

  /**
   * The instruction at `pc`. Guest-virtual pcs are read as physical: right for M-mode and bare
   * S/U-mode; translated fetches arrive with the machine's translate() (step 2).
   */
  fetch(pc: number): Insn | undefined {
    const lo = this.read(pc, 2);
    if (lo === undefined) return undefined;
    if ((lo & 3) !== 3) return decode(lo);
    const hi = this.read(pc + 2, 2);
    return hi === undefined ? undefined : decode((lo | (hi << 16)) >>> 0);
  }

  /** `name+0x10` for an address inside a function or object symbol. */
  symbolize(addr: number): string | undefined {
    let best: { name: string; value: number } | undefined;
    for (const s of this.image.symbols) {
      if ((s.type !== 'func' && s.type !== 'object') || s.value > addr || addr >= s.value + Math.max(s.size, 1)) continue;
      if (!best || s.value > best.value) best = s;
    }
    if (!best) return undefined;
    return addr === best.value ? best.name : `${best.name}+0x${(addr - best.value).toString(16)}`;
  }

  /**
   * The function containing `pc`: a sized function symbol, else the nearest code label before it
   * (assembly such as crt0.S often has labels without .size).
   */
  functionName(pc: number): string | undefined {
    const sized = this.info?.functionAt(pc)?.name;
    if (sized !== undefined) return sized;
    let best: { name: string; value: number } | undefined;
    for (const s of this.image.symbols) {
      if ((s.type !== 'func' && s.type !== 'notype') || s.value > pc || s.name === '' || s.name.startsWith('$') || s.name.startsWith('.L')) continue;
      if (s.size > 0 && pc >= s.value + s.size) continue;
      if (!best || s.value > best.value) best = s;
    }
    // A label more than 64 KiB back is not this code's name.
    return best && pc - best.value < 0x10000 ? best.name : undefined;
  }

  /** DAP source and line of the instruction at `pc`. */
  source(pc: number): { source: DebugProtocol.Source; line: number; column: number } | undefined {
    const at = this.info?.lineAt(pc);
    if (!at) return undefined;
    return { source: new Source(path.basename(at.file), at.file), line: at.line, column: Math.max(at.column, 1) };
  }

  /** What expressions on hart `hart` can see; `regs` overrides the live registers (an outer frame). */
  evalContext(hart: number, regs?: Int32Array, pc?: number): EvalContext {
    const h = this.machine.harts[hart]!;
    const csrNums = CSR_BY_NAME;
    return {
      reg: (i) => (regs ?? h.x)[i]! | 0,
      pc: () => (pc ?? h.pc) | 0,
      csr: (name) => {
        const n = csrNums.get(name);
        return n === undefined ? undefined : this.machine.readCsr(hart, n);
      },
      symbol: (name) => {
        let best: (typeof this.image.symbols)[number] | undefined;
        for (const s of this.image.symbols) {
          if (s.name !== name || s.type === 'file' || s.type === 'section') continue;
          if (!best || (best.bind === 'local' && s.bind !== 'local')) best = s;
        }
        return best ? { address: best.value >>> 0, size: best.size, isObject: best.type === 'object' } : undefined;
      },
      load: (addr, size) => {
        const v = this.read(addr, size);
        if (v === undefined) throw new EvalError(`cannot read ${size} bytes at 0x${(addr >>> 0).toString(16)}: not in RAM`);
        return v;
      },
    };
  }
}
