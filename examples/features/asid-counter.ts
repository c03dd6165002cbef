/**
 * A hardware feature written against vmscope's feature interface only, as a user would prototype one:
 * it counts memory transactions per ASID (the guest's VMID, 0 for the host) and kind, counts VM entries
 * and exits per VMID, and shows both in the debugger's feature view. See README.md beside this file.
 */
import type { Feature, MemKind, MemTransaction, VmTransition } from '../../emulator/api';

type Counts = Record<MemKind, number>;

const zero = (): Counts => ({ fetch: 0, load: 0, store: 0, 'cbo.clean': 0, 'cbo.flush': 0, 'cbo.inval': 0 });

export class AsidCounter implements Feature {
  readonly name = 'asid-counter';
  readonly description = 'Memory transactions per ASID and kind, VM entries and exits per VMID';
  private counts = new Map<number, Counts>();
  private transitions = new Map<number, { entries: number; exits: number }>();

  onMemory(t: MemTransaction): void {
    let c = this.counts.get(t.asid);
    if (c === undefined) {
      c = zero();
      this.counts.set(t.asid, c);
    }
    c[t.kind]++;
  }

  onVmTransition(e: VmTransition): void {
    let c = this.transitions.get(e.vmid);
    if (c === undefined) {
      c = { entries: 0, exits: 0 };
      this.transitions.set(e.vmid, c);
    }
    if (e.type === 'entry') c.entries++;
    else c.exits++;
  }

  /** Transactions of `asid` of `kind` so far. */
  count(asid: number, kind: MemKind): number {
    return this.counts.get(asid)?.[kind] ?? 0;
  }

  /** JSON-safe: what the debugger's feature view shows. */
  viewState(): unknown {
    return {
      perAsid: Object.fromEntries([...this.counts].sort(([a], [b]) => a - b).map(([a, c]) => [String(a), { ...c }])),
      vmTransitions: Object.fromEntries([...this.transitions].map(([v, c]) => [String(v), { ...c }])),
    };
  }

  // Snapshots: machine.snapshot() / restore() carry this state along.
  snapshot(): unknown {
    return { counts: [...this.counts].map(([a, c]) => [a, { ...c }]), transitions: [...this.transitions].map(([v, c]) => [v, { ...c }]) };
  }

  restore(s: unknown): void {
    const v = s as { counts: [number, Counts][]; transitions: [number, { entries: number; exits: number }][] };
    this.counts = new Map(v.counts.map(([a, c]) => [a, { ...c }]));
    this.transitions = new Map(v.transitions.map(([k, c]) => [k, { ...c }]));
  }
}
