/**
 * vmscope's confidential-VM instructions in the custom-0 space (rmpupdate, pvalidate, cinval.all;
 * emulator/cvm/README.md): the decoder knows them, the features that implement them execute them
 * (HartEnv.cvm.custom). Without such a feature they are illegal instructions.
 */
import { Cause, CAUSE_VIRTUAL_INSN } from '../csr/bits';
import type { Hart } from './hart';
import { R_END, R_TRAP, type DInsn, type Handler } from './types';

function dispatch(name: string): Handler {
  return (h: Hart, d: DInsn): number => {
    const exec = h.env.cvm?.custom(name);
    const raw = d.insn.raw;
    if (exec === undefined) return h.raise(Cause.Illegal, raw);
    const r = exec(h, raw);
    if (r === 'next') return R_END; // state the block loop depends on (TLBs, RMP) may have changed
    if (r === 'trap') return R_TRAP;
    return h.raise(r === 'virtual' ? CAUSE_VIRTUAL_INSN : Cause.Illegal, raw);
  };
}

export const CVM_HANDLERS: Record<string, Handler> = {
  rmpupdate: dispatch('rmpupdate'),
  pvalidate: dispatch('pvalidate'),
  'cinval.all': dispatch('cinval.all'),
};
