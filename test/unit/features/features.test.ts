/** The feature interface and registry, and the user-written example feature (examples/features). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, Machine, type CacheEvent, type Feature, type MemTransaction, type TranslationEvent, type VmTransition } from '../../../emulator/api';
import { AsidCounter } from '../../../examples/features/asid-counter';
import { machineWith, runMinivisor } from '../cache/helpers';

describe('the example feature: a per-ASID access counter', () => {
  const plain = runMinivisor();
  const counted = runMinivisor({}, (m) => m.addFeature(new AsidCounter()));
  const counter = counted.m.features[0] as AsidCounter;

  it('does not change what the program does', () => {
    expect(counted.kind).toBe('exit');
    expect(counted.out).toBe(plain.out);
    expect(counted.m.instret).toBe(plain.m.instret);
  });

  it('counts transactions of the host and of both guests, and VM entries and exits per VMID', () => {
    for (const asid of [0, 1, 2]) {
      expect(counter.count(asid, 'fetch'), `asid ${asid}`).toBeGreaterThan(0);
      expect(counter.count(asid, 'load') + counter.count(asid, 'store')).toBeGreaterThan(0);
    }
    const v = counter.viewState() as { vmTransitions: Record<string, { entries: number; exits: number }> };
    for (const vmid of ['1', '2']) {
      const t = v.vmTransitions[vmid]!;
      expect(t.entries).toBeGreaterThan(0);
      expect(t.entries - t.exits).toBeGreaterThanOrEqual(0);
      expect(t.entries - t.exits).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(v.vmTransitions).sort()).toEqual(['1', '2']);
  });

  it('has a JSON-safe view state, a name and a description', () => {
    const v = counter.viewState();
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
    expect(counter.name).toBe('asid-counter');
    expect(counter.description.length).toBeGreaterThan(0);
  });

  it('works next to the cache model, and its state rides in machine snapshots', () => {
    const both = runMinivisor({ caches: {} }, (m) => {
      m.addFeature(new AsidCounter());
      m.run(1_000_000);
      const s = m.snapshot();
      m.run(1_000_000);
      const mid = JSON.stringify(m.features[1]!.viewState());
      m.restore(s);
      m.run(1_000_000);
      expect(JSON.stringify(m.features[1]!.viewState())).toBe(mid);
    });
    expect(both.kind).toBe('exit');
    expect(both.m.instret).toBe(plain.m.instret);
    expect(both.m.features.map((f) => f.name)).toEqual(['caches', 'asid-counter']);
    expect(JSON.stringify(both.m.features[1]!.viewState())).toBe(JSON.stringify(counter.viewState()));
  });
});

describe('the registry', () => {
  it('rejects a second feature with the same name', () => {
    const m = new Machine(DEFAULT_CONFIG);
    m.addFeature(new AsidCounter());
    expect(() => m.addFeature(new AsidCounter())).toThrow(/already attached/);
  });

  it('a feature with only viewState does not switch the slow memory path on', () => {
    const m = new Machine(DEFAULT_CONFIG);
    m.addFeature({ name: 'idle', description: 'nothing', viewState: () => ({}) });
    expect(m.harts[0]!.env.observer).toBeUndefined();
  });

  it('setObserver and features see the same transactions', () => {
    const seen: number[] = [];
    const kinds: string[] = [];
    const f: Feature = { name: 'k', description: 'kinds', onMemory: (t) => kinds.push(t.kind), viewState: () => kinds.length };
    const m = machineWith('  li a0, 0x80010000\n  sw a0, 0(a0)\n  lw a1, 0(a0)\n  cbo.flush (a0)');
    m.setObserver({ access: (_h, kind) => seen.push(kind) });
    m.addFeature(f);
    expect(m.run(100).kind).toBe('exit');
    expect(seen.length).toBe(kinds.length);
    expect(kinds.filter((k) => k !== 'fetch')).toEqual(['store', 'load', 'cbo.flush', 'store']);
    m.setObserver(undefined);
    expect(m.harts[0]!.env.observer).toBeDefined(); // the feature still observes
  });

  it('reports fetch sizes, RAM versus device, privilege, translation events', () => {
    const tx: MemTransaction[] = [];
    const xl: TranslationEvent[] = [];
    const m = machineWith('  li a0, 0x80010000\n  c.lw a1, 0(a0)\n  lw a1, 0(a0)');
    m.addFeature({
      name: 'rec', description: 'records', viewState: () => null,
      onMemory: (t) => tx.push({ ...t }), onTranslate: (t) => xl.push({ ...t }),
    });
    m.run(100);
    expect(xl.length).toBe(tx.length);
    const fetchSizes = new Set(tx.filter((t) => t.kind === 'fetch').map((t) => t.size));
    expect(fetchSizes).toEqual(new Set([2, 4]));
    const fin = tx.find((t) => t.kind === 'store')!;
    expect(fin).toMatchObject({ pa: 0x100000, ram: false, priv: 3, virt: false, asid: 0, enc: 0, gpa: undefined, spaceAsid: -1 });
    expect(tx.find((t) => t.kind === 'load')).toMatchObject({ pa: 0x80010000, ram: true, size: 4 });
  });

  it('guest transactions carry VMID, ASID and, with a Bare VS-stage, the guest-physical address', () => {
    const seen = new Map<number, { va: number; gpa: number | undefined; pa: number }>();
    runMinivisor({}, (m) => m.addFeature({
      name: 'gpa', description: 'gpa', viewState: () => null,
      onMemory: (t) => { if (t.virt && t.kind === 'fetch' && !seen.has(t.vmid)) seen.set(t.vmid, { va: t.va, gpa: t.gpa, pa: t.pa }); },
    }));
    expect([...seen.keys()].sort()).toEqual([1, 2]);
    for (const s of seen.values()) {
      expect(s.gpa).toBe(s.va); // minivisor's guests run with vsatp = 0
      expect(s.pa).not.toBe(s.gpa); // the G-stage moved them to host pages
    }
    expect(seen.get(1)!.pa).not.toBe(seen.get(2)!.pa);
  });

  it('passes the cache model\'s fills, evictions, write-backs and invalidations to other features', () => {
    const ev: CacheEvent[] = [];
    const m = machineWith('  li a0, 0x80010000\n  sw a0, 0(a0)\n  sw a0, 64(a0)\n  sw a0, 128(a0)\n  cbo.flush (a0)',
      { caches: { l1d: { sets: 1, ways: 2 } } });
    m.addFeature({ name: 'ce', description: 'cache events', viewState: () => null, onCacheEvent: (e) => ev.push({ ...e }) });
    expect(m.run(100).kind).toBe('exit');
    const l1d = ev.filter((e) => e.cache === 'hart0.l1d');
    expect(l1d.filter((e) => e.type === 'fill').map((e) => e.pa)).toEqual([0x80010000, 0x80010040, 0x80010080]);
    // The third store evicts the dirty first line, written back into the LLC; cbo.flush then finds it
    // there only: written back to memory and dropped.
    const show = (list: CacheEvent[]): string[] => list.filter((e) => e.type !== 'fill').map((e) => `${e.type} ${e.pa.toString(16)} ${e.dirty}`);
    expect(show(l1d)).toEqual(['evict 80010000 true', 'writeback 80010000 true']);
    expect(show(ev.filter((e) => e.cache === 'llc'))).toEqual(['writeback 80010000 true', 'invalidate 80010000 true']);
    expect(ev.some((e) => e.cache === 'hart0.l1i' && e.type === 'fill')).toBe(true);
  });

  it('reports VM entry and exit at the switching instruction (minivisor)', () => {
    const ev: VmTransition[] = [];
    const fetches: { va: number; virt: boolean }[] = [];
    /** Index into fetches at each event: the next fetch must be the event's pc, in the new mode. */
    const at: number[] = [];
    runMinivisor({}, (m) => m.addFeature({
      name: 'vm', description: 'vm', viewState: () => null,
      onVmTransition: (e) => {
        const h = m.harts[e.hart]!;
        expect(h.pc >>> 0).toBe(e.pc >>> 0); // the hart is already there
        expect(h.virt).toBe(e.type === 'entry');
        expect(h.priv).toBe(e.priv);
        if (e.type === 'exit') expect(e.cause).toBe((e.priv === 3 ? h.mcause : h.scause) >>> 0);
        ev.push({ ...e });
        at.push(fetches.length);
      },
      onMemory: (t) => { if (t.kind === 'fetch') fetches.push({ va: t.va, virt: t.virt }); },
    }));
    expect(ev.length).toBeGreaterThan(4);
    expect(ev[0]).toMatchObject({ type: 'entry', vmid: 1, cause: undefined });
    expect(ev.find((e) => e.type === 'exit')!.priv).toBe(1); // to HS
    expect(new Set(ev.filter((e) => e.type === 'entry').map((e) => e.vmid))).toEqual(new Set([1, 2]));
    ev.forEach((e, i) => {
      if (i > 0) expect(e.type).not.toBe(ev[i - 1]!.type); // entries and exits alternate on one hart
      // (An interrupt pending at the entry leaves again before any fetch: the next event's pc is fetched.)
      const next = fetches[at[i]!];
      if (next !== undefined && at[i + 1] !== at[i]) expect(next).toEqual({ va: e.pc >>> 0, virt: e.type === 'entry' });
    });
  });

  it('guest accesses through a VS-stage page table carry the exact guest-physical address; cbo.* as such', () => {
    // VS-stage: VA 0xc0000000 -> GPA 0x40000000 (megapage); G-stage: GPA 0x40000000 -> PA 0x80000000.
    const body = `
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  la t0, done
  csrw mtvec, t0
  li t0, 0x80020c00
  li t1, 0x100000cf
  sw t1, 0(t0)
  li t0, 0x80030400
  li t1, 0x200000df
  sw t1, 0(t0)
  li t0, 0x80040020
  csrw 0x280, t0
  li t0, 0x80080030
  csrw 0x680, t0
  li t0, 0x80
  csrs 0x310, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, guest
  li t1, 0x40000000
  add t0, t0, t1
  csrw mepc, t0
  li a0, 0x80010000
  cbo.flush (a0)
  mret
guest:
  li a0, 0xc0010008
  lw a1, 0(a0)
  ecall
  .align 2
done:`;
    const m = machineWith(body, { isa: 'rv32imach_zicsr_zifencei_zicntr_zicbom' });
    const tx: MemTransaction[] = [];
    const ev: VmTransition[] = [];
    m.addFeature({
      name: 'rec', description: 'records', viewState: () => null,
      onMemory: (t) => tx.push({ ...t }), onVmTransition: (e) => ev.push({ ...e }),
    });
    expect(m.run(1000).kind).toBe('exit');
    expect(tx.find((t) => t.kind.startsWith('cbo'))).toMatchObject({ kind: 'cbo.flush', va: 0x80010000, pa: 0x80010000, size: 1, virt: false });
    expect(tx.filter((t) => t.kind === 'load' || t.kind.startsWith('cbo')).length).toBe(2); // no permission-check load
    expect(tx.find((t) => t.kind === 'load' && t.virt)).toMatchObject({ va: 0xc0010008, gpa: 0x40010008, pa: 0x80010008, size: 4, vmid: 0 });
    const guestFetch = tx.filter((t) => t.kind === 'fetch' && t.virt);
    expect(guestFetch.length).toBe(4); // li (lui + addi), lw, ecall
    for (const f of guestFetch) {
      expect(f.gpa).toBe((f.va - 0x80000000) >>> 0);
      expect(f.pa).toBe((f.va - 0x40000000) >>> 0);
    }
    expect(ev.map((e) => e.type)).toEqual(['entry', 'exit']);
    expect(ev[0]!.pc).toBe(guestFetch[0]!.va); // the guest's first instruction after mret
    expect(ev[1]).toMatchObject({ priv: 3, cause: 10, pc: tx.filter((t) => t.kind === 'fetch' && !t.virt).at(-4)!.va });
  });
});
