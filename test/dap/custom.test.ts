/**
 * vmscope's state requests through a real DAP client (adapter/protocol.ts): vmscope/machineState and
 * vmscope/cacheState on examples/minivisor with the cache model on, stopped in guest b (VMID 2) after
 * guest a (VMID 1) and the hypervisor (ASID 0) have run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_STATE, MACHINE_STATE, type CacheStateResponse, type MachineStateResponse } from '../../adapter/protocol';
import { client, ROOT } from './helpers';

const M = path.join(ROOT, 'examples/minivisor');
const GUEST_B_C = path.join(M, 'guest/guest-b.c');
const BASE = {
  program: path.join(M, 'minivisor.elf'),
  symbols: [{ program: path.join(M, 'guest-a.elf'), vmid: 1 }, { program: path.join(M, 'guest-b.elf'), vmid: 2 }],
};

function lineOf(file: string, text: string): number {
  const i = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no '${text}' in ${file}`);
  return i + 1;
}

async function start(dc: DebugClient, launch: Record<string, unknown>): Promise<void> {
  const stopped = dc.waitForEvent('stopped', 60_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: GUEST_B_C }, breakpoints: [{ line: lineOf(GUEST_B_C, 'say("hello from guest b') }] });
      await dc.configurationDoneRequest();
    }),
    dc.launch({ ...BASE, ...launch } as DebugProtocol.LaunchRequestArguments),
  ]);
  await stopped;
}

async function request<T>(dc: DebugClient, command: string): Promise<T> {
  return ((await dc.customRequest(command)) as DebugProtocol.Response).body as T;
}

describe('debug adapter: vmscope/machineState and vmscope/cacheState (minivisor)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('reports harts, VMs, and cache lines of ASIDs 0, 1 and 2 whose statistics add up', async () => {
    await start(dc, { caches: true });
    const m = await request<MachineStateResponse>(dc, MACHINE_STATE);
    expect(m.harts).toHaveLength(1);
    expect(m.harts[0]).toMatchObject({ id: 0, mode: 'VS', virt: true, vmid: 2 });
    expect(m.harts[0]!.symbol).toMatch(/^main/);
    expect(m.vms.map((v) => [v.vmid, v.name])).toEqual([[1, 'guest-a'], [2, 'guest-b']]);
    expect(m.vms[1]!.harts).toEqual([0]);
    expect(m.vms[1]!.hgatp! >>> 31).toBe(1); // Sv32x4 mode bit
    expect(m.vms.map((v) => v.ran)).toEqual([true, true]); // guest a ran between stops: its ASID is in the caches

    const c = await request<CacheStateResponse>(dc, CACHE_STATE);
    expect(c.caches.map((x) => x.name)).toEqual(['hart0.l1i', 'hart0.l1d', 'llc']);
    expect(c.names).toEqual({ 1: 'guest-a', 2: 'guest-b' });
    expect(c.asids).toEqual(expect.arrayContaining([0, 1, 2]));
    const llc = c.caches[2]!;
    expect(llc).toMatchObject({ level: 'llc', sets: 1024, ways: 16, line: 64, replacement: 'lru' });
    for (const asid of [0, 1, 2]) expect(llc.lines.some((l) => l.asid === asid)).toBe(true);
    for (const cache of c.caches) {
      // Lines are inside the geometry, one per slot, and LRU ages in a set are 0..n-1.
      const slots = new Set(cache.lines.map((l) => l.set * cache.ways + l.way));
      expect(slots.size).toBe(cache.lines.length);
      for (const l of cache.lines) {
        expect(l.set).toBeLessThan(cache.sets);
        expect(Math.floor(l.pa / cache.line) % cache.sets).toBe(l.set);
        expect(l.age).toBeLessThan(cache.ways);
      }
      for (const [asid, s] of Object.entries(cache.stats)) {
        expect(s.hits + s.misses, `${cache.name} ASID ${asid}`).toBe(s.accesses);
      }
      // Every valid line came from a miss (no cbo/invalidate-all yet, and nothing evicted beyond them).
      const misses = Object.values(cache.stats).reduce((n, s) => n + s.misses, 0);
      const evictions = Object.values(cache.stats).reduce((n, s) => n + s.evictions, 0);
      expect(cache.lines.length).toBe(misses - evictions);
    }
    // Every L1 miss and dirty L1 eviction is one LLC access.
    const sum = (name: string, k: 'accesses' | 'misses' | 'writebacks') => Object.values(c.caches.find((x) => x.name === name)!.stats).reduce((n, s) => n + s[k], 0);
    expect(sum('llc', 'accesses')).toBe(sum('hart0.l1i', 'misses') + sum('hart0.l1d', 'misses') + sum('hart0.l1i', 'writebacks') + sum('hart0.l1d', 'writebacks'));
  });

  it('answers vmscope/cacheState with an error naming the launch attribute when caches are off', async () => {
    await start(dc, {});
    const r = await dc.customRequest(CACHE_STATE).then(() => undefined, (e: Error) => e);
    expect(r?.message).toContain('"caches": true');
    // machineState works without caches.
    expect((await request<MachineStateResponse>(dc, MACHINE_STATE)).harts).toHaveLength(1);
  });

  it('rejects a bad caches value with a message naming the attribute', async () => {
    for (const [caches, text] of [[42, "launch attribute 'caches' must be"], [{ l1d: { sets: 3 } }, "launch attribute 'caches': caches.l1d.sets must be a power of two"]] as const) {
      const d = client();
      await d.start();
      const e = await d.launch({ ...BASE, caches } as unknown as DebugProtocol.LaunchRequestArguments).then(() => undefined, (x: Error) => x);
      expect(e?.message).toContain(text);
      await d.stop();
    }
  });

  it('shows a Caches scope: geometry, and per level and ASID the hit rate and counters the cacheState gives', async () => {
    await start(dc, { caches: true });
    const c = await request<CacheStateResponse>(dc, CACHE_STATE);
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.id;
    const scope = (await dc.scopesRequest({ frameId })).body.scopes.find((x) => x.name === 'Caches');
    expect(scope).toBeDefined();
    const top = (await dc.variablesRequest({ variablesReference: scope!.variablesReference })).body.variables;
    expect(top.map((v) => v.name)).toEqual(['replacement', 'l1i', 'l1d', 'llc']);
    expect(top[0]!.value).toBe('lru');
    expect(top[3]!.type).toBe('shared: 1024 sets x 16 ways x 64 B');
    const llc = (await dc.variablesRequest({ variablesReference: top[3]!.variablesReference })).body.variables;
    expect(llc.map((v) => v.name)).toEqual(['ASID 0 (host)', 'ASID 1', 'ASID 2']);
    const s = c.caches.find((x) => x.name === 'llc')!.stats['2']!;
    expect(llc[2]!.value).toBe(`${s.hits}/${s.accesses} hits (${((100 * s.hits) / s.accesses).toFixed(1)}%), ${s.misses} misses, ${s.evictions} evictions, ${s.writebacks} write-backs, ${s.discards} discards`);
  });

  it('has no Caches scope without the cache model', async () => {
    await start(dc, {});
    const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.id;
    expect((await dc.scopesRequest({ frameId })).body.scopes.map((x) => x.name)).not.toContain('Caches');
  });
});
