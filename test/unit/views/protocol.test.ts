/**
 * The cache view's messages (media/protocol.ts): what either side receives is checked, and a
 * malformed message is logged and dropped, never acted on and never a crash.
 */
import { describe, expect, it, vi } from 'vitest';
import { acceptMessage, parseFromWebview, parseToWebview } from '../../../media/protocol';

const state = { caches: [{ name: 'llc', level: 'llc', sets: 4, ways: 2, line: 64, replacement: 'lru', lines: [], stats: {} }], asids: [], names: {} };
const good = { type: 'state', session: 's', stop: 2, state, changed: [], history: [{ stop: 2, levels: { l1i: {}, l1d: {}, llc: {} } }] };

const malformed: unknown[] = [
  undefined, null, 0, 'ready', [], [{ type: 'ready' }], {}, { type: 7 }, { type: 'nonsense' }, { type: '__proto__' },
  { type: 'toString' }, Object.create(null), { get type() { throw new Error('boom'); } },
];

describe('webview -> extension host', () => {
  it('accepts ready and refresh', () => {
    expect(parseFromWebview({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseFromWebview({ type: 'refresh', extra: 1 })).toEqual({ type: 'refresh' });
  });

  it('logs and drops anything else, without throwing', () => {
    for (const m of malformed) {
      const log = vi.fn();
      expect(acceptMessage(m, parseFromWebview, log)).toBeUndefined();
      expect(log).toHaveBeenCalledOnce();
      expect(log.mock.calls[0]![0]).toMatch(/ignored a malformed message/);
    }
  });

  it('survives values JSON cannot print', () => {
    const cyclic: Record<string, unknown> = { type: 'x' };
    cyclic.self = cyclic;
    const log = vi.fn();
    expect(acceptMessage(cyclic, parseFromWebview, log)).toBeUndefined();
    expect(acceptMessage({ type: 10n }, parseFromWebview, log)).toBeUndefined();
    expect(log).toHaveBeenCalledTimes(2);
  });
});

describe('extension host -> webview', () => {
  it('accepts the typed messages', () => {
    expect(parseToWebview(good)).toBe(good);
    expect(parseToWebview({ type: 'running' })).toEqual({ type: 'running' });
    expect(parseToWebview({ type: 'idle', message: 'no session' })).toEqual({ type: 'idle', message: 'no session' });
    expect(parseToWebview({ type: 'highlight', target: { pa: 0x80000000, label: 'pc' } })).toEqual({ type: 'highlight', target: { pa: 0x80000000, label: 'pc' } });
    expect(parseToWebview({ type: 'highlight', target: null })).toEqual({ type: 'highlight', target: null });
  });

  it('rejects what rendering would trip on: missing history (an older view state), bad caches, bad targets', () => {
    const bad: unknown[] = [
      ...malformed,
      { ...good, history: undefined },
      { ...good, changed: [1] },
      { ...good, state: { ...state, caches: [{ name: 'llc' }] } },
      { ...good, state: null },
      { ...good, stop: '2' },
      { type: 'idle' },
      { type: 'highlight', target: { pa: '0x80000000', label: 'pc' } },
      { type: 'highlight' },
    ];
    for (const m of bad) {
      const log = vi.fn();
      expect(acceptMessage(m, parseToWebview, log)).toBeUndefined();
      expect(log).toHaveBeenCalledOnce();
    }
  });
});
