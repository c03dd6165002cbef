/**
 * Integrity (cvm-model 6.2, SEV-SNP-like): the reverse map table, one entry per 4 KiB system page
 * (assigned, asid, gpa, validated, immutable; Linux arch/x86/virt/svm/sev.c names), checked after
 * every translation (features/types.ts checkAccess), changed by RMPUPDATE (hypervisor), PVALIDATE
 * (guest) and the secure processor (launch pages of SNP guests). Rules: emulator/cvm/README.md.
 */
import { CAUSE_INTEGRITY, CAUSE_VC } from '../csr/bits';
import type { AccessInfo, CustomHart, CustomInstruction, Feature, FeatureHost } from '../features/types';
import { POLICY_SNP, type Guest, type SecureProcessor } from './sp';

export interface RmpEntry {
  assigned: boolean;
  asid: number;
  /** Guest-physical page number (gpa >> 12). */
  gpn: number;
  validated: boolean;
  immutable: boolean;
}

/** RMPUPDATE / PVALIDATE results in rd (README.md). */
export const RMP_OK = 0;
export const RMP_FAIL_INPUT = 1;
export const RMP_FAIL_PERMISSION = 2;
export const RMP_NO_CHANGE = 255;

const PAGE = 4096;
const reg = (raw: number, at: number): number => (raw >>> at) & 31;
const hex = (v: number): string => `0x${v.toString(16)}`;

export class Integrity implements Feature {
  readonly name = 'integrity';
  readonly description = 'SEV-SNP-like reverse map table: page ownership and GPA binding checked on every access; RMPUPDATE, PVALIDATE';
  private host: FeatureHost | undefined;
  /** Entries by system page number (pa >> 12); absent = all zero (hypervisor-owned). */
  private rmp = new Map<number, RmpEntry>();
  private faults = 0;
  private lastFault: string | null = null;

  constructor(private readonly sp: SecureProcessor, private readonly ram: { base: number; size: number }) {
    sp.addProtection(POLICY_SNP, {
      activated: (g) => this.assignLaunchPages(g),
      decommissioned: (g) => this.release(g),
    });
  }

  attach(host: FeatureHost): void {
    this.host = host;
  }

  entry(pa: number): Readonly<RmpEntry> | undefined {
    return this.rmp.get(Math.floor(pa / PAGE));
  }

  private snp(vmid: number): boolean {
    const g = this.sp.guestByAsid(vmid);
    return g !== undefined && (g.policy & POLICY_SNP) !== 0;
  }

  checkAccess(a: AccessInfo): number {
    const e = this.rmp.get(Math.floor(a.pa / PAGE));
    if (a.guest) {
      if (a.enc === 1 && this.snp(a.vmid)) {
        if (e === undefined || !e.assigned || e.asid !== a.vmid || e.gpn !== Math.floor(a.gpa / PAGE)) {
          return this.fault(`guest ${a.vmid} ${a.kind} at GPA ${hex(a.gpa)} -> PA ${hex(a.pa)}: ${this.why(e, a)}`);
        }
        return e.validated ? 0 : CAUSE_VC;
      }
      return e?.assigned === true ? this.fault(`guest ${a.vmid} shared ${a.kind} of PA ${hex(a.pa)}, a page assigned to ASID ${e.asid}`) : 0;
    }
    if (a.kind === 'store' && e?.assigned === true) return this.fault(`hypervisor store to PA ${hex(a.pa)}, a page assigned to ASID ${e.asid}`);
    return 0;
  }

  private why(e: RmpEntry | undefined, a: AccessInfo): string {
    if (e === undefined || !e.assigned) return 'the page is not assigned to the guest';
    if (e.asid !== a.vmid) return `the page is assigned to ASID ${e.asid}`;
    return `the page belongs to GPA ${hex(e.gpn * PAGE)} (remapped?)`;
  }

  private fault(what: string): number {
    this.faults++;
    this.lastFault = what;
    return CAUSE_INTEGRITY;
  }

  readonly customInstructions: readonly CustomInstruction[] = [
    { name: 'rmpupdate', execute: (h, raw) => this.rmpupdate(h, raw) },
    { name: 'pvalidate', execute: (h, raw) => this.pvalidate(h, raw) },
  ];

