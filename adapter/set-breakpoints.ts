/**
 * setBreakpoints / setFunctionBreakpoints / setInstructionBreakpoints: resolve what the client names
 * (file:line, function, instruction address) to addresses and answer verified or not, with why.
 */
import * as path from 'node:path';
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ActiveBreakpoint, Breakpoints } from './breakpoints';
import { parseHitCondition } from './breakpoints';
import type { Target } from './target';
import { arr, fail, int, objAt, str } from './validate';

function hex8(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** Optional string options of a breakpoint, checked. */
function options(command: string, b: Record<string, unknown>, i: number): { condition?: string; hitCondition?: string; logMessage?: string } {
  const out: { condition?: string; hitCondition?: string; logMessage?: string } = {};
  for (const k of ['condition', 'hitCondition', 'logMessage'] as const) {
    const v = b[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') fail(`'${command}': breakpoints[${i}].${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** A warning for a hit condition that cannot be parsed (the breakpoint then ignores it). */
function hitWarning(o: { hitCondition?: string }): string | undefined {
  if (!o.hitCondition?.trim()) return undefined;
  const r = parseHitCondition(o.hitCondition);
  return typeof r === 'string' ? r : undefined;
}

function answer(active: ActiveBreakpoint, extra: Partial<DebugProtocol.Breakpoint>): DebugProtocol.Breakpoint {
  const bp: DebugProtocol.Breakpoint = { id: active.id, verified: active.addresses.length > 0, ...extra };
  if (active.addresses.length > 0) bp.instructionReference = hex8(active.addresses[0]!);
  return bp;
}

export function sourceBreakpoints(t: Target, bps: Breakpoints, a: Record<string, unknown>,
  fromClient: (l: number) => number, toClient: (l: number) => number): DebugProtocol.Breakpoint[] {
  const cmd = 'setBreakpoints';
  const source = a.source;
  if (source === null || typeof source !== 'object') fail(`'${cmd}': argument 'source' must be an object with a 'path'`);
  const file = str(cmd, source as Record<string, unknown>, 'path');
  let list = arr(cmd, a, 'breakpoints', true);
  if (list.length === 0 && Array.isArray(a.lines)) list = (a.lines as unknown[]).map((line) => ({ line }));
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const line = fromClient(int(cmd, b, 'line'));
    const opts = options(cmd, b, i);
    const loc = t.info?.breakpointLocations(file, line);
    return { addresses: loc?.addresses ?? [], bp: { line, ...opts }, actual: loc?.line, opts };
  });
  const active = bps.setSource(path.resolve(file), specs);
  const src = new Source(path.basename(file), file);
  return active.map((bp, i) => {
    const s = specs[i]!;
    const extra: Partial<DebugProtocol.Breakpoint> = { source: src, line: toClient(s.actual ?? s.bp.line) };
    if (s.actual === undefined) {
      extra.message = t.info?.matchFiles(file).length
        ? `no code at or after line ${s.bp.line} of ${path.basename(file)}`
        : `${path.basename(file)} is not a source file of the program (or the program was built without -g)`;
    } else if (hitWarning(s.opts)) {
      extra.message = hitWarning(s.opts);
    }
    return answer(bp, extra);
  });
}

/**
 * A function breakpoint stops after the function's prologue, as GDB does: at the second line of
 * the function in the line table (the first statement of its body), else at its first instruction.
 * `*0x80000010` names an address.
 */
export function functionBreakpoints(t: Target, bps: Breakpoints, a: Record<string, unknown>): DebugProtocol.Breakpoint[] {
  const cmd = 'setFunctionBreakpoints';
  const list = arr(cmd, a, 'breakpoints');
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const name = str(cmd, b, 'name').trim();
    const opts = options(cmd, b, i);
    let addr: number | undefined;
    const m = /^\*?\s*(0x[0-9a-f]+)$/i.exec(name);
    if (m) addr = Number(m[1]) >>> 0;
    else {
      const fn = t.info?.functionNamed(name);
      if (fn) addr = t.info!.bodyStart(fn);
      else addr = t.image.symbols.find((s) => s.name === name && (s.type === 'func' || s.type === 'notype'))?.value;
    }
    return { addresses: addr === undefined ? [] : [addr >>> 0], bp: { name, ...opts }, name };
  });
  return bps.setFunctions(specs).map((bp, i) => {
    const s = specs[i]!;
    const extra: Partial<DebugProtocol.Breakpoint> = {};
    if (s.addresses.length === 0) extra.message = `no function '${s.name}' in the program's symbols`;
    const src = s.addresses.length ? t.source(s.addresses[0]!) : undefined;
    if (src) {
      extra.source = src.source;
      extra.line = src.line;
    }
    return answer(bp, extra);
  });
}

export function instructionBreakpoints(_t: Target, bps: Breakpoints, a: Record<string, unknown>): DebugProtocol.Breakpoint[] {
  const cmd = 'setInstructionBreakpoints';
  const list = arr(cmd, a, 'breakpoints');
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const ref = str(cmd, b, 'instructionReference');
    const base = /^(?:phys:)?(0x[0-9a-f]+|\d+)$/i.exec(ref.trim());
    const addr = base ? (Number(base[1]) + int(cmd, b, 'offset', 0)) >>> 0 : undefined;
    return { addresses: addr === undefined ? [] : [addr], bp: { instructionReference: ref, ...options(cmd, b, i) }, ref };
  });
  return bps.setInstructions(specs).map((bp, i) => {
    const s = specs[i]!;
    return answer(bp, s.addresses.length ? {} : { message: `'${s.ref}' is not an instruction address` });
  });
}
