/**
 * The debugged program: the machine, its ELF image and debug information, with the lookups the
 * request handlers share (symbols, source lines, memory words, expression contexts).
 *
 * With the hypervisor extension one machine runs several programs: the main ELF (firmware and
 * hypervisor) and guests, whose symbols come from the launch attribute `symbols` (one ELF per VMID).
 * A Target is also a *view*: `forHart(h)` gives the symbols of what hart h runs now (a guest's when
 * V=1 and hgatp.VMID has symbols) and reads memory through the hart's translation; `forSpace(s)`
 * gives the view of a memory-reference space (adapter/protocol.ts). The root Target reads physical
 * memory with the main program's symbols, as before.
 *
 * Memory encryption (cvm-model 2, 3): a view reads what its space's accesses see. `phys:` is DRAM as
 * stored, `dec:<asid>:` decrypts through that ASID's key, `gpa:<vmid>:` uses the VMID's key (private;
 * `gpa:<vmid>:shared:` none), and a hart's view uses its current VMID's key where the VS-stage leaf
 * has the C-bit (always for fetches and with vsatp Bare), as the hardware would (mmu/two-stage.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CSR_BY_NAME, debugTranslate, decode, ElfError, loadElf, vmidOf, type DebugAccess, type DebugTranslation, type ElfImage, type Insn, type Machine } from '../emulator/api';
import { DebugInfo } from '../emulator/debug-info';
import { EvalError, type EvalContext } from './expressions';
import type { GuestSymbolsArgument } from './launch-config';
import { ERR, type AddressSpace } from './protocol';
import { sourceResolver } from './source-paths';
import { fail } from './validate';

/** Reads the launch attribute `symbols`: each guest ELF with its debug information. */
export function loadGuestSymbols(list: GuestSymbolsArgument[], cwd: string, sourceFileMap?: Record<string, string>): GuestSymbols[] {
  return list.map((g, i) => {
    const program = path.resolve(cwd, g.program);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(program);
    } catch (e) {
      fail(`launch attribute 'symbols'[${i}].program: cannot read ${program} (${(e as NodeJS.ErrnoException).code ?? e})`, ERR.cannotRead);
    }
    try {
      const image = loadElf(bytes);
      return { vmid: g.vmid, program, name: path.basename(program).replace(/\.elf$/i, ''), image, info: new DebugInfo(bytes, image, sourceResolver(program, sourceFileMap)) };
    } catch (e) {
      if (e instanceof ElfError) fail(`launch attribute 'symbols'[${i}].program: ${program}: ${e.message}`, ERR.badElf);
      throw e;
    }
  });
}

/** A guest's symbols (launch attribute `symbols`). */
export interface GuestSymbols {
  vmid: number;
  /** Absolute path of the guest ELF. */
  program: string;
  /** Short name for thread and frame names: the file name without `.elf`. */
  name: string;
  image: ElfImage;
  info: DebugInfo;
}

/** What the views of one machine share. */
interface Shared {
  mainImage: ElfImage;
  mainInfo: DebugInfo | undefined;
  guests: Map<number, GuestSymbols>;
  /** The last hgatp seen for each VMID (the hardware holds only the current one). */
  roots: Map<number, number>;
  /** While withKeysUsed() runs: the ASIDs whose keys the reads used. */
  keysUsed?: Set<number>;
}

const HGATP = 0x680;

export class Target {
  private readonly shared: Shared;
  /** Where this view reads: physical (root), a hart's translation, or a VMID's guest-physical space. */
  readonly space: AddressSpace;
  /** The guest whose symbols this view uses (undefined: the main program's). */
  readonly guest: GuestSymbols | undefined;

  constructor(readonly machine: Machine, readonly image: ElfImage, readonly info: DebugInfo | undefined,
    guests: GuestSymbols[] | Shared = [], space: AddressSpace = { kind: 'phys' }, guest?: GuestSymbols) {
    this.shared = Array.isArray(guests)
      ? { mainImage: image, mainInfo: info, guests: new Map(guests.map((g) => [g.vmid, g])), roots: new Map() }
      : guests;
    this.space = space;
    this.guest = guest;
  }

  get guests(): ReadonlyMap<number, GuestSymbols> {
    return this.shared.guests;
  }

  addGuests(list: GuestSymbols[]): void {
    for (const g of list) this.shared.guests.set(g.vmid, g);
  }

  /** The VMID hart `hart` runs now (V=1), undefined in the host (V=0). */
  vmidOf(hart: number): number | undefined {
    const h = this.machine.harts[hart]!;
    return h.virt ? vmidOf(this.machine.readCsr(hart, HGATP) ?? 0) : undefined;
  }

