/** Shared set-up of the DAP tests: a DebugClient on the built adapter, and the guest's line markers. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = path.resolve(__dirname, '../..');
export const DBG_C = path.join(ROOT, 'test/dap-programs/dbg.c');
export const DBG_ELF = path.join(ROOT, 'test/dap-programs/dbg.elf');

const SOURCE = fs.readFileSync(DBG_C, 'utf8').split('\n');

/** 1-based line of the `LINE-<name>` marker in dbg.c. */
export function line(name: string): number {
  const i = SOURCE.findIndex((l) => l.includes(`/* LINE-${name} */`));
  if (i < 0) throw new Error(`no marker LINE-${name} in dbg.c`);
  return i + 1;
}

export function client(): DebugClient {
  return new DebugClient(process.execPath, path.join(ROOT, 'dist/adapter.js'), 'vmscope');
}

/** Launch dbg.elf with source breakpoints at `lines`, run to the first one and return its stop event. */
export async function runToLine(dc: DebugClient, lines: number[], launch: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: DBG_C }, breakpoints: lines.map((l) => ({ line: l })) });
      await dc.configurationDoneRequest();
    }),
    dc.launch({ program: DBG_ELF, ...launch } as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

export async function top(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
}

/** Register value (unsigned) from the Registers scope of the top frame. */
export async function register(dc: DebugClient, name: string): Promise<number> {
  const frame = await top(dc);
  const scopes = await dc.scopesRequest({ frameId: frame.id });
  const regs = scopes.body.scopes.find((s) => s.name === 'Registers')!;
  const vars = await dc.variablesRequest({ variablesReference: regs.variablesReference });
  const v = vars.body.variables.find((x) => x.name === name);
  if (!v) throw new Error(`no register ${name}`);
  return Number(v.value.split(' ')[0]);
}

/** Send a step request and wait for the stop it causes. */
export async function stepAndWait(dc: DebugClient, send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20_000);
  await send();
  return (await stopped) as DebugProtocol.StoppedEvent;
}
