/**
 * Register protection (cvm-model 6.1, SEV-ES-like), a feature acting at VM exits and entries
 * (features/types.ts VmGuard). For a guest whose launch policy has ES (or SNP) and that has a VM save
 * area (LAUNCH_UPDATE_VMSA):
 * - automatic exits (interrupts, guest-page faults, ecall from VS, integrity faults) save x1..x31, pc
 *   and the VS CSRs into the VMSA (guest-private memory: encrypted with the guest's key), then clear
 *   them and hide the guest pc (xepc = 0) before the handler runs;
 * - every other exception is reflected into the guest as #VC (cause 24, vstval = the cause);
 * - sret/mret into the guest restores everything from the VMSA, whatever the hypervisor wrote.
 * Layout and rules: emulator/cvm/README.md.
 */
import { CAUSE_INTEGRITY, CAUSE_VC } from '../csr/bits';
import type { Feature, FeatureHost, VmGuard } from '../features/types';
import { POLICY_ES, POLICY_SNP, type SecureProcessor } from './sp';

/** Exceptions that exit to the hypervisor with the state saved (AMD: automatic exits); others raise #VC. */
const AUTOMATIC = new Set([10, 20, 21, 23, CAUSE_INTEGRITY]);
const ECALL_VS = 10;
/** VMSA words: 0 unused, 1..31 x1..x31, then pc and the VS CSRs (README.md). */
const W_PC = 32;
const VS_FIELDS = ['vsstatus', 'vstvec', 'vsscratch', 'vsepc', 'vscause', 'vstval', 'vsatp'] as const;
export const VMSA_BYTES = (W_PC + 1 + VS_FIELDS.length) * 4;

/** A VM save area's contents (layout: README.md). */
export interface VmsaState {
  /** x0..x31 (x0 always 0). */
  x: Int32Array;
  /** Where the guest resumes. */
  pc: number;
  /** The VS CSRs by field name; vsatp signed (MODE in bit 31 tests as < 0), the others unsigned. */
  vs: Record<(typeof VS_FIELDS)[number], number>;
}

/** Decode VMSA bytes (as the guest's key decrypts them): for VM entry and for the debugger. */
export function decodeVmsa(b: Uint8Array): VmsaState {
  const w = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const x = new Int32Array(32);
  for (let i = 1; i < 32; i++) x[i] = w.getInt32(4 * i, true);
  const vs = {} as VmsaState['vs'];
  VS_FIELDS.forEach((f, i) => { vs[f] = f === 'vsatp' ? w.getInt32(4 * (W_PC + 1 + i), true) : w.getUint32(4 * (W_PC + 1 + i), true); });
  return { x, pc: w.getUint32(4 * W_PC, true), vs };
}

interface GuestStats {
  exits: number;
  entries: number;
  reflected: number;
}

export class RegisterProtection implements Feature {
  readonly name = 'register-protection';
  readonly description = 'SEV-ES-like: guest registers saved encrypted in the VMSA and cleared at every exit; #VC for other intercepts';
  private host: FeatureHost | undefined;
  private stats = new Map<number, GuestStats>();
  private last: { vmid: number; event: string } | null = null;

  constructor(private readonly sp: SecureProcessor) {
    sp.addProtection(POLICY_ES, {});
  }

  attach(host: FeatureHost): void {
    this.host = host;
  }

  /** The VMSA address of `vmid` when it is a register-protected guest with a key bound, else undefined. */
  vmsaOf(vmid: number): number | undefined {
    const g = this.sp.guestByAsid(vmid);
    if (g === undefined || (g.policy & (POLICY_ES | POLICY_SNP)) === 0 || g.vmsa === null) return undefined;
    return this.host !== undefined && this.host.keyFor(vmid) !== 0 ? g.vmsa : undefined;
  }

  readonly vmGuard: VmGuard = {
    reflect: (_h, vmid, code) => {
      if (AUTOMATIC.has(code) || this.vmsaOf(vmid) === undefined) return undefined;
      this.count(vmid).reflected++;
      this.last = { vmid, event: `#VC for cause ${code}` };
      return CAUSE_VC;
    },
    exited: (h, vmid, code, interrupt, guestPc) => {
      const vmsa = this.vmsaOf(vmid);
      if (vmsa === undefined) return;
      const w = new DataView(new ArrayBuffer(VMSA_BYTES));
      for (let i = 1; i < 32; i++) w.setInt32(4 * i, h.x[i]!, true);
      w.setUint32(4 * W_PC, (!interrupt && code === ECALL_VS ? guestPc + 4 : guestPc) >>> 0, true);
      VS_FIELDS.forEach((f, i) => w.setUint32(4 * (W_PC + 1 + i), h[f] >>> 0, true));
      this.host!.writePhys(vmsa, new Uint8Array(w.buffer), this.host!.keyFor(vmid));
      h.x.fill(0, 1, 32);
      for (const f of VS_FIELDS) h[f] = 0;
      if (h.priv === 3) h.mepc = 0;
      else h.sepc = 0;
      this.count(vmid).exits++;
      this.last = { vmid, event: `${interrupt ? 'interrupt' : 'exception'} ${code}: state saved to the VMSA and cleared` };
    },
    entering: (h, vmid) => {
      const vmsa = this.vmsaOf(vmid);
      if (vmsa === undefined) return undefined;
      const s = decodeVmsa(this.host!.readPhys(vmsa, VMSA_BYTES, this.host!.keyFor(vmid)));
      h.x.set(s.x.subarray(1), 1);
      for (const f of VS_FIELDS) h[f] = s.vs[f];
      this.count(vmid).entries++;
      this.last = { vmid, event: 'entry: state restored from the VMSA' };
      return s.pc;
    },
  };

  private count(vmid: number): GuestStats {
    let s = this.stats.get(vmid);
    if (s === undefined) {
      s = { exits: 0, entries: 0, reflected: 0 };
      this.stats.set(vmid, s);
    }
    return s;
  }

  viewState(): unknown {
    const guests = [...this.stats.entries()].sort((a, b) => a[0] - b[0]).map(([vmid, s]) => {
      const vmsa = this.vmsaOf(vmid);
      return { vmid, vmsa: vmsa === undefined ? null : `0x${vmsa.toString(16)}`, ...s };
    });
    return { guests, last: this.last };
  }

  snapshot(): unknown {
    return { stats: [...this.stats.entries()].map(([k, v]) => [k, { ...v }]), last: this.last };
  }

  restore(s: unknown): void {
    const v = s as { stats: [number, GuestStats][]; last: { vmid: number; event: string } | null };
    this.stats = new Map(v.stats.map(([k, st]) => [k, { ...st }]));
    this.last = v.last;
  }
}
