/**
 * The machine's feature registry: holds the features, turns the hart's slow-path memory observer
 * reports (hart/types.ts MemoryObserver) into typed events, and derives VM entry and exit.
 *
 * What the observer gives (hart, Access, va, pa, size) is completed from the hart's state at the time
 * of the report: privilege and V of the access (as memory.ts xlate computes them), hgatp.VMID, the
 * satp/vsatp ASID. Things the observer does not tell yet are derived, with limits noted where they
 * are made (see emulator/cache/README.md, "hooks"):
 * - cbo.*: exec-sys.ts checks permission with a 1-byte load (or store) translation, which reaches the
 *   observer; a 1-byte data access by an instruction whose bits are a cbo.* is reported as that cbo.
 * - fetch size: the observer reports 2; the instruction's length is read from RAM.
 * - VM entry/exit: the hart's V at successive instruction fetches.
 */
import type { Hart } from '../hart/hart';
import type { MemoryObserver } from '../hart/types';
import type { Ram } from '../mem/ram';
import type { CacheEvent, Feature, FeatureHost, HartView, MemKind, MemTransaction, VmTransition } from './types';

const MSTATUS_MPRV = 1 << 17;
const KIND: readonly MemKind[] = ['fetch', 'load', 'store'];
/** Zicbom encodings (opcodes.ts): raw & CBO_MASK. */
const CBO_MASK = 0xfff07fff;
const CBO_KIND = new Map<number, MemKind>([[0x0000200f, 'cbo.inval'], [0x0010200f, 'cbo.clean'], [0x0020200f, 'cbo.flush']]);

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
  /** Per hart: pa of the last instruction fetch (-1 unknown), V and VMID seen there (-1 unknown). */
  private readonly fetchPa: number[];
  private readonly lastVirt: number[];
  private readonly lastVmid: number[];

  constructor(private readonly hartList: readonly Hart[], private readonly ram: Ram) {
    this.fetchPa = hartList.map(() => -1);
    this.lastVirt = hartList.map(() => -1);
    this.lastVmid = hartList.map(() => 0);
  }

  get features(): readonly Feature[] {
    return this.list;
  }

  /** Some feature needs the memory observer. */
  get observing(): boolean {
    return this.mem.length + this.xlate.length + this.vm.length > 0;
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
  }

  hart(i: number): HartView {
    const h = this.hartList[i];
    if (h === undefined) throw new RangeError(`no hart ${i}`);
    return h;
  }

  readPhys(pa: number, len: number): Uint8Array {
    const off = pa - this.ram.base;
    if (off < 0 || off + len > this.ram.size) throw new RangeError(`readPhys: 0x${pa.toString(16)} is not in RAM`);
    return this.ram.readBytes(off, len);
  }

  cacheEvent(e: CacheEvent): void {
    for (const f of this.cache) f.onCacheEvent!(e);
  }

  /** Forget per-hart history (after a snapshot restore or a load): the next fetch sets a new baseline. */
  resetHistory(): void {
    this.fetchPa.fill(-1);
    this.lastVirt.fill(-1);
  }

  private isRam(pa: number, size: number): boolean {
    const off = pa - this.ram.base;
    return off >= 0 && off + size <= this.ram.size;
  }

  /** Raw 32 bits (or 16 for a compressed instruction) at RAM pa; -1 when not RAM. */
  private insnAt(pa: number): number {
    if (pa < 0 || !this.isRam(pa, 2)) return -1;
    const off = pa - this.ram.base;
    const lo = this.ram.read(off, 2);
    if ((lo & 3) !== 3 || (off & 0xfff) > 0xffc || !this.isRam(pa, 4)) return lo;
    return this.ram.read(off, 4) >>> 0;
  }

  access(hart: number, kind: number, va: number, pa: number, size: number): void {
    this.next?.access(hart, kind, va, pa, size);
    const h = this.hartList[hart]!;
    const t = this.tx;
    let k = KIND[kind]!;
    let priv: number;
    let virt: boolean;
    if (h.hyperAccess !== 0) {
      priv = h.hyperPriv;
      virt = true;
    } else if (kind === 0) {
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
    if (kind === 0) {
      if (va === h.pc) {
        // The instruction's own fetch (a second report at pc + 2 is the upper parcel of a straddler).
        this.fetchPa[hart] = pa;
        const raw = this.insnAt(pa);
        if (raw >= 0 && (raw & 3) === 3 && (pa & 0xfff) <= 0xffc) size = 4;
        if (this.vm.length > 0) this.vmCheck(h, vmid);
      }
    } else if (size === 1 && this.fetchPa[hart]! >= 0) {
      const raw = this.insnAt(this.fetchPa[hart]!);
      const c = raw >= 0 ? CBO_KIND.get((raw & CBO_MASK) >>> 0) : undefined;
      if (c !== undefined) k = c;
    }
    // The atp that translates this access: while V=1 the S fields hold the VS registers.
    let spaceAsid = -1;
    let gpa: number | undefined;
    if (virt) {
      const vsatp = h.virt ? h.satp : h.vsatp;
      if (vsatp < 0) spaceAsid = (vsatp >>> 22) & 0x1ff;
      else gpa = va;
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
    t.enc = 0;
    t.va = va;
    t.gpa = gpa;
    t.pa = pa;
    t.size = size;
    t.ram = this.isRam(pa, size);
    for (const f of this.xlate) f.onTranslate!(t);
    for (const f of this.mem) f.onMemory!(t);
  }

  private vmCheck(h: Hart, vmid: number): void {
    const v = h.virt ? 1 : 0;
    const last = this.lastVirt[h.id]!;
    this.lastVirt[h.id] = v;
    if (v === 1) {
      const prev = this.lastVmid[h.id]!;
      this.lastVmid[h.id] = vmid;
      if (last === 1 && prev !== vmid) {
        // hgatp changed while in V=1 cannot happen (hgatp is HS state), but be exact if M changed it.
        this.emitVm({ type: 'exit', hart: h.id, vmid: prev, priv: h.priv, pc: h.pc, cause: undefined });
        this.emitVm({ type: 'entry', hart: h.id, vmid, priv: h.priv, pc: h.pc, cause: undefined });
        return;
      }
    }
    if (last === -1 || last === v) return;
    if (v === 1) this.emitVm({ type: 'entry', hart: h.id, vmid, priv: h.priv, pc: h.pc, cause: undefined });
    else this.emitVm({ type: 'exit', hart: h.id, vmid: this.lastVmid[h.id]!, priv: h.priv, pc: h.pc, cause: (h.priv === 3 ? h.mcause : h.scause) >>> 0 });
  }

  private emitVm(e: VmTransition): void {
    for (const f of this.vm) f.onVmTransition!(e);
  }

  /** Feature snapshots by name (features without snapshot() are left out). */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.list) if (f.snapshot) out[f.name] = f.snapshot();
    return out;
  }

  restore(s: Record<string, unknown> | undefined): void {
    this.resetHistory();
    if (s === undefined) return;
    for (const f of this.list) if (f.restore && f.name in s) f.restore(s[f.name]);
  }
}
