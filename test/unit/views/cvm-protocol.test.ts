/**
 * The keys view's and the memory view's messages (media/protocol.ts): what either side receives is
 * checked, and a malformed message is logged (naming the view) and dropped, never acted on and never
 * a crash; a state saved by an older view (no verdicts, no change list) is rejected, not rendered.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  acceptMessage, parseFromKeysView, parseFromMemoryView, parseMemoryViewRequest, parseToKeysView, parseToMemoryView,
} from '../../../media/protocol';

const malformed: unknown[] = [
  undefined, null, 0, 'ready', [], [{ type: 'ready' }], {}, { type: 7 }, { type: 'nonsense' }, { type: '__proto__' },
  { type: 'toString' }, Object.create(null), { get type() { throw new Error('boom'); } },
];

const guest = { handle: 1, state: 'RUNNING', policy: 0, policyFlags: [], asid: 1, digest: 'ab'.repeat(48), reports: 1, nodbg: false };
const report = {
  index: 0, handle: 1, version: 2, policy: 0, policyFlags: [], reportData: '00'.repeat(64), measurement: 'ab'.repeat(48), hostData: '00'.repeat(32),
  reportId: '11'.repeat(32), chipId: '22'.repeat(64), signatureAlgo: 1, signature: { r: '33'.repeat(48), s: '44'.repeat(48) }, bytes: '00'.repeat(0x4a0),
};
const keys = { seed: 4, cbit: 'bit 33', cipher: 'AES', keys: [{ asid: 1, fingerprint: 'c5c0', pagesInView: 5 }], guests: [guest], secureProcessor: true, aes: {} };
const sp = { guests: [guest], lastCommand: null, commands: {}, buffer: 0, reports: [report], chipId: '22'.repeat(64), chipPublicKeyPem: '-----BEGIN PUBLIC KEY-----' };
const verdict = { valid: true, summary: 'ok', fields: [['version', '2']], stop: 1 };
const goodKeys = { type: 'keys', session: 's', stop: 2, keys, sp, verdicts: { 0: verdict } };

const request = { memoryReference: 'gpa:1:0x80001000', length: 256 };
const pair = {
  asid: 1, keyBound: true, memoryReference: 'gpa:1:0x80001000', address: 0x80001000, length: 16, view: 'private', nodbg: false,
  blocks: [{ address: 0x80001000, pa: 0x8000e000, plaintext: '00'.repeat(16), ciphertext: 'ff'.repeat(16) }],
  pages: [{ address: 0x80001000, pa: 0x8000e000, enc: 1, view: 'private' }],
};
const goodMemory = { type: 'memory', session: 's', stop: 3, request, pair, changed: [{ plain: 1, cipher: 0xffff }], asids: [{ asid: 1, label: 'ASID 1' }] };

function rejected(parse: (m: unknown) => unknown, list: unknown[], view: string): void {
  for (const [i, m] of list.entries()) {
    const log = vi.fn();
    expect(acceptMessage(m, parse, log, view), `message ${i}`).toBeUndefined();
    expect(log).toHaveBeenCalledOnce();
    expect(log.mock.calls[0]![0]).toMatch(new RegExp(`^vmscope ${view}: ignored a malformed message`));
  }
}

describe('keys view <-> extension host', () => {
  it('accepts ready, refresh and verify of a report index', () => {
    expect(parseFromKeysView({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseFromKeysView({ type: 'refresh' })).toEqual({ type: 'refresh' });
    expect(parseFromKeysView({ type: 'verify', index: 3, extra: 'x' })).toEqual({ type: 'verify', index: 3 });
  });

  it('drops anything else from the webview, a verify without a sound index too', () => {
    rejected(parseFromKeysView, [...malformed, { type: 'verify' }, { type: 'verify', index: -1 }, { type: 'verify', index: 1.5 }, { type: 'verify', index: '0' }], 'keys view');
  });

  it('accepts the typed messages to the webview', () => {
    expect(parseToKeysView(goodKeys)).toBe(goodKeys);
    expect(parseToKeysView({ ...goodKeys, sp: null })).toEqual({ ...goodKeys, sp: null });
    expect(parseToKeysView({ type: 'noCvm', session: 's', message: 'add "features"' })).toEqual({ type: 'noCvm', session: 's', message: 'add "features"' });
    expect(parseToKeysView({ type: 'idle', message: 'm' })).toEqual({ type: 'idle', message: 'm' });
    expect(parseToKeysView({ type: 'running' })).toEqual({ type: 'running' });
  });

  it('rejects what rendering would trip on', () => {
    rejected(parseToKeysView, [
      ...malformed,
      { ...goodKeys, verdicts: undefined },
      { ...goodKeys, verdicts: { 0: { ...verdict, fields: [['a']] } } },
      { ...goodKeys, keys: { ...keys, guests: [{ ...guest, digest: '<script>' }] } },
      { ...goodKeys, keys: { ...keys, keys: [{ asid: '1' }] } },
      { ...goodKeys, sp: { ...sp, reports: [{ ...report, signature: null }] } },
      { ...goodKeys, sp: { ...sp, reports: [{ ...report, measurement: 'xyz' }] } },
      { ...goodKeys, sp: undefined },
      { ...goodKeys, stop: '2' },
      { type: 'noCvm', message: 'm' },
    ], 'keys view');
  });
});

describe('memory view <-> extension host', () => {
  it('accepts ready, refresh and show with a sound request', () => {
    expect(parseFromMemoryView({ type: 'refresh' })).toEqual({ type: 'refresh' });
    expect(parseFromMemoryView({ type: 'show', request })).toEqual({ type: 'show', request });
    expect(parseFromMemoryView({ type: 'show', request: { ...request, asid: 2, x: 1 } })).toEqual({ type: 'show', request: { ...request, asid: 2 } });
  });

  it('drops anything else from the webview: no request, bad lengths and ASIDs', () => {
    rejected(parseFromMemoryView, [
      ...malformed,
      { type: 'show' },
      { type: 'show', request: { memoryReference: '', length: 16 } },
      { type: 'show', request: { memoryReference: 'x'.repeat(201), length: 16 } },
      { type: 'show', request: { ...request, length: 0 } },
      { type: 'show', request: { ...request, length: 0x4001 } },
      { type: 'show', request: { ...request, length: 16.5 } },
      { type: 'show', request: { ...request, asid: 0 } },
      { type: 'show', request: { ...request, asid: 128 } },
    ], 'memory view');
    expect(parseMemoryViewRequest({ ...request, length: 0x4000 })).toEqual({ ...request, length: 0x4000 });
  });

  it('accepts the typed messages to the webview', () => {
    expect(parseToMemoryView(goodMemory)).toBe(goodMemory);
    expect(parseToMemoryView({ ...goodMemory, changed: null })).toEqual({ ...goodMemory, changed: null });
    const error = { type: 'error', session: 's', stop: 1, request, message: 'phys: names no ASID', asids: [] };
    expect(parseToMemoryView(error)).toBe(error);
    expect(parseToMemoryView({ type: 'running' })).toEqual({ type: 'running' });
  });

  it('rejects what rendering would trip on', () => {
    rejected(parseToMemoryView, [
      ...malformed,
      { ...goodMemory, changed: undefined },
      { ...goodMemory, changed: [] },
      { ...goodMemory, changed: [{ plain: 0x10000, cipher: 0 }] },
      { ...goodMemory, pair: { ...pair, blocks: [{ ...pair.blocks[0], plaintext: '00' }] } },
      { ...goodMemory, pair: { ...pair, blocks: [{ ...pair.blocks[0], ciphertext: '<b>'.repeat(11) }] } },
      { ...goodMemory, pair: { ...pair, pages: [{ address: 0, view: 'weird' }] } },
      { ...goodMemory, request: { memoryReference: 'gpa:1:0x80001000' } },
      { ...goodMemory, asids: [{ asid: 1 }] },
      { type: 'error', session: 's', stop: 1, request, asids: [] },
    ], 'memory view');
  });
});
