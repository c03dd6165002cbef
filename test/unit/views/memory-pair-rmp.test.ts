/**
 * vmscope/memoryPair's RMP entry per page (adapter/custom/memory-pair.ts, cvm-model 6.2), on a machine
 * with `integrity`: the launch pages of an SNP guest assigned to its ASID at their GPA and validated,
 * other pages hypervisor-owned; no entry at all on a machine without the feature.
 */
import { describe, expect, it } from 'vitest';
import { memoryPair } from '../../../adapter/custom/memory-pair';
import type { AddressSpace } from '../../../adapter/protocol';
import type { Target } from '../../../adapter/target';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { DEFAULT_CONFIG } from '../../../emulator/config';
import { POLICY_ES, POLICY_SNP } from '../../../emulator/cvm/sp';
import { Machine } from '../../../emulator/machine';
import { IMAGE, spMachine } from '../cvm/sp-harness';

/** What memoryPair uses of a Target for phys: / dec: references: the machine, identity translation. */
function physTarget(machine: Machine): Target {
  return {
    machine,
    translate: (_space: AddressSpace, addr: number) => ({ ok: true, pa: addr >>> 0 }),
    readPhys: (addr: number, size: number) => {
      try {
        return machine.readPhys(addr, size)[0];
      } catch {
        return undefined;
      }
    },
    vmidOf: () => undefined,
    guests: new Map(),
  } as unknown as Target;
}

describe('the RMP entry of each page', () => {
  it('shows the launch pages of an SNP guest assigned to it, at their GPA, validated; other pages hypervisor-owned', () => {
    const t = spMachine(9);
    const h = t.running(POLICY_SNP | POLICY_ES);
    expect(t.activate(h, 3).status).toBe(0);
    const p = memoryPair(physTarget(t.m), { memoryReference: `dec:3:0x${(IMAGE + 0xff0).toString(16)}`, length: 32 });
    expect(p.pages.map((x) => x.rmp)).toEqual([
      { assigned: true, asid: 3, gpa: 0, validated: true, immutable: false },
      { assigned: true, asid: 3, gpa: 0x1000, validated: true, immutable: false },
    ]);
    const other = memoryPair(physTarget(t.m), { memoryReference: `phys:0x${(IMAGE + 0x10000).toString(16)}`, length: 16, asid: 3 });
    expect(other.pages[0]!.rmp).toEqual({ assigned: false, asid: 0, gpa: 0, validated: false, immutable: false });
  });

  it('has no RMP entry on a machine without integrity, nor for a page outside RAM', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 4, features: ['secure-processor'], seed: 1 }, { crypto: new NodeCrypto() });
    const p = memoryPair(physTarget(m), { memoryReference: 'phys:0x80000000', length: 16, asid: 1 });
    expect(p.pages[0]).toEqual({ address: 0x80000000, pa: 0x80000000, enc: null, view: 'private' });
    const t = spMachine(9);
    const out = memoryPair(physTarget(t.m), { memoryReference: 'phys:0x10000000', length: 16, asid: 1 });
    expect(out.pages[0]).toMatchObject({ view: 'unmapped' });
    expect(out.pages[0]!.rmp).toBeUndefined();
  });
});