  /** The view of what hart `hart` runs now: its guest's symbols when it has some, its translation. */
  forHart(hart: number): Target {
    const vmid = this.vmidOf(hart);
    const g = vmid === undefined ? undefined : this.shared.guests.get(vmid);
    return this.view({ kind: 'va', hart }, g);
  }

  /** The view of guest `vmid`'s symbols reading guest-physical memory (undefined without such symbols: main's). */
  forVmid(vmid: number): Target {
    return this.view({ kind: 'gpa', vmid }, this.shared.guests.get(vmid));
  }

  /** The view of a memory reference's space. */
  forSpace(space: AddressSpace): Target {
    if (space.kind === 'va') return this.forHart(space.hart);
    if (space.kind === 'gpa') return this.view(space, this.shared.guests.get(space.vmid));
    return this.view(space, undefined);
  }

  private view(space: AddressSpace, g: GuestSymbols | undefined): Target {
    return new Target(this.machine, g?.image ?? this.shared.mainImage, g ? g.info : this.shared.mainInfo, this.shared, space, g);
  }

  /** Debug information for what hart `hart` runs now. */
  infoOf(hart: number): DebugInfo | undefined {
    return this.forHart(hart).info;
  }

  /** Remember the G-stage roots the harts use now (call at every stop). */
  noteRoots(): void {
    this.machine.harts.forEach((h, i) => {
      if (!h.hasH) return;
      const hg = this.machine.readCsr(i, HGATP) ?? 0;
      if (hg >>> 31 !== 0) this.shared.roots.set(vmidOf(hg), hg);
    });
  }

  /** The G-stage root (an hgatp value) of `vmid`: a hart's current one, else the last one seen. */
  rootOf(vmid: number): number | undefined {
    for (let i = 0; i < this.machine.harts.length; i++) {
      const hg = this.machine.readCsr(i, HGATP) ?? 0;
      if (hg >>> 31 !== 0 && vmidOf(hg) === vmid) return hg;
    }
    return this.shared.roots.get(vmid);
  }

  /**
   * System-physical address of `addr` in `space`, or why there is none; `enc` is the C-bit when the
   * machine encrypts memory and the space is a guest's (gpa: names it, va: of a guest finds it).
   */
  translate(space: AddressSpace, addr: number, access: DebugAccess = 'read'): DebugTranslation {
    if (space.kind === 'phys') return { ok: true, pa: addr >>> 0 };
    if (space.kind === 'va') {
      if (!this.machine.harts[space.hart]) return { ok: false, reason: `no hart ${space.hart}` };
      return debugTranslate(this.machine, space.hart, addr, { kind: 'virt' }, access);
    }
    const hgatp = this.rootOf(space.vmid);
    if (hgatp === undefined) return { ok: false, reason: `the G-stage table of VMID ${space.vmid} is unknown: no hart has used it while the debugger looked` };
    const tr = debugTranslate(this.machine, 0, addr, { kind: 'guestPhys', vmid: space.vmid, hgatp }, access);
    return tr.ok && this.machine.ram.cipher !== undefined ? { ...tr, enc: space.shared === true ? 0 : 1 } : tr;
  }

  /**
   * The ASID whose key an access at a translated address of `space` uses (0: DRAM as it is), as the
   * hardware chooses it (cvm-model 2.2-2.4): the reference's for phys / dec / gpa, the hart's VMID for
   * a private access of a guest (its C-bit, or a fetch).
   */
  accessAsid(space: AddressSpace, tr: DebugTranslation, fetch = false): number {
    if (space.kind === 'phys') return space.asid ?? 0;
    if (space.kind === 'gpa') return space.shared === true && !fetch ? 0 : space.vmid;
    const vmid = this.vmidOf(space.hart);
    if (vmid === undefined || this.machine.ram.cipher === undefined) return 0;
    return fetch || (tr.ok && tr.enc === 1) ? vmid : 0;
  }

  /** Runs `fn`; also returns the ASIDs whose keys its reads of memory used (for NODBG notes). */
  withKeysUsed<T>(fn: () => T): { value: T; asids: number[] } {
    const outer = this.shared.keysUsed;
    const used = new Set<number>();
    this.shared.keysUsed = used;
    try {
      const value = fn();
      return { value, asids: [...used] };
    } finally {
      this.shared.keysUsed = outer;
      if (outer !== undefined) for (const a of used) outer.add(a);
    }
  }

