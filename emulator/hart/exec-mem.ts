/**
 * Loads and stores (unprivileged spec 2.6) and "A" (ch. 8). Each tries the TLB fast path (the slot's
 * tag is the virtual page number; 256 slots, so `& 255` = TLB_MASK) and falls back to memory.ts.
 *
 * Plain accesses may be misaligned (QEMU 7.2 performs them); LR faults misaligned with cause 4, SC and
 * AMOs with cause 6 (privileged spec 3.6.3.3 / unprivileged 8.2-8.4). SC succeeds when the address
 * matches the reservation and memory still holds the value LR read (QEMU 7.2's compare-and-swap).
 */
import { Cause } from '../csr/bits';
import { tlbLoad, tlbStore } from './cache-path';
import type { Hart } from './hart';
import { loadInto, loadValue, rmwWord, storeValue } from './memory';
import { R_END, R_NEXT, R_TRAP, type DInsn, type Handler } from './types';

const ea = (h: Hart, d: DInsn): number => (h.x[d.rs1]! + d.imm) | 0;

function amo(f: (old: number, b: number) => number): Handler {
  return (h, d) => {
    const a = h.x[d.rs1]! >>> 0;
    if ((a & 3) !== 0) return h.raise(Cause.StoreMisaligned, a);
    const old = rmwWord(h, a, f, h.x[d.rs2]!);
    if (old < 0) return R_TRAP;
    h.x[d.rd] = old;
    return h.yieldReq ? R_END : R_NEXT;
  };
}

let scExpect = 0;
const scOp = (old: number, b: number): number | undefined => ((old | 0) === scExpect ? b : undefined);

export const MEM_HANDLERS: Record<string, Handler> = {
  lb: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    if (h.lTag[s] === vpn) { tlbLoad(h, s, a & 0xfff, 1); h.x[d.rd] = h.lMem[s]!.getInt8(a & 0xfff); return R_NEXT; }
    return loadInto(h, d.rd, a, 1, true);
  },
  lbu: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    if (h.lTag[s] === vpn) { tlbLoad(h, s, a & 0xfff, 1); h.x[d.rd] = h.lMem[s]!.getUint8(a & 0xfff); return R_NEXT; }
    return loadInto(h, d.rd, a, 1, false);
  },
  lh: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    const o = a & 0xfff;
    if (h.lTag[s] === vpn && o <= 0xffe) { tlbLoad(h, s, o, 2); h.x[d.rd] = h.lMem[s]!.getInt16(o, true); return R_NEXT; }
    return loadInto(h, d.rd, a, 2, true);
  },
  lhu: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    const o = a & 0xfff;
    if (h.lTag[s] === vpn && o <= 0xffe) { tlbLoad(h, s, o, 2); h.x[d.rd] = h.lMem[s]!.getUint16(o, true); return R_NEXT; }
    return loadInto(h, d.rd, a, 2, false);
  },
  lw: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    const o = a & 0xfff;
    if (h.lTag[s] === vpn && o <= 0xffc) { tlbLoad(h, s, o, 4); h.x[d.rd] = h.lMem[s]!.getInt32(o, true); return R_NEXT; }
    return loadInto(h, d.rd, a, 4, true);
  },
  sb: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    if (h.sTag[s] === vpn) { tlbStore(h, s, a & 0xfff, 1); h.sMem[s]!.setInt8(a & 0xfff, h.x[d.rs2]!); return R_NEXT; }
    return storeValue(h, a, 1, h.x[d.rs2]!);
  },
  sh: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    const o = a & 0xfff;
    if (h.sTag[s] === vpn && o <= 0xffe) { tlbStore(h, s, o, 2); h.sMem[s]!.setInt16(o, h.x[d.rs2]!, true); return R_NEXT; }
    return storeValue(h, a, 2, h.x[d.rs2]!);
  },
  sw: (h, d) => {
    const a = ea(h, d);
    const vpn = a >>> 12;
    const s = vpn & 255;
    const o = a & 0xfff;
    if (h.sTag[s] === vpn && o <= 0xffc) { tlbStore(h, s, o, 4); h.sMem[s]!.setInt32(o, h.x[d.rs2]!, true); return R_NEXT; }
    return storeValue(h, a, 4, h.x[d.rs2]!);
  },

  'lr.w': (h, d) => {
    const a = h.x[d.rs1]! >>> 0;
    if ((a & 3) !== 0) return h.raise(Cause.LoadMisaligned, a);
    const v = loadValue(h, a, 4);
    if (v < 0) return R_TRAP;
    h.x[d.rd] = v;
    h.resAddr = a;
    h.resValue = v | 0;
    return h.yieldReq ? R_END : R_NEXT;
  },
  'sc.w': (h, d) => {
    const a = h.x[d.rs1]! >>> 0;
    if ((a & 3) !== 0) return h.raise(Cause.StoreMisaligned, a);
    if (h.resAddr !== a) {
      h.x[d.rd] = 1;
      return R_NEXT;
    }
    scExpect = h.resValue;
    const old = rmwWord(h, a, scOp, h.x[d.rs2]!);
    if (old < 0) return R_TRAP;
    h.resAddr = -1;
    h.x[d.rd] = (old | 0) === scExpect ? 0 : 1;
    return h.yieldReq ? R_END : R_NEXT;
  },
  'amoswap.w': amo((_o, b) => b),
  'amoadd.w': amo((o, b) => (o + b) | 0),
  'amoxor.w': amo((o, b) => o ^ b),
  'amoand.w': amo((o, b) => o & b),
  'amoor.w': amo((o, b) => o | b),
  'amomin.w': amo((o, b) => ((o | 0) < b ? o : b)),
  'amomax.w': amo((o, b) => ((o | 0) > b ? o : b)),
  'amominu.w': amo((o, b) => (o >>> 0 < b >>> 0 ? o : b)),
  'amomaxu.w': amo((o, b) => (o >>> 0 > b >>> 0 ? o : b)),
};
