/**
 * The memory view, both sides: a webview panel (media/memory-view/) showing a range as the guest sees
 * it (plaintext) beside what DRAM holds (ciphertext), per 16-byte block, from vmscope/memoryPair; per
 * page its C-bit, private / shared state and RMP entry; the NODBG note; the bytes that changed since
 * the previous stop marked. The range is any memory reference (the view's address box, the Variables
 * view's context menu on a variable with a memoryReference, or the command's argument), with an ASID
 * and a length up to MEMORY_PAIR_MAX. This keeps the range and each session's snapshot of the previous
 * stop (host memory: a reload of the webview keeps the marks; the serializer gets the range back from
 * the webview's state after a window reload). Session following, stops, reloads: session-panel.ts.
 */
import * as vscode from 'vscode';
import { formatMemoryReference, KEYS, MACHINE_STATE, MEMORY_PAIR, parseMemoryReference, type MemoryPairArguments, type MemoryPairResponse } from '../../adapter/protocol';
import { changedBytes } from '../../media/memory-view/model';
import {
  MEMORY_VIEW_DEFAULT_LENGTH, parseFromMemoryView, parseMemoryViewRequest, type AsidChoice, type FromMemoryView, type MemoryViewRequest, type ToMemoryView,
} from '../../media/protocol';
import { isNoCvm } from './report-verify';
import { SessionPanel } from './session-panel';
import type { SessionState } from './session-state';

export const MEMORY_VIEW_TYPE = 'vmscope.memoryView';
export const OPEN_MEMORY_VIEW = 'vmscope.openMemoryView';

const NO_SESSION = 'No vmscope debug session: this view shows memory as a guest reads it beside what DRAM holds, for the active vmscope session at each stop.';

interface Snapshot {
  stop: number;
  pair: MemoryPairResponse;
}

