/**
 * The extension host's half of the cache view's line detail: reads a line's bytes from the adapter
 * (the webview never talks to it) as media/cache-view/line-detail.ts plans it, vmscope/memoryPair for
 * an encrypted line, readMemory of `phys:` for the rest, and turns the answer, or the adapter's error,
 * into the `lineDetail` reply. No 'vscode' import: the request function is passed in, so the unit
 * tests drive it with a fake adapter.
 */
import type { MemoryPairResponse } from '../../adapter/protocol';
import { detailFromDram, detailFromPair, readPlan } from '../../media/cache-view/line-detail';
import type { LineDetail, LineDetailReply, LineDetailRequest, LineQuery } from '../../media/cache-view/line-detail-protocol';

/** A custom request to the debug session (vscode.DebugSession.customRequest). */
export type Requester = (command: string, args: unknown) => PromiseLike<unknown>;

/** The line's bytes, or a message a user can act on (the adapter's, as it gave it). */
export async function readLine(request: Requester, q: LineQuery): Promise<LineDetail | string> {
  const plan = readPlan(q);
  let body: unknown;
  try {
    body = await request(plan.command, plan.args);
  } catch (e) {
    return `${plan.args.memoryReference}: ${(e as Error)?.message ?? String(e)}`;
  }
  if (typeof body !== 'object' || body === null) return `${plan.args.memoryReference}: the adapter answered ${plan.command} without a body`;
  if (plan.command === 'readMemory') {
    const data = (body as { data?: unknown }).data;
    const bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'base64')) : new Uint8Array(0);
    return detailFromDram(q, bytes);
  }
  const pair = body as Partial<MemoryPairResponse>;
  if (!Array.isArray(pair.blocks) || !Array.isArray(pair.pages)) return `${plan.args.memoryReference}: the adapter's ${plan.command} answer has no blocks`;
  return detailFromPair(q, pair as MemoryPairResponse);
}

/** The reply to `req`, read at stop `stop`. */
export async function answerLineDetail(request: Requester, req: LineDetailRequest, stop: number): Promise<LineDetailReply> {
  const { id, pa, asid, enc, size } = req;
  const r = await readLine(request, { pa, asid, enc, size });
  return typeof r === 'string' ? { type: 'lineDetail', id, stop, error: r } : { type: 'lineDetail', id, stop, detail: r };
}