  /** rmpupdate rd, rs1 = system PPN, rs2 = assigned | asid << 1 | gpn << 8 (HS, M). */
  private rmpupdate(h: CustomHart, raw: number): 'next' | 'illegal' | 'virtual' {
    if (h.virt) return 'virtual';
    if (h.priv < 1) return 'illegal';
    const ppn = h.x[reg(raw, 15)]! >>> 0;
    const v = h.x[reg(raw, 20)]! >>> 0;
    const pa = ppn * PAGE;
    const cur = this.rmp.get(ppn);
    let rd = RMP_OK;
    const assigned = (v & 1) !== 0;
    const asid = (v >>> 1) & 0x7f;
    if (pa < this.ram.base || pa >= this.ram.base + this.ram.size || (assigned && asid === 0)) rd = RMP_FAIL_INPUT;
    else if (cur?.immutable === true) rd = RMP_FAIL_PERMISSION;
    else if (assigned) this.rmp.set(ppn, { assigned, asid, gpn: (v >>> 8) & 0x3fffff, validated: false, immutable: false });
    else this.rmp.delete(ppn);
    this.setRd(h, raw, rd);
    if (rd === RMP_OK) this.host?.flushTlbs();
    return 'next';
  }

  /** pvalidate rd, rs1 = guest virtual address, rs2 = 1 validate / 0 rescind (VS). */
  private pvalidate(h: CustomHart, raw: number): 'next' | 'illegal' | 'virtual' | 'trap' {
    if (!h.virt) return 'illegal';
    if (h.priv === 0) return 'virtual';
    const pa = h.translateLoad(h.x[reg(raw, 15)]! >>> 0);
    if (pa < 0) return 'trap';
    const vmid = (h.hgatp >>> 22) & 0x7f;
    const e = this.rmp.get(Math.floor(pa / PAGE));
    const want = h.x[reg(raw, 20)] !== 0;
    let rd = RMP_OK;
    if (e === undefined || !e.assigned || e.asid !== vmid || e.gpn !== Math.floor(h.lastGpa / PAGE)) rd = RMP_FAIL_INPUT;
    else if (e.validated === want) rd = RMP_NO_CHANGE;
    else e.validated = want;
    this.setRd(h, raw, rd);
    if (rd === RMP_OK) this.host?.flushTlbs();
    return 'next';
  }

  private setRd(h: CustomHart, raw: number, v: number): void {
    const rd = reg(raw, 7);
    if (rd !== 0) h.x[rd] = v;
  }

  /** The launch pages of an SNP guest become its own, validated (the VMSA page immutable too). */
  private assignLaunchPages(g: Guest): void {
    if ((g.policy & POLICY_SNP) === 0 || g.asid === null) return;
    for (const p of g.pages) {
      this.rmp.set(Math.floor(p.pa / PAGE), { assigned: true, asid: g.asid, gpn: Math.floor(p.gpa / PAGE), validated: true, immutable: p.vmsa });
    }
    this.host?.flushTlbs();
  }

  private release(g: Guest): void {
    for (const p of g.pages) this.rmp.delete(Math.floor(p.pa / PAGE));
    this.host?.flushTlbs();
  }

  viewState(): unknown {
    const entries = [...this.rmp.entries()].sort((a, b) => a[0] - b[0]).map(([ppn, e]) => ({
      pa: hex(ppn * PAGE), assigned: e.assigned, asid: e.asid, gpa: hex(e.gpn * PAGE), validated: e.validated, immutable: e.immutable,
    }));
    return { entries, faults: this.faults, lastFault: this.lastFault };
  }

  snapshot(): unknown {
    return { rmp: [...this.rmp.entries()].map(([k, e]) => [k, { ...e }]), faults: this.faults, lastFault: this.lastFault };
  }

  restore(s: unknown): void {
    const v = s as { rmp: [number, RmpEntry][]; faults: number; lastFault: string | null };
    this.rmp = new Map(v.rmp.map(([k, e]) => [k, { ...e }]));
    this.faults = v.faults;
    this.lastFault = v.lastFault;
    this.host?.flushTlbs();
  }
}
