/**
 * The debugger's address translation: where a guest-virtual or guest-physical address lands in
 * system-physical memory, walked from the page tables in RAM as they are now. Unlike the hart's
 * walkers (mmu/sv32.ts, mmu/two-stage.ts) it has no side effects: no A/D updates, no TLB fills, no
 * traps, no PMP checks. Permission follows what a debugger needs rather than the privilege rules
 * (U/SUM are not checked; a read needs R or X, as with MXR; a write W; a fetch X); the G stage still
 * requires U = 1 on its leaves (8.5.1), as the hardware would fault otherwise.
 *
 * Spaces:
 * - `virt`: the hart's current translation context. V=1: VS stage through vsatp, then G stage
 *   through hgatp (also for the VS-stage page-table reads). V=0: satp, bare in M-mode.
 * - `guestPhys`: a guest-physical address of VMID `vmid` through a G-stage root. The hardware knows
 *   only the current hgatp: when its VMID matches it is used, otherwise the caller passes the
 *   hgatp it saw for that VMID (the hypervisor keeps the others in its own memory).
 *
 * With a memory encryption engine (machine.ram.cipher) the C-bit applies as in mmu/two-stage.ts
 * (cvm-model 2): bit 31 of a VS-stage leaf PTE (bit 33 of the guest-physical address) is stripped
 * before the G-stage walk and reported as `enc`; the C-bit of vsatp's root PPN and of non-leaf PTEs is
 * stripped too; VS-stage page tables are read through the guest's key (2.3: private), G-stage tables
 * with none. vsatp Bare makes every guest access private, and fetches are always private (2.3).
 * `enc` is reported only for guest-virtual translations (V=1) with an engine: the caller chooses the
 * C-bit of a guest-physical address.
 */
import { CSR, HCSR, Priv } from '../csr/bits';
import type { Machine } from '../machine';
import { PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../mmu/sv32';

export type DebugAccess = 'read' | 'write' | 'fetch';

export type DebugSpace =
  | { kind: 'virt' }
  | { kind: 'guestPhys'; vmid: number; hgatp?: number };

export type DebugTranslation =
  /** `enc`: the access's C-bit (1 private: the guest's key when its ASID has one; 0 shared). */
  | { ok: true; pa: number; gpa?: number; enc?: number }
  | { ok: false; reason: string };

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

/** Sv32 PPN bits without the top one, the C-bit when memory encryption is on (cvm-model 2.1). */
const PPN_MASK_C = 0x1fffff;

/** VMID of an hgatp value (Sv32: bits 28:22). */
export const vmidOf = (hgatp: number): number => (hgatp >>> 22) & 0x7f;

/** The word at `pa`, decrypted through ASID `asid`'s key (0: DRAM as it is); undefined outside RAM. */
function readWord(m: Machine, pa: number, asid = 0): number | undefined {
  try {
    const b = m.readPhys(pa, 4, asid);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  } catch {
    return undefined;
  }
}

function allows(pte: number, access: DebugAccess): boolean {
  if (access === 'fetch') return (pte & PTE_X) !== 0;
  if (access === 'read') return (pte & (PTE_R | PTE_X)) !== 0;
  return (pte & PTE_W) !== 0;
}

type Walk = { ok: true; pa: number; pte?: number } | { ok: false; reason: string };

/** How a walk reads its tables: the PPN bits that count (the C-bit stripped) and the key's ASID. */
interface WalkOpts {
  ppnMask: number;
  asid: number;
}
const PLAIN: WalkOpts = { ppnMask: 0x3fffff, asid: 0 };

/**
 * One Sv32 walk (`x4`: Sv32x4, 34-bit input, 16 KiB root) from root PPN `rootPpn`; `ptePa` maps a
 * page-table address to where it is read (the G stage for VS-stage tables). A leaf's PTE is returned
 * with the address (its C-bit is the caller's business).
 */
function walk(m: Machine, stage: string, rootPpn: number, addr: number, access: DebugAccess, gstage: boolean, ptePa: (a: number) => Walk, opts: WalkOpts = PLAIN): Walk {
  let base = (rootPpn & opts.ppnMask) * 4096;
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? Math.floor(addr / 0x400000) : Math.floor(addr / 4096) & 0x3ff;
    const at = ptePa(base + vpn * 4);
    if (!at.ok) return { ok: false, reason: `${stage}: page table at ${hex(base + vpn * 4)}: ${at.reason}` };
    const pte = readWord(m, at.pa, opts.asid);
    if (pte === undefined) return { ok: false, reason: `${stage}: page table entry at ${hex(at.pa)} is not in RAM` };
    if ((pte & PTE_V) === 0) return { ok: false, reason: `${stage}: ${hex(addr)} is unmapped (invalid PTE at level ${level})` };
    if ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0) return { ok: false, reason: `${stage}: reserved PTE (W without R) at ${hex(at.pa)}` };
    const ppn = (pte >>> 10) & opts.ppnMask;
    if ((pte & (PTE_R | PTE_W | PTE_X)) === 0) {
      base = ppn * 4096;
      continue;
    }
    if (gstage && (pte & PTE_U) === 0) return { ok: false, reason: `${stage}: permission: the leaf for ${hex(addr)} has U = 0` };
    if (!allows(pte, access)) return { ok: false, reason: `${stage}: permission: ${hex(addr)} is not ${access === 'write' ? 'writable' : access === 'fetch' ? 'executable' : 'readable'}` };
    if (level === 1 && (ppn & 0x3ff) !== 0) return { ok: false, reason: `${stage}: misaligned superpage for ${hex(addr)}` };
    return { ok: true, pa: level === 1 ? (ppn >>> 10) * 0x400000 + (addr % 0x400000) : ppn * 4096 + (addr % 4096), pte };
  }
  return { ok: false, reason: `${stage}: ${hex(addr)} is unmapped (pointer PTE at the last level)` };
}

