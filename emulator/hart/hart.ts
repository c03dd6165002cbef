/**
 * One hart's architectural state plus the run-time bookkeeping of the fast paths.
 *
 * Registers live in an Int32Array of 33 slots: x0..x31 and a sink slot (X_SINK) that instructions with
 * rd = x0 write to. CSR state is kept as plain fields (the CSR definitions in emulator/csr/ read and
 * write them). Privilege is `priv` (0 U, 1 S, 3 M) plus `virt` (the hypervisor extension's V bit:
 * priv S + virt = VS-mode, priv U + virt = VU-mode).
 */
import {
  HS_INTERRUPTS,
  MSTATUSH_MPV,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_MXR,
  MSTATUS_SIE,
  MSTATUS_SPIE,
  MSTATUS_SPP,
  MSTATUS_SUM,
  Priv,
} from '../csr/bits';
import type { Bus } from '../mem/bus';
import { Pmp } from '../mmu/pmp';
import { TlbSet } from '../mmu/tlb';
import { Access } from '../mmu/sv32';
import { xlate } from './memory';
import { NO_CODE, type Block, type CodePage } from './codecache';
import type { WatchHit } from '../debug/watch';
import type { HartEnv } from './types';
import type { HartCache } from './cache-path';
import { TriggerState, triggersChanged } from './triggers';

/** mstatus bits swapped with vsstatus on V changes (QEMU 7.2: MXR SUM SPP SPIE SIE; UXL is RV64). */
const SWAP_STATUS = MSTATUS_MXR | MSTATUS_SUM | MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE;

/** Address spaces (TLB sets) a hart keeps cached at most. */
export const MAX_TLB_SPACES = 16;

export class Hart {
  readonly id: number;
  readonly env: HartEnv;
  readonly bus: Bus;
  /** x0..x31 and the x0 write sink (index 32). */
  readonly x = new Int32Array(33);
  /** Address of the current instruction (uint32). Exact at block boundaries and inside handlers. */
  pc = 0;
  priv: number = Priv.M;
  /** Hypervisor V bit (privileged spec 8.1); change it only through setMode(). */
  virt = false;

  // --- CSR state (privileged spec ch. 3 and 4). Values are uint32 unless noted.
  mstatus = 0;
  readonly misa: number;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** mip bits software wrote (SSIP, STIP, SEIP, LCOFIP). */
  mipSw = 0;
  /** mip bits driven by devices (MSIP, MTIP, MEIP, external SEIP). */
  mipHw = 0;
  mtvec = 0;
  mcounteren = 0;
  mscratch = 0;
  mepc = 0;
  mcause = 0;
  mtval = 0;
  menvcfg = 0;
  menvcfgh = 0;
  mcountinhibit = 0;
  stvec = 0;
  scounteren = 0;
  sscratch = 0;
  sepc = 0;
  scause = 0;
  stval = 0;
  senvcfg = 0;
  /** satp as int32: negative means MODE = Sv32. */
  satp = 0;

  // --- Hypervisor extension (privileged spec ch. 8). As QEMU 7.2 (riscv_cpu_swap_hypervisor_regs)
  // does, the S-level CSR fields above always hold the registers of the current V: while V=1 they are
  // the VS registers (vsstatus's bits in mstatus, vstvec in stvec...) and the v* fields below hold the
  // HS values; while V=0 the v* fields hold the VS registers. swapHypervisorRegs() exchanges them.
  readonly hasH: boolean;
  /** mstatush: MPV and GVA (the rest reads 0). */
  mstatush = 0;
  hstatus = 0;
  hedeleg = 0;
  hideleg = 0;
  hcounteren = 0;
  henvcfg = 0;
  henvcfgh = 0;
  /** hgatp as written (QEMU 7.2 keeps every bit); bit 31 = MODE Sv32x4. */
  hgatp = 0;
  htimedelta = 0n;
  htval = 0;
  mtval2 = 0;
  mtinst = 0;
  vsstatus = 0;
  vstvec = 0;
  vsscratch = 0;
  vsepc = 0;
  vscause = 0;
  vstval = 0;
  vsatp = 0;
  readonly pmp = new Pmp();
  /** mcycle = retired + cycleDelta (mod 2^64), frozen at cycleFrozen while mcountinhibit.CY. */
  cycleDelta = 0n;
  instretDelta = 0n;
  cycleFrozen = 0n;
  instretFrozen = 0n;
  readonly mhpmcounter = new Array<bigint>(32).fill(0n);
  readonly mhpmevent = new Uint32Array(32);

