/**
 * The line-detail messages (media/cache-view/line-detail-protocol.ts), both ways: the typed ones are
 * accepted, a malformed one is logged and dropped, and the composed parsers still check the cache
 * view's other messages (media/protocol.ts) as before.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  parseFromCacheView, parseLineDetailReply, parseLineDetailRequest, parseToCacheView,
} from '../../../media/cache-view/line-detail-protocol';
import { acceptMessage } from '../../../media/protocol';

const request = { type: 'lineDetail', id: 3, pa: 0x8000e000, asid: 1, enc: 1, size: 64 };
const block = (i: number) => ({ offset: 16 * i, plaintext: '00'.repeat(16), ciphertext: 'ab'.repeat(16) });
const detail = { pa: 0x8000e000, asid: 1, enc: 1, size: 64, memoryReference: 'dec:1:0x8000e000', decrypted: true, fingerprint: 'c5c0aa097a22ac9f', nodbg: false, blocks: [0, 1, 2, 3].map(block) };
const reply = { type: 'lineDetail', id: 3, stop: 2, detail };

const garbage: unknown[] = [undefined, null, 0, 'lineDetail', [], [request], {}, { type: 7 }, Object.create(null), { get type() { throw new Error('boom'); } }];

describe('webview -> extension host', () => {
  it('accepts a lineDetail request, and the view\'s other messages', () => {
    expect(parseFromCacheView(request)).toEqual(request);
    expect(parseFromCacheView({ ...request, extra: 'dropped' })).toEqual(request);
    expect(parseFromCacheView({ ...request, asid: 0, enc: 0, pa: 0 })).toEqual({ ...request, asid: 0, enc: 0, pa: 0 });
    expect(parseFromCacheView({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseFromCacheView({ type: 'refresh' })).toEqual({ type: 'refresh' });
  });

  it('logs and drops a malformed request', () => {
    const bad: unknown[] = [
      ...garbage,
      { ...request, id: -1 }, { ...request, id: 1.5 }, { ...request, id: '3' }, { type: 'lineDetail' },
      { ...request, pa: '0x8000e000' }, { ...request, pa: 0x8000e010 }, { ...request, pa: 2 ** 32 }, { ...request, pa: -64 },
      { ...request, asid: 128 }, { ...request, asid: -1 }, { ...request, enc: 2 }, { ...request, enc: true },
      { ...request, size: 48 }, { ...request, size: 8 }, { ...request, size: 0x8000 }, { ...request, size: NaN },
    ];
    for (const [i, m] of bad.entries()) {
      const log = vi.fn();
      expect(acceptMessage(m, parseFromCacheView, log), `case ${i}`).toBeUndefined();
      expect(log).toHaveBeenCalledOnce();
      expect(log.mock.calls[0]![0]).toMatch(/^vmscope cache view: ignored a malformed message \(.+\)$/);
    }
    expect(parseLineDetailRequest({ ...request, pa: 0x8000e010 })).toBe("'lineDetail': 'pa' must be a physical address aligned to the line size (64)");
  });
});

describe('extension host -> webview', () => {
  it('accepts the bytes or an error, and the view\'s other messages', () => {
    expect(parseToCacheView(reply)).toEqual(reply);
    const err = { type: 'lineDetail', id: 3, stop: 2, error: 'no session' };
    expect(parseToCacheView(err)).toEqual(err);
    expect(parseToCacheView({ ...reply, detail: { ...detail, nodbg: true, note: 'NODBG' } })).toMatchObject({ detail: { note: 'NODBG' } });
    expect(parseToCacheView({ type: 'running' })).toEqual({ type: 'running' });
    expect(parseToCacheView({ type: 'idle', message: 'x' })).toEqual({ type: 'idle', message: 'x' });
  });

  it('logs and drops a malformed answer: one that does not cover the line, bad hex, missing fields', () => {
    const bad: unknown[] = [
      ...garbage,
      { ...reply, id: undefined }, { ...reply, stop: -1 }, { type: 'lineDetail', id: 3, stop: 2 }, { type: 'lineDetail', id: 3, stop: 2, error: 5 },
      { ...reply, detail: null }, { ...reply, detail: { ...detail, blocks: detail.blocks.slice(1) } },
      { ...reply, detail: { ...detail, blocks: [block(1), block(0), block(2), block(3)] } },
      { ...reply, detail: { ...detail, blocks: [{ ...block(0), plaintext: 'zz'.repeat(16) }, block(1), block(2), block(3)] } },
      { ...reply, detail: { ...detail, blocks: [{ ...block(0), ciphertext: 'ab' }, block(1), block(2), block(3)] } },
      { ...reply, detail: { ...detail, decrypted: 'yes' } }, { ...reply, detail: { ...detail, memoryReference: undefined } },
      { ...reply, detail: { ...detail, note: 7 } }, { ...reply, detail: { ...detail, fingerprint: 'not hex!' } },
      { ...reply, detail: { ...detail, enc: 3 } }, { ...reply, detail: { ...detail, size: 100 } },
      { type: 'state' }, { type: 'highlight' },
    ];
    for (const [i, m] of bad.entries()) {
      const log = vi.fn();
      expect(acceptMessage(m, parseToCacheView, log), `case ${i}`).toBeUndefined();
      expect(log).toHaveBeenCalledOnce();
    }
    expect(parseLineDetailReply({ ...reply, detail: { ...detail, blocks: detail.blocks.slice(1) } })).toBe("'lineDetail': 'blocks' must be 4 blocks of 16 bytes (the line)");
  });
});