/** G-stage translation of `gpa` with `hgatp` (bare: the identity). */
function gStage(m: Machine, hgatp: number, gpa: number, access: DebugAccess): Walk {
  if (hgatp >>> 31 === 0) return { ok: true, pa: gpa };
  if (gpa >= 2 ** 34) return { ok: false, reason: `G-stage: ${gpa.toString(16)} is beyond 34 bits` };
  return walk(m, 'G-stage', hgatp & 0x3fffff, gpa, access, true, (a) => ({ ok: true, pa: a }));
}

/**
 * Where address `addr` of `space` (seen from hart `hart`) is in system-physical memory, or why it
 * has no place (unmapped, permission, a page table outside RAM).
 */
export function debugTranslate(machine: Machine, hart: number, addr: number, space: DebugSpace, access: DebugAccess = 'read'): DebugTranslation {
  const h = machine.harts[hart];
  if (h === undefined) return { ok: false, reason: `no hart ${hart}` };
  const csr = (n: number): number => machine.readCsr(hart, n) ?? 0;
  const va = addr >>> 0;
  if (space.kind === 'guestPhys') {
    const cur = h.hasH ? csr(HCSR.hgatp) : 0;
    let hgatp = space.hgatp;
    if (hgatp === undefined) {
      if (!h.hasH || cur >>> 31 === 0 || vmidOf(cur) !== space.vmid) {
        return { ok: false, reason: `VMID ${space.vmid}: its G-stage root is unknown (hart ${hart}'s hgatp holds ${h.hasH && cur >>> 31 !== 0 ? `VMID ${vmidOf(cur)}` : 'no G-stage table'})` };
      }
      hgatp = cur;
    }
    const g = gStage(machine, hgatp >>> 0, addr, access);
    return g.ok ? { ok: true, pa: g.pa, gpa: addr } : g;
  }
  if (h.virt) {
    const hgatp = csr(HCSR.hgatp);
    const vsatp = csr(HCSR.vsatp);
    // cvm-model 2: with an engine the C-bit is the top PPN bit, and VS-stage tables are private.
    const cipher = machine.ram.cipher !== undefined;
    let gpa = va;
    let enc = cipher ? 1 : undefined; // vsatp Bare: all private
    if (vsatp >>> 31 !== 0) {
      const opts: WalkOpts = cipher ? { ppnMask: PPN_MASK_C, asid: vmidOf(hgatp) } : PLAIN;
      const vs = walk(machine, 'VS-stage', vsatp, va, access, false, (a) => gStage(machine, hgatp, a, 'read'), opts);
      if (!vs.ok) return vs;
      gpa = vs.pa;
      if (cipher) enc = vs.pte! >>> 31;
    }
    if (cipher && access === 'fetch') enc = 1; // fetches are always private (2.3)
    const g = gStage(machine, hgatp, gpa, access);
    return g.ok ? { ok: true, pa: g.pa, gpa, ...(enc !== undefined ? { enc } : {}) } : g;
  }
  if (h.priv === Priv.M) return { ok: true, pa: va };
  const satp = csr(CSR.satp);
  if (satp >>> 31 === 0) return { ok: true, pa: va };
  const r = walk(machine, 'Sv32', satp & 0x3fffff, va, access, false, (a) => ({ ok: true, pa: a }));
  return r.ok ? { ok: true, pa: r.pa } : r;
}