  /** Instructions this hart retired (exact at block boundaries; see exactRetired()). */
  retired = 0;
  /** LR reservation: address (-1 none) and the value LR read (QEMU 7.2 SC compares values). */
  resAddr = -1;
  resValue = 0;

  // --- Run state.
  /** Waiting in WFI until mip & mie != 0 (privileged spec 3.3.3). */
  wfi = false;
  /** Interrupt state may have changed: check before the next block. */
  irqDirty = true;
  /** End the current slice soon (device activity, exit). */
  yieldReq = false;
  /** Non-zero when any of the above needs looking at (one test per block). */
  attention = 1;
  /** Pending synchronous exception from a handler returning R_TRAP. */
  trapCause = 0;
  trapTval = 0;
  /** With trapCause: guest physical address >> 2 for guest-page faults (htval/mtval2), else 0. */
  trapGpa = 0;
  /** Out-parameter of two-stage translation: the guest physical address of a G-stage fault. */
  faultGpa = 0;
  /** Out-parameter of two-stage translation: the guest physical address of the last success. */
  lastGpa = 0;
  /** Out-parameter of two-stage translation: the C-bit of the last success (cvm-model 2.2). */
  lastEnc = 0;
  /** Out-parameter of host Sv32 translation: the host C-bit (cvm-model 1.3), 0 without a host key. */
  lastHostEnc = 0;
  /** C-bit (enc) and memory key id of the last translated access (memory.ts xlate; 0 without encryption). */
  accessEnc = 0;
  accessKey = 0;
  /** Cache tag of the last translated access: ASID (VMID of a guest access, else 0) * 2 + enc. */
  accessCt = 0;
  /** The cache fast path (cache-path.ts), null when caches are off or observed the slow way. */
  cache: HartCache | null = null;
  /** With `cache`: RAM offset of the block about to run (its first instruction) and its fetches' tag. */
  fetchBase = 0;
  fetchCt = 0;
  /**
   * HLV/HSV in progress (0 none, 1 HLV/HSV, 2 HLVX): memory accesses translate as V=1 at privilege
   * hyperPriv (hstatus.SPVP) and fill no TLB entries (8.3.1).
   */
  hyperAccess = 0;
  hyperPriv = 0;
  /** With trapCause: tval is a guest virtual address (two-stage access: hstatus.GVA/mstatush.GVA). */
  trapGva = false;
  /** The last fetch could not use the fetch TLB (PMP boundary in the page, observer): run 1 insn. */
  singleStep = false;
  /** Block being executed and its start pc (exactRetired). */
  curBlock: Block | null = null;
  blockPc = 0;
  /** Debugger: run() stopped at a breakpoint here; the next fetch from this pc executes (-1 none). */
  bpSkip = -1;
  /** Debugger: the block loop found a breakpoint at h.pc and stopped before it. */
  bpHit = false;
  /** Debugger: a watched access happened in the current instruction (cleared by trap entry). */
  watchHit: WatchHit | null = null;
  /** Sdtrig trigger CSRs (triggers.ts). */
  readonly triggers = new TriggerState();
  /** Virtual pcs of armed execute triggers, null when none (the run loop then never looks). */
  trigExec: number[] | null = null;
  /** Virtual page numbers armed load/store triggers touch (kept out of the TLBs), null when none. */
  trigData: Set<number> | null = null;
  /** An AMO/SC is translating (it matches load and store triggers). */
  rmw = false;
  /** Bumped by every trap entry (single-stepping stops after one). */
  trapSeq = 0;
  /**
   * Set by the run loop when the hart takes trap after trap without retiring an instruction (its
   * handler's own fetch or first instruction faults: a jump into nowhere with *tvec pointing nowhere).
   * Nothing can change that state, so the machine stops with a fault instead of spinning forever.
   */
  trapLoop = false;
  /** Debugger: a trap entry the trap-catch filter accepted (the hart stops at its handler). */
  trapHit: { cause: number; interrupt: boolean; toPriv: number; toVirt: boolean } | null = null;
  /** 2 when IALIGN = 32 (no C): target bit 1 set means instruction-address-misaligned. */
  readonly misalignBits: number;

