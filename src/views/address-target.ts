/**
 * "vmscope: Show Cache Line For Address": the physical address of a variable's memoryReference (the
 * Variables view's context menu) or of what the user types, for the cache view to mark. Caches are
 * tagged by physical address, so `va:` references are translated by the adapter: its
 * dataBreakpointInfo (`asAddress`) walks the hart's page tables (both stages while V=1) and answers
 * a physical dataId (adapter/memory.ts). `gpa:` references have no such request yet.
 */
import * as vscode from 'vscode';
import { parseMemoryReference, physRef, threadOfHart, type MemoryReference } from '../../adapter/protocol';
import type { AddressTarget } from '../../media/protocol';

/** What VS Code passes to a `debug/variables/context` command. */
interface VariableContext {
  sessionId?: string;
  variable?: { name?: string; memoryReference?: string };
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/**
 * The address to mark: from the variable `arg` when the command came from its context menu, else
 * asked for. Undefined when the user cancelled; a string is why there is no physical address.
 */
export async function addressTarget(arg: unknown, session: vscode.DebugSession | undefined): Promise<AddressTarget | string | undefined> {
  const v = (arg as VariableContext | undefined)?.variable;
  let text = v?.memoryReference;
  const name = v?.name;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: 'vmscope: Show Cache Line For Address',
      prompt: 'A physical address or a memory reference',
      placeHolder: '0x80001000, phys:0x80001000, va:0:0x00400000',
      validateInput: (s) => {
        const r = parseMemoryReference(s);
        return typeof r === 'string' ? r : undefined;
      },
    });
    if (text === undefined) return undefined;
  }
  const ref = parseMemoryReference(text);
  if (typeof ref === 'string') return ref;
  const what = name ? `${name} = ${text.trim()}` : text.trim();
  const pa = await physical(ref, session);
  if (typeof pa === 'string') return `${what}: ${pa}`;
  return { pa, label: ref.space.kind === 'phys' && !name ? physRef(pa) : what };
}

async function physical(ref: MemoryReference, session: vscode.DebugSession | undefined): Promise<number | string> {
  const { space, address } = ref;
  if (space.kind === 'phys') return address;
  if (space.kind === 'gpa') return `guest-physical references cannot be looked up in the caches yet: give the system-physical address (phys:0x...)`;
  if (!session) return `translating ${hex(address)} needs a vmscope debug session, stopped`;
  try {
    // dataBreakpointInfo evaluates on the hart of its frame (hart 0 without one).
    let frameId: number | undefined;
    if (space.hart !== 0) {
      const st = (await session.customRequest('stackTrace', { threadId: threadOfHart(space.hart), startFrame: 0, levels: 1 })) as { stackFrames?: { id: number }[] };
      frameId = st.stackFrames?.[0]?.id;
      if (frameId === undefined) return `hart ${space.hart} has no stack frame to translate with`;
    }
    const info = (await session.customRequest('dataBreakpointInfo', { name: hex(address), asAddress: true, bytes: 1, ...(frameId !== undefined ? { frameId } : {}) })) as { dataId: string | null; description: string };
    const m = info.dataId ? /^phys:(0x[0-9a-f]+):\d+$/i.exec(info.dataId) : null;
    return m ? Number(m[1]) >>> 0 : info.description || `no physical address for ${hex(address)} on hart ${space.hart}`;
  } catch (e) {
    return (e as Error).message ?? String(e);
  }
}
