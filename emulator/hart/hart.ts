/**
 * One hart's architectural state plus the run-time bookkeeping of the fast paths.
 *
 * Registers live in an Int32Array of 33 slots: x0..x31 and a sink slot (X_SINK) that instructions with
 * rd = x0 write to. CSR state is kept as plain fields (the CSR definitions in emulator/csr/ read and
 * write them). Privilege is `priv` (0 U, 1 S, 3 M) plus `virt` (the hypervisor extension's V bit,
 * always false until H lands).
 */
import {
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  Priv,
} from '../csr/bits';
import type { Bus } from '../mem/bus';
import { Pmp } from '../mmu/pmp';
import { TlbSet } from '../mmu/tlb';
import { NO_CODE, type Block, type CodePage } from './codecache';
import type { HartEnv } from './types';

export class Hart {
  readonly id: number;
  readonly env: HartEnv;
  readonly bus: Bus;
  /** x0..x31 and the x0 write sink (index 32). */
  readonly x = new Int32Array(33);
  /** Address of the current instruction (uint32). Exact at block boundaries and inside handlers. */
  pc = 0;
  priv: number = Priv.M;
  /** Hypervisor V bit (reserved for the H extension). */
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
  /** The last fetch could not use the fetch TLB (PMP boundary in the page, observer): run 1 insn. */
  singleStep = false;
  /** Block being executed and its start pc (exactRetired). */
  curBlock: Block | null = null;
  blockPc = 0;
  /** 2 when IALIGN = 32 (no C): target bit 1 set means instruction-address-misaligned. */
  readonly misalignBits: number;

  // --- TLBs: one set per privilege (index priv + 4 * virt later); current views for the fast paths.
  private readonly tlbs: TlbSet<CodePage>[];
  lTag: Int32Array;
  lMem: DataView[];
  sTag: Int32Array;
  sMem: DataView[];
  fTag: Int32Array;
  fCode: CodePage[];
  /** Set chosen by the effective data privilege (MPRV) / the fetch privilege. */
  dTlb: TlbSet<CodePage>;
  iTlb: TlbSet<CodePage>;

  constructor(id: number, env: HartEnv) {
    this.id = id;
    this.env = env;
    this.bus = env.bus;
    this.misa = env.isa.misa;
    this.misalignBits = env.isa.c ? 0 : 2;
    this.tlbs = [0, 1, 2, 3].map(() => new TlbSet<CodePage>(NO_CODE));
    this.pmp.onChange = () => this.flushTlbs();
    const t = this.tlbs[Priv.M]!;
    this.dTlb = t;
    this.iTlb = t;
    this.lTag = t.lTag;
    this.lMem = t.lMem;
    this.sTag = t.sTag;
    this.sMem = t.sMem;
    this.fTag = t.fTag;
    this.fCode = t.fCode;
  }

  /** Reset state (privileged spec 3.4): M-mode, MIE = MPRV = 0, misa as configured, pc = `pc`. */
  reset(pc: number): void {
    this.x.fill(0);
    this.pc = pc >>> 0;
    this.mstatus = 0;
    this.wfi = false;
    this.resAddr = -1;
    this.setPriv(Priv.M);
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

  setPriv(p: number): void {
    this.priv = p;
    this.selectTlbs();
    this.markIrq();
  }

  /** Point the fast-path views at the TLB sets for the current fetch and data privileges. */
  selectTlbs(): void {
    const i = this.tlbs[this.priv]!;
    const d = this.tlbs[this.dataPriv()]!;
    this.iTlb = i;
    this.dTlb = d;
    this.fTag = i.fTag;
    this.fCode = i.fCode;
    this.lTag = d.lTag;
    this.lMem = d.lMem;
    this.sTag = d.sTag;
    this.sMem = d.sMem;
  }

  flushTlbs(): void {
    for (const t of this.tlbs) t.flush();
  }

  /** A RAM page's buffer changed or its role did: drop the entries that name it. */
  flushRamPage(page: number, loads: boolean, stores: boolean, fetches: boolean): void {
    for (const t of this.tlbs) t.flushRamPage(page, loads, stores, fetches);
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
