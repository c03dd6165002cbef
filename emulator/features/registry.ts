/**
 * The machine's feature registry: holds the features and turns the hart's slow-path observer reports
 * (hart/types.ts MemoryObserver) into typed events.
 *
 * The hart reports exactly what happened: loads, stores and fetches with their length and, for guest
 * accesses, the guest-physical address out of two-stage translation (access()); Zicbom operations as
 * such (cbo()); privilege and V at every trap entry and xRET (mode()), from which VM entries and exits
 * are reported at the switching instruction. What the registry adds from the hart's state at the time
 * of the report: privilege and V of the access (as memory.ts xlate computes them), hgatp.VMID, the
 * satp/vsatp ASID.
 */
import type { Hart } from '../hart/hart';
import type { CboOp, CustomExec, CvmHooks, MemoryObserver } from '../hart/types';
import { Access } from '../mmu/sv32';
import type { Bus } from '../mem/bus';
import type { RamCipher } from '../mem/ram';
import type { AccessInfo, CacheEvent, Feature, FeatureHost, HartView, MemKind, MemTransaction, VmGuard, VmTransition } from './types';

const MSTATUS_MPRV = 1 << 17;
const KIND: readonly MemKind[] = ['fetch', 'load', 'store'];
const CBO_KIND: Record<CboOp, MemKind> = { clean: 'cbo.clean', flush: 'cbo.flush', inval: 'cbo.inval' };

const ACCESS_KIND = ['fetch', 'load', 'store'] as const;
const vmidOf = (h: Hart): number => (h.hgatp >>> 22) & 0x7f;

export class FeatureRegistry implements MemoryObserver, FeatureHost {
  private readonly list: Feature[] = [];
  private mem: Feature[] = [];
  private xlate: Feature[] = [];
  private vm: Feature[] = [];
  private cache: Feature[] = [];
  /** An observer set with machine.setObserver, called first. */
  next: MemoryObserver | undefined;
  private readonly tx: MemTransaction = {
    hart: 0, kind: 'load', priv: 3, virt: false, vmid: 0, asid: 0, spaceAsid: -1, enc: 0, va: 0, gpa: undefined, pa: 0, size: 0, ram: false,
  };
  private get ram(): Bus['ram'] {
    return this.bus.ram;
  }

  constructor(private readonly hartList: readonly Hart[], private readonly bus: Bus) {}

  get features(): readonly Feature[] {
    return this.list;
  }

  /** Some feature needs the memory observer. */
  get observing(): boolean {
    return this.mem.length + this.xlate.length + this.vm.length > 0;
  }

  /** `f` is the only feature that observes memory (the cache fast path may then replace the observer). */
  observesAlone(f: Feature): boolean {
    return this.mem.length === 1 && this.mem[0] === f && this.xlate.length + this.vm.length === 0;
  }

  get harts(): number {
    return this.hartList.length;
  }

  get wantsCacheEvents(): boolean {
    return this.cache.length > 0;
  }

  add(f: Feature): void {
    if (this.list.some((g) => g.name === f.name)) throw new Error(`a feature named '${f.name}' is already attached`);
    this.list.push(f);
    if (f.onMemory) this.mem.push(f);
    if (f.onTranslate) this.xlate.push(f);
    if (f.onVmTransition) this.vm.push(f);
    if (f.onCacheEvent) this.cache.push(f);
    f.attach?.(this);
    if (f.vmGuard || f.checkAccess || f.customInstructions?.length) this.installHooks();
  }

  /** The hart-side hooks (hart/types.ts CvmHooks) over every feature's vmGuard, checkAccess and custom instructions. */
  private installHooks(): void {
    const guards: VmGuard[] = this.list.flatMap((f) => (f.vmGuard ? [f.vmGuard] : []));
    const checkers = this.list.filter((f) => f.checkAccess !== undefined);
    const custom = new Map<string, CustomExec>();
    for (const f of this.list) {
      for (const ci of f.customInstructions ?? []) custom.set(ci.name, (h, raw) => ci.execute(h, raw));
    }
    const info: AccessInfo = { hart: 0, kind: 'load', guest: false, vmid: 0, enc: 0, va: 0, gpa: 0, pa: 0 };
    const hooks: CvmHooks = {
      reflect: (h, code) => {
        for (const g of guards) {
          const r = g.reflect?.(h, vmidOf(h), code);
          if (r !== undefined) return r;
        }
        return -1;
      },
      exited: (h, code, interrupt, pc) => { for (const g of guards) g.exited?.(h, vmidOf(h), code, interrupt, pc); },
      entering: (h) => {
        let pc = -1;
        for (const g of guards) pc = g.entering?.(h, vmidOf(h)) ?? pc;
        return pc;
      },
      check: (h, access, va, pa, guest, enc) => {
        if (checkers.length === 0) return 0;
        info.hart = h.id;
        info.kind = ACCESS_KIND[access === Access.Fetch ? 0 : access === Access.Load ? 1 : 2];
        info.guest = guest;
        info.vmid = guest ? vmidOf(h) : 0;
        info.enc = enc;
        info.va = va;
        info.gpa = guest ? h.lastGpa : 0;
        info.pa = pa;
        for (const f of checkers) {
          const c = f.checkAccess!(info);
          if (c !== 0) return c;
        }
        return 0;
      },
      custom: (name) => custom.get(name),
    };
    for (const h of this.hartList) h.env.cvm = hooks;
    this.flushTlbs();
  }

  keyFor(asid: number): number {
    const c = this.ram.cipher;
    return asid === 0 || c === undefined ? 0 : c.keyFor(asid, 1);
  }

  flushTlbs(): void {
    for (const h of this.hartList) h.flushTlbs();
  }