  /** Little-endian value of `size` bytes at physical `addr` (decrypted through ASID `asid`'s key), undefined outside RAM. */
  readPhys(addr: number, size: number, asid = 0): number | undefined {
    try {
      const b = this.machine.readPhys(addr, size, asid);
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = (v << 8) | b[i]!;
      return size === 4 ? v | 0 : v;
    } catch {
      return undefined;
    }
  }

  /**
   * Little-endian value of `size` bytes at `addr` in this view's space (the root: physical),
   * undefined when unmapped or outside RAM. Accesses may cross a page. `fetch`: read as instruction
   * fetches are (private in a guest, cvm-model 2.3).
   */
  read(addr: number, size: number, fetch = false): number | undefined {
    const b = this.readBytes(addr, size, fetch);
    if (b === undefined) return undefined;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | b[i]!;
    return size === 4 ? v | 0 : v;
  }

  /** `size` bytes at `addr` of this view's space as its accesses see them, page by page; undefined when any byte has no place. */
  readBytes(addr: number, size: number, fetch = false): Uint8Array | undefined {
    const out = new Uint8Array(size);
    for (let n = 0; n < size; ) {
      const a = (addr + n) >>> 0;
      const tr = this.translate(this.space, a);
      if (!tr.ok) return undefined;
      const chunk = Math.min(size - n, 4096 - (a % 4096));
      const asid = this.accessAsid(this.space, tr, fetch);
      try {
        out.set(this.machine.readPhys(tr.pa, chunk, asid), n);
      } catch {
        return undefined;
      }
      if (asid !== 0) this.shared.keysUsed?.add(asid);
      n += chunk;
    }
    return out;
  }

  /** The instruction at `pc` in this view's space (the root: physical). */
  fetch(pc: number): Insn | undefined {
    const lo = this.read(pc, 2, true);
    if (lo === undefined) return undefined;
    if ((lo & 3) !== 3) return decode(lo);
    const hi = this.read(pc + 2, 2, true);
    return hi === undefined ? undefined : decode((lo | (hi << 16)) >>> 0);
  }

  /** The instruction at `pc` as hart `hart` fetches it now. */
  fetchOn(hart: number, pc: number): Insn | undefined {
    return this.forHart(hart).fetch(pc);
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

  /** The guest whose sources include `file` (undefined: the main program's, or nobody's). */
  guestOfSource(file: string): GuestSymbols | undefined {
    if (this.shared.mainInfo?.matchFiles(file).length) return undefined;
    for (const g of this.shared.guests.values()) if (g.info.matchFiles(file).length) return g;
    return undefined;
  }

  /** What expressions on hart `hart` can see; `regs` overrides the live registers (an outer frame). */
  evalContext(hart: number, regs?: Int32Array, pc?: number): EvalContext {
    if (this.space.kind !== 'va' || this.space.hart !== hart) return this.forHart(hart).evalContext(hart, regs, pc);
    const h = this.machine.harts[hart]!;
    const csrNums = CSR_BY_NAME;
    return {
      reg: (i) => (regs ?? h.x)[i]! | 0,
      pc: () => (pc ?? h.pc) | 0,
      csr: (name) => {
        const n = csrNums.get(name);
        return n === undefined ? undefined : this.machine.readCsr(hart, n);
      },
      symbol: (name) => this.symbolNamed(name),
      vmid: () => this.vmidOf(hart),
      ownsSymbols: (v) => this.shared.guests.has(v),
      load: (addr, size) => {
        const v = this.read(addr, size);
        if (v === undefined) {
          const t = this.translate(this.space, addr >>> 0);
          throw new EvalError(`cannot read ${size} bytes at 0x${(addr >>> 0).toString(16)}: ${t.ok ? 'not in RAM' : t.reason}`);
        }
        return v;
      },
    };
  }

  /** The symbol `name` of this view's program (a global one before a local one). */
  symbolNamed(name: string): { address: number; size: number; isObject: boolean } | undefined {
    let best: (typeof this.image.symbols)[number] | undefined;
    for (const s of this.image.symbols) {
      if (s.name !== name || s.type === 'file' || s.type === 'section') continue;
      if (!best || (best.bind === 'local' && s.bind !== 'local')) best = s;
    }
    return best ? { address: best.value >>> 0, size: best.size, isObject: best.type === 'object' } : undefined;
  }

  /** Whether hart `hart`'s addresses are not physical ones now (V=1 or satp paging in S/U). */
  translated(hart: number): boolean {
    const h = this.machine.harts[hart]!;
    if (h.virt) return true;
    return h.priv !== 3 && ((this.machine.readCsr(hart, 0x180) ?? 0) >>> 31) !== 0;
  }
}