  // --- TLBs: one set per address space (TlbSet.key), an LRU of at most MAX_TLB_SPACES; current views
  // for the fast paths.
  private readonly spaces = new Map<number, TlbSet<CodePage>>();
  /** Bumped by flushTlbs(): sets of an older epoch are flushed when next selected. */
  private tlbEpoch = 0;
  private tlbClock = 0;
  /** spaceKey()'s second and third results: the satp/vsatp and hgatp root PPNs (-1 Bare). */
  private keyRoot = -1;
  private keyGroot = -1;
  /** The set last selected per priv + 4 * V (a hint: valid while its key matches). */
  private readonly recent: (TlbSet<CodePage> | undefined)[] = new Array<TlbSet<CodePage> | undefined>(8).fill(undefined);
  lTag: Int32Array;
  lMem: DataView[];
  lPage: Int32Array;
  lCt: Int32Array;
  sTag: Int32Array;
  sMem: DataView[];
  sPage: Int32Array;
  sCt: Int32Array;
  cTag: Int32Array;
  cMem: DataView[];
  cPage: Int32Array;
  cCt: Int32Array;
  fTag: Int32Array;
  fCode: CodePage[];
  fCt: Int32Array;
  /** Set chosen by the effective data privilege (MPRV) / the fetch privilege. */
  dTlb: TlbSet<CodePage>;
  iTlb: TlbSet<CodePage>;

  constructor(id: number, env: HartEnv) {
    this.id = id;
    this.env = env;
    this.bus = env.bus;
    this.misa = env.isa.misa;
    this.misalignBits = env.isa.c ? 0 : 2;
    this.hasH = env.isa.h;
    this.pmp.onChange = () => this.flushTlbs();
    const t = this.tlbFor(Priv.M, false, null);
    this.dTlb = t;
    this.iTlb = t;
    this.lTag = t.lTag;
    this.lMem = t.lMem;
    this.lPage = t.lPage;
    this.lCt = t.lCt;
    this.sTag = t.sTag;
    this.sMem = t.sMem;
    this.sPage = t.sPage;
    this.sCt = t.sCt;
    this.cTag = t.cTag;
    this.cMem = t.cMem;
    this.cPage = t.cPage;
    this.cCt = t.cCt;
    this.fTag = t.fTag;
    this.fCode = t.fCode;
    this.fCt = t.fCt;
  }

  /** Reset state (privileged spec 3.4): M-mode, MIE = MPRV = 0, misa as configured, pc = `pc`. */
  reset(pc: number): void {
    this.x.fill(0);
    this.pc = pc >>> 0;
    this.setMode(Priv.M, false); // V = 0 (the S fields hold the HS registers again)
    this.mstatus = 0;
    this.mstatush = 0;
    if (this.hasH) this.mideleg |= HS_INTERRUPTS; // read-only one (8.4.2; QEMU 7.2 reset)
    this.wfi = false;
    this.resAddr = -1;
    this.setPriv(Priv.M);
    this.triggers.reset();
    triggersChanged(this);
  }

  get mip(): number {
    return (this.mipHw | this.mipSw) >>> 0;
  }