  addCycles(hart: number, n: number): void {
    const h = this.hartList[hart]!;
    if ((h.mcountinhibit & 1) === 0) h.cycleDelta = (h.cycleDelta + BigInt(n)) & 0xffff_ffff_ffff_ffffn;
  }

  lineData(op: 'dirty' | 'written' | 'lost', pa: number, len: number, asid: number, enc: number): void {
    const off = pa - this.ram.base;
    if (off < 0 || off + len > this.ram.size) return;
    const key = this.ram.cipher?.keyFor(asid, enc) ?? 0;
    if (op === 'dirty') this.ram.lineDirtied(off, len, key);
    else if (op === 'written') this.ram.writeBackLine(off, len, key);
    else if (this.ram.revertLine(off, len, key)) this.bus.onRamWrite(off, len); // decoded code there is stale
  }

  hart(i: number): HartView {
    const h = this.hartList[i];
    if (h === undefined) throw new RangeError(`no hart ${i}`);
    return h;
  }

  readPhys(pa: number, len: number, key = 0): Uint8Array {
    const off = pa - this.ram.base;
    if (off < 0 || off + len > this.ram.size) throw new RangeError(`readPhys: 0x${pa.toString(16)} is not in RAM`);
    return this.ram.readBytes(off, len, key);
  }

  writePhys(pa: number, data: Uint8Array, key = 0): void {
    const off = pa - this.ram.base;
    if (off < 0 || off + data.length > this.ram.size) throw new RangeError(`writePhys: 0x${pa.toString(16)} is not in RAM`);
    this.bus.writeRamBytes(pa, data, key);
  }

  installCipher(c: RamCipher): void {
    if (this.ram.cipher !== undefined) throw new Error('this machine already has a memory encryption engine');
    this.ram.cipher = c;
    for (const h of this.hartList) h.flushTlbs();
  }

  dropKey(key: number): void {
    this.ram.dropKey(key);
  }

  viewCounts(): Map<number, number> {
    return this.ram.viewCounts();
  }

  cacheEvent(e: CacheEvent): void {
    for (const f of this.cache) f.onCacheEvent!(e);
  }

  private isRam(pa: number, size: number): boolean {
    const off = pa - this.ram.base;
    return off >= 0 && off + size <= this.ram.size;
  }

  access(hart: number, kind: number, va: number, pa: number, size: number, gpa?: number): void {
    this.next?.access(hart, kind, va, pa, size, gpa);
    this.emit(hart, kind, KIND[kind]!, va, pa, size, gpa);
  }

  cbo(hart: number, op: CboOp, va: number, pa: number, gpa?: number): void {
    const n = this.next;
    if (n?.cbo !== undefined) n.cbo(hart, op, va, pa, gpa);
    else n?.access(hart, 1, va, pa, 1, gpa); // as the hart reports it to observers without cbo()
    this.emit(hart, 1, CBO_KIND[op], va, pa, 1, gpa);
  }

  mode(hart: number, fromPriv: number, fromVirt: boolean, priv: number, virt: boolean, pc: number, cause: number | undefined): void {
    this.next?.mode?.(hart, fromPriv, fromVirt, priv, virt, pc, cause);
    if (fromVirt === virt || this.vm.length === 0) return;
    const vmid = (this.hartList[hart]!.hgatp >>> 22) & 0x7f;
    const e: VmTransition = virt
      ? { type: 'entry', hart, vmid, priv, pc, cause: undefined }
      : { type: 'exit', hart, vmid, priv, pc, cause };
    for (const f of this.vm) f.onVmTransition!(e);
  }

  /** One transaction; `access` (0 fetch, 1 load, 2 store) selects how privilege and V are found. */
  private emit(hart: number, access: number, k: MemKind, va: number, pa: number, size: number, gpa: number | undefined): void {
    if (this.mem.length + this.xlate.length === 0) return;
    const h = this.hartList[hart]!;
    const t = this.tx;
    let priv: number;
    let virt: boolean;
    if (h.hyperAccess !== 0) {
      priv = h.hyperPriv;
      virt = true;
    } else if (access === 0) {
      priv = h.priv;
      virt = h.virt;
    } else if ((h.mstatus & MSTATUS_MPRV) !== 0 && h.priv === 3) {
      priv = h.dataPriv();
      virt = h.dataVirt();
    } else {
      priv = h.priv;
      virt = h.virt;
    }
    const vmid = virt ? (h.hgatp >>> 22) & 0x7f : 0;
    // The atp that translates this access: while V=1 the S fields hold the VS registers.
    let spaceAsid = -1;
    if (virt) {
      const vsatp = h.virt ? h.satp : h.vsatp;
      if (vsatp < 0) spaceAsid = (vsatp >>> 22) & 0x1ff;
    } else if (priv !== 3) {
      const satp = h.virt ? h.vsatp : h.satp;
      if (satp < 0) spaceAsid = (satp >>> 22) & 0x1ff;
    }
    t.hart = hart;
    t.kind = k;
    t.priv = priv;
    t.virt = virt;
    t.vmid = vmid;
    t.asid = vmid;
    t.spaceAsid = spaceAsid;
    t.enc = h.accessEnc;
    t.va = va;
    t.gpa = virt ? gpa : undefined;
    t.pa = pa;
    t.size = size;
    t.ram = this.isRam(pa, size);
    for (const f of this.xlate) f.onTranslate!(t);
    for (const f of this.mem) f.onMemory!(t);
  }

  /** Feature snapshots by name (features without snapshot() are left out). */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.list) if (f.snapshot) out[f.name] = f.snapshot();
    return out;
  }

  restore(s: Record<string, unknown> | undefined): void {
    if (s === undefined) return;
    for (const f of this.list) if (f.restore && f.name in s) f.restore(s[f.name]);
  }
}