/** What VS Code passes to a `debug/variables/context` command. */
interface VariableContext {
  variable?: { name?: string; memoryReference?: string };
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export class MemoryView extends SessionPanel<ToMemoryView, FromMemoryView> {
  /** The range shown (the same for every session); undefined until chosen: around the pc of a guest. */
  private range: MemoryViewRequest | undefined;
  /** Per session id: what was shown at the previous stop and at this one (the "changed" marks). */
  private readonly snapshots = new Map<string, { previous?: Snapshot; current?: Snapshot }>();

  constructor(context: vscode.ExtensionContext, sessions: SessionState) {
    super(context, sessions, { viewType: MEMORY_VIEW_TYPE, title: 'vmscope: Memory, both sides', bundle: 'memory-view', name: 'memory view', parse: parseFromMemoryView }, NO_SESSION);
    this.subs.push(vscode.commands.registerCommand(OPEN_MEMORY_VIEW, (arg?: unknown) => this.openAt(arg)));
  }

  /** Opens the view; on a variable's memoryReference (context menu) or a reference string when given. */
  private openAt(arg: unknown): void {
    const text = typeof arg === 'string' ? arg : (arg as VariableContext | undefined)?.variable?.memoryReference;
    if (text !== undefined) {
      const ref = parseMemoryReference(text);
      if (typeof ref === 'string') {
        void vscode.window.showWarningMessage(`vmscope: cannot show memory: ${ref}`);
        return;
      }
      // From the 16-byte block that holds the address: the view's rows are blocks.
      const memoryReference = formatMemoryReference({ space: ref.space, address: ref.address - (ref.address % 16) });
      this.range = { memoryReference, length: this.range?.length ?? MEMORY_VIEW_DEFAULT_LENGTH };
    }
    this.open();
    if (text !== undefined) void this.update();
  }

  /** After a window reload: the range the webview showed last. */
  protected override restore(state: unknown): void {
    const last = (state as { last?: { request?: unknown } } | undefined)?.last;
    const r = last?.request === undefined ? undefined : parseMemoryViewRequest(last.request);
    if (r !== undefined && typeof r !== 'string') this.range ??= r;
  }

  protected override stopped(s: vscode.DebugSession): void {
    const d = this.snapshots.get(s.id);
    if (d?.current) this.snapshots.set(s.id, { previous: d.current });
  }

  protected override forget(id: string): void {
    this.snapshots.delete(id);
  }

  protected onMessage(m: FromMemoryView): void {
    if (m.type !== 'show') return;
    this.range = m.request;
    void this.update();
  }

  protected async compute(s: vscode.DebugSession, stop: number): Promise<ToMemoryView | undefined> {
    const asids = await this.asidChoices(s);
    let request: MemoryViewRequest;
    try {
      request = this.range ?? (await this.around(s));
    } catch (e) {
      return this.failed(s, (e as Error).message ?? String(e), stop, { memoryReference: 'va:0:0x80000000', length: MEMORY_VIEW_DEFAULT_LENGTH }, asids);
    }
    let pair: MemoryPairResponse;
    try {
      pair = await this.request(s, MEMORY_PAIR, argsOf(request));
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      // phys: or a hart in the host names no ASID: the first guest with a key, unless one was chosen.
      const first = asids[0];
      if (request.asid !== undefined || first === undefined || !/names no ASID|runs no guest/.test(message)) return this.failed(s, message, stop, request, asids);
      try {
        pair = await this.request(s, MEMORY_PAIR, argsOf({ ...request, asid: first.asid }));
      } catch (e2) {
        return this.failed(s, (e2 as Error).message ?? String(e2), stop, request, asids);
      }
    }
    const d = this.snapshots.get(s.id) ?? {};
    const previous = d.previous !== undefined && d.previous.stop === stop - 1 ? d.previous.pair : undefined;
    this.snapshots.set(s.id, { ...d, current: { stop, pair } });
    return { type: 'memory', session: s.name, stop, request, pair, changed: changedBytes(previous, pair), asids };
  }

  private failed(s: vscode.DebugSession, message: string, stop: number, request: MemoryViewRequest, asids: AsidChoice[]): ToMemoryView | undefined {
    if (isNoCvm(message)) return { type: 'noCvm', session: s.name, message };
    if (/no program is loaded/i.test(message)) return undefined;
    return { type: 'error', session: s.name, stop, request, message, asids };
  }

  /** The first range: around the pc of the first hart that runs a guest (else hart 0's). */
  private async around(s: vscode.DebugSession): Promise<MemoryViewRequest> {
    const st = await this.request(s, MACHINE_STATE);
    const h = st.harts.find((x) => x.virt) ?? st.harts[0];
    if (!h) throw new Error('the machine has no harts');
    return { memoryReference: `va:${h.id}:${hex(h.pc - (h.pc % MEMORY_VIEW_DEFAULT_LENGTH))}`, length: MEMORY_VIEW_DEFAULT_LENGTH };
  }

  /** The ASIDs to offer: the keys bound, the secure processor's guests with an ASID, the VMs seen. */
  private async asidChoices(s: vscode.DebugSession): Promise<AsidChoice[]> {
    const names = new Map<number, string>();
    const keys = new Map<number, string>();
    try {
      const k = await this.request(s, KEYS);
      for (const slot of k.keys) {
        keys.set(slot.asid, slot.fingerprint);
        if (slot.name) names.set(slot.asid, slot.name);
      }
      for (const g of k.guests) if (g.asid !== null && !names.has(g.asid)) names.set(g.asid, `SP guest ${g.handle}`);
    } catch {
      // No confidential-VM hardware: the view says so from the memoryPair answer.
    }
    try {
      const st = await this.request(s, MACHINE_STATE);
      for (const vm of st.vms) if (vm.vmid > 0 && !names.has(vm.vmid)) names.set(vm.vmid, vm.name ?? '');
    } catch {
      // Not launched yet.
    }
    const all = [...new Set([...keys.keys(), ...names.keys()])].sort((a, b) => a - b);
    // Guests with a key first: they are the ones whose plaintext differs from DRAM.
    all.sort((a, b) => Number(keys.has(b)) - Number(keys.has(a)));
    return all.map((asid) => {
      const name = names.get(asid);
      const key = keys.get(asid);
      return { asid, label: `ASID ${asid}${name ? ` (${name})` : ''}, ${key ? `key ${key}` : 'no key'}` };
    });
  }
}

function argsOf(r: MemoryViewRequest): MemoryPairArguments {
  return { memoryReference: r.memoryReference, length: r.length, ...(r.asid !== undefined ? { asid: r.asid } : {}) };
}