  /** Privilege for loads and stores: MPP when MPRV is set in M-mode (3.1.6.3). */
  dataPriv(): number {
    if ((this.mstatus & MSTATUS_MPRV) !== 0 && this.priv === Priv.M) {
      return (this.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
    }
    return this.priv;
  }

  /** V for loads and stores: MPV when MPRV is set in M-mode (8.4.1 / 3.1.6.3). */
  dataVirt(): boolean {
    if ((this.mstatus & MSTATUS_MPRV) !== 0 && this.priv === Priv.M) {
      return (this.mstatush & MSTATUSH_MPV) !== 0 && (this.mstatus & MSTATUS_MPP) !== MSTATUS_MPP;
    }
    return this.virt;
  }

  setPriv(p: number): void {
    this.priv = p;
    this.selectTlbs();
    this.markIrq();
  }

  /** Change privilege and V together (trap entry, xRET); swaps the S/VS register banks when V changes. */
  setMode(p: number, virt: boolean): void {
    if (virt !== this.virt) {
      this.swapHypervisorRegs();
      this.virt = virt;
    }
    this.setPriv(p);
  }

  /** Exchange the S-level fields with the v* bank (QEMU 7.2 riscv_cpu_swap_hypervisor_regs). */
  private swapHypervisorRegs(): void {
    const m = SWAP_STATUS;
    const ms = this.mstatus;
    this.mstatus = ((ms & ~m) | (this.vsstatus & m)) >>> 0;
    this.vsstatus = ms & m;
    let t = this.stvec; this.stvec = this.vstvec; this.vstvec = t;
    t = this.sscratch; this.sscratch = this.vsscratch; this.vsscratch = t;
    t = this.sepc; this.sepc = this.vsepc; this.vsepc = t;
    t = this.scause; this.scause = this.vscause; this.vscause = t;
    t = this.stval; this.stval = this.vstval; this.vstval = t;
    t = this.satp; this.satp = this.vsatp; this.vsatp = t;
  }

  /**
   * Point the fast-path views at the TLB sets for the current fetch and data address spaces (privilege,
   * V, and the satp / vsatp / hgatp they translate with). Call after any change of those.
   */
  selectTlbs(): void {
    const i = this.tlbFor(this.priv, this.virt, null);
    const dp = this.dataPriv();
    const dv = this.dataVirt();
    const d = dp === this.priv && dv === this.virt ? i : this.tlbFor(dp, dv, i);
    this.iTlb = i;
    this.dTlb = d;
    this.fTag = i.fTag;
    this.fCode = i.fCode;
    this.fCt = i.fCt;
    this.lTag = d.lTag;
    this.lMem = d.lMem;
    this.lPage = d.lPage;
    this.lCt = d.lCt;
    this.sTag = d.sTag;
    this.sMem = d.sMem;
    this.sPage = d.sPage;
    this.sCt = d.sCt;
    this.cTag = d.cTag;
    this.cMem = d.cMem;
    this.cPage = d.cPage;
    this.cCt = d.cCt;
  }

  /**
   * The set caching translations at `priv` with V = `virt` under the current satp/vsatp/hgatp: the one
   * last used there when it still matches (the common case: a trap or xRET), else tlbLookup().
   */
  private tlbFor(priv: number, virt: boolean, keep: TlbSet<CodePage> | null): TlbSet<CodePage> {
    const key = this.spaceKey(priv, virt);
    const t = this.recent[virt ? priv + 4 : priv];
    if (t !== undefined && t.key === key && t.root === this.keyRoot && t.groot === this.keyGroot && t.epoch === this.tlbEpoch) {
      t.lastUse = ++this.tlbClock;
      return t;
    }
    return this.tlbLookup(key, priv, virt, keep);
  }

  /**
   * The address-space key of `priv` with V = `virt`: bits 0-1 priv, 2 V, 3 (vs)satp.MODE, 4-12 ASID,
   * 13 hgatp.MODE, 14-20 VMID (ASID and VMID fields as written, Bare stages contributing nothing but
   * the VMID). The roots are not in the key (keyRoot, keyGroot): a set found with another root is
   * flushed (same ASID, other page table), so a set never mixes translations of two page tables.
   */
  private spaceKey(priv: number, virt: boolean): number {
    let key = priv;
    let root = -1;
    let groot = -1;
    if (priv !== Priv.M) {
      // While V=1 the S field holds vsatp and the v* field the HS satp (swapHypervisorRegs).
      const atp = virt === this.virt ? this.satp : this.vsatp;
      if (atp < 0) {
        root = atp & 0x3fffff;
        key |= 8 | (((atp >>> 22) & 0x1ff) << 4);
      }
      if (virt) {
        const hg = this.hgatp;
        if (hg >>> 31 !== 0) {
          groot = hg & 0x3fffff;
          key |= 1 << 13;
        }
        key |= 4 | (((hg >>> 22) & 0x7f) << 14);
      }
    }
    this.keyRoot = root;
    this.keyGroot = groot;
    return key;
  }

  /** tlbFor's slow path: find the set of `key` or make it (evicting the LRU set other than `keep`). */
  private tlbLookup(key: number, priv: number, virt: boolean, keep: TlbSet<CodePage> | null): TlbSet<CodePage> {
    const root = this.keyRoot;
    const groot = this.keyGroot;
    let t = this.spaces.get(key);
    if (t === undefined) {
      if (this.spaces.size < MAX_TLB_SPACES) {
        t = new TlbSet<CodePage>(NO_CODE);
      } else {
        let old: TlbSet<CodePage> | undefined;
        for (const s of this.spaces.values()) if (s !== keep && (old === undefined || s.lastUse < old.lastUse)) old = s;
        t = old!;
        this.spaces.delete(t.key);
        t.flush();
      }
      t.key = key;
      t.priv = priv;
      t.virt = virt;
      t.asid = (key & 8) !== 0 ? (key >>> 4) & 0x1ff : -1;
      t.vmid = virt ? (key >>> 14) & 0x7f : -1;
      t.root = root;
      t.groot = groot;
      t.epoch = this.tlbEpoch;
      this.spaces.set(key, t);
    } else if (t.epoch !== this.tlbEpoch || t.root !== root || t.groot !== groot) {
      t.flush();
      t.epoch = this.tlbEpoch;
      t.root = root;
      t.groot = groot;
    }
    t.lastUse = ++this.tlbClock;
    this.recent[virt ? priv + 4 : priv] = t;
    return t;
  }

  /** Flush every TLB set (PMP, mstatus/vsstatus translation bits, debugger changes). */
  /**
   * Translate `va` as this hart's load would (custom instructions, features/types.ts CustomHart): pa,
   * or -1 with the exception recorded. Access checks (the RMP) are not applied: PVALIDATE translates
   * pages the RMP would refuse, that being its purpose.
   */
  translateLoad(va: number): number {
    const env = this.env as { cvm: HartEnv['cvm'] };
    const cvm = env.cvm;
    env.cvm = null;
    try {
      return xlate(this, va, 1, Access.Load);
    } finally {
      env.cvm = cvm;
    }
  }

  flushTlbs(): void {
    this.tlbEpoch++;
    // The current sets now; the others when next selected (tlbFor compares epochs).
    this.iTlb.flush();
    this.iTlb.epoch = this.tlbEpoch;
    this.dTlb.flush();
    this.dTlb.epoch = this.tlbEpoch;
  }

  /**
   * SFENCE.VMA (4.2.1) with V = `virt` false: the HS/S-level spaces (satp); with `virt` true (HFENCE.VVMA,
   * or SFENCE.VMA in VS-mode, 8.3.2): the VS-stage spaces of the current VMID (hgatp.VMID). `asid` -1 =
   * all ASIDs, else only that one (sets of a Bare stage have no ASID and are not flushed then); `va` -1
   * = every page, else the pages a leaf PTE for `va` can cover. Global mappings need no care: an
   * ASID-specific fence does not order them (4.2.1), and sets never share entries.
   */
  fenceVma(virt: boolean, va: number, asid: number): void {
    const vmid = virt ? (this.hgatp >>> 22) & 0x7f : -1;
    for (const t of this.spaces.values()) {
      if (t.virt !== virt || t.priv === Priv.M || (virt && t.vmid !== vmid)) continue;
      if (asid !== -1 && t.asid !== asid) continue;
      if (va === -1) t.flush();
      else t.flushRegion(va);
    }
  }

  /**
   * HFENCE.GVMA (8.3.2): G-stage translations of VMID `vmid` (-1 = all VMIDs). Entries combine both
   * stages and are keyed by guest virtual address, so every set of that VMID is flushed whatever rs1.
   */
  fenceGvma(vmid: number): void {
    for (const t of this.spaces.values()) {
      if (t.virt && (vmid === -1 || t.vmid === vmid)) t.flush();
    }
  }

  /** Debugger view: the cached address spaces, most recently used first (asid -1: Bare or M-mode). */
  tlbSpaces(): { priv: number; virt: boolean; asid: number; vmid: number; entries: number }[] {
    return [...this.spaces.values()]
      .sort((a, b) => b.lastUse - a.lastUse)
      .map((t) => ({
        priv: t.priv,
        virt: t.virt,
        asid: t.asid,
        vmid: t.vmid,
        entries: t.epoch === this.tlbEpoch ? t.count() : 0,
      }));
  }

  /** A RAM page's buffer changed or its role did: drop the entries that name it. */
  flushRamPage(page: number, loads: boolean, stores: boolean, fetches: boolean): void {
    for (const t of this.spaces.values()) t.flushRamPage(page, loads, stores, fetches);
  }

  markIrq(): void {
    this.irqDirty = true;
    this.attention = 1;
  }

  requestYield(): void {
    this.yieldReq = true;
    this.attention = 1;
  }

  /** Device interrupt line into mip (MSIP, MTIP, MEIP, SEIP): level-sensitive (3.1.9). */
  setPending(bit: number, level: boolean): void {
    const m = 1 << bit;
    const v = level ? this.mipHw | m : this.mipHw & ~m;
    if (v === this.mipHw) return;
    this.mipHw = v;
    this.markIrq();
  }

  /** Raise a synchronous exception from a handler: returns R_TRAP (2). */
  raise(cause: number, tval: number): number {
    this.trapCause = cause;
    this.trapTval = tval >>> 0;
    this.trapGpa = 0;
    this.trapGva = false;
    return 2;
  }

  /** Instructions retired including those done so far in the current block. */
  exactRetired(): number {
    const b = this.curBlock;
    if (b === null) return this.retired;
    let p = this.blockPc;
    let k = 0;
    while (p !== this.pc && k < b.n) {
      p = (p + b.insns[k]!.len) >>> 0;
      k++;
    }
    return this.retired + (p === this.pc ? k : 0);
  }
}
