/**
 * The cache view's line detail against the real adapter (dist/adapter.js through a DAP client):
 * examples/cvm as its launch.json runs it, stopped in the guest after it wrote its secret. The line
 * holding the secret (hart 0's L1D, ASID 1, enc=1) reads as the secret in the cache and as something
 * else in DRAM; a host line reads the same on both sides.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_STATE, type CacheStateResponse } from '../../../adapter/protocol';
import { diffBlocks, kindOf, queryOf } from '../../../media/cache-view/line-detail';
import { parseLineDetailReply } from '../../../media/cache-view/line-detail-protocol';
import { answerLineDetail, readLine, type Requester } from '../../../src/views/cache-line-detail';
import { client, ROOT } from '../../dap/helpers';

const CVM = path.join(ROOT, 'examples/cvm');
const GUEST_C = path.join(CVM, 'guest/guest.c');
/** The secret page's system-physical address, as the hypervisor prints it in cvm.expected. */
const SECRET_PA = Number(`0x${/GPA 80001000: host ([0-9a-f]+)/.exec(readFileSync(path.join(CVM, 'cvm.expected'), 'utf8'))![1]}`);

describe('a line of examples/cvm, read through the real adapter', () => {
  let dc: DebugClient;
  beforeEach(() => {
    dc = client();
    return dc.start();
  });
  afterEach(() => dc.stop());

  it('shows the secret in the cache beside its ciphertext in DRAM, and a host line the same on both sides', async () => {
    // Stop on the line after the copy of the secret into its private page.
    const source = readFileSync(GUEST_C, 'utf8').split('\n');
    const after = source.findIndex((l) => l.includes('secret_page[i] = SECRET[i]')) + 2;
    const stopped = dc.waitForEvent('stopped', 30_000);
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        const r = await dc.setBreakpointsRequest({ source: { path: GUEST_C }, breakpoints: [{ line: after }] });
        expect(r.body.breakpoints[0]!.verified).toBe(true);
        await dc.configurationDoneRequest();
      }),
      dc.launch({
        program: path.join(CVM, 'cvm.elf'), config: path.join(CVM, 'cvm.vmscope.json'), caches: true,
        symbols: [{ program: path.join(CVM, 'cvm-guest.elf'), vmid: 1 }],
      } as DebugProtocol.LaunchRequestArguments),
    ]);
    await stopped;

    const request: Requester = async (command, args) => ((await dc.customRequest(command, args)) as DebugProtocol.Response).body;
    const state = (await request(CACHE_STATE, {})) as CacheStateResponse;
    const l1d = state.caches.find((c) => c.name === 'hart0.l1d')!;
    const secret = l1d.lines.find((l) => l.pa === SECRET_PA && l.asid === 1)!;
    expect(secret).toMatchObject({ enc: 1, dirty: true });

    const reply = await answerLineDetail(request, { type: 'lineDetail', id: 1, ...queryOf(secret, l1d.line) }, 1);
    // What the host sends passes the webview's check.
    expect(parseLineDetailReply(JSON.parse(JSON.stringify(reply)))).toEqual(reply);
    if (!('detail' in reply)) throw new Error(reply.error);
    const d = reply.detail;
    expect(d.memoryReference).toBe(`dec:1:0x${SECRET_PA.toString(16)}`);
    expect(kindOf(d)).toBe('encrypted');
    expect(d.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const plain = Buffer.from(d.blocks.map((b) => b.plaintext).join(''), 'hex');
    expect(plain.subarray(0, 28).toString()).toBe('vault code 0451, tell no one');
    expect(diffBlocks(d).every((b) => b.differs)).toBe(true);
    expect(d.nodbg).toBe(false); // policy 0: no NODBG

    // A line of the host (ASID 0, enc=0): read as DRAM holds it, the same on both sides.
    const llc = state.caches.find((c) => c.name === 'llc')!;
    const host = llc.lines.find((l) => l.asid === 0 && l.enc === 0)!;
    const h = await readLine(request, queryOf(host, llc.line));
    if (typeof h === 'string') throw new Error(h);
    expect(kindOf(h)).toBe('host');
    expect(h.blocks).toHaveLength(llc.line / 16);
    expect(diffBlocks(h).some((b) => b.differs)).toBe(false);
  });
});
