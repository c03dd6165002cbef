/**
 * setBreakpoints / setFunctionBreakpoints / setInstructionBreakpoints: resolve what the client names
 * (file:line, function, instruction address) to sites (addresses in a context: host, VMID, anywhere)
 * and answer verified or not, with why.
 *
 * A hypervisor session has several symbol tables: the main program's (the host, V=0) and one per
 * entry of the launch attribute `symbols` (that VMID, V=1). A source line or function resolves in
 * each table that has it, and applies only in that table's context (adapter/README.md).
 */
import * as path from 'node:path';
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { CSR_BY_NAME } from '../emulator/api';
import type { ActiveBreakpoint, BreakpointContext, BreakpointSite, Breakpoints } from './breakpoints';
import { parseHitCondition } from './breakpoints';
import { evaluate, type EvalContext } from './expressions';
import type { Target } from './target';
import { arr, fail, int, objAt, str } from './validate';

function hex8(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

type Options = { condition?: string; hitCondition?: string; logMessage?: string };

/** Optional string options of a breakpoint, checked. */
function options(command: string, b: Record<string, unknown>, i: number): Options {
  const out: Options = {};
  for (const k of ['condition', 'hitCondition', 'logMessage'] as const) {
    const v = b[k];
    if (v === undefined) continue;
    if (typeof v !== 'string') fail(`'${command}': breakpoints[${i}].${k} must be a string`);
    out[k] = v;
  }
  return out;
}

/** A warning for a hit condition that cannot be parsed (the breakpoint then ignores it). */
function hitWarning(o: Options): string | undefined {
  if (!o.hitCondition?.trim()) return undefined;
  const r = parseHitCondition(o.hitCondition);
  return typeof r === 'string' ? r : undefined;
}

/** A symbol table breakpoints resolve in: the main program's (host) or a `symbols` ELF (its VMID). */
interface Program {
  context: 'host' | number;
  /** For messages: `the main program (host)`, `guest-a (VMID 1)`. */
  label: string;
  view: Target;
}

/** The main program's table, then each guest's by VMID (`t` is the session's root Target). */
function programs(t: Target): Program[] {
  const guests = [...t.guests.values()].sort((a, b) => a.vmid - b.vmid);
  return [
    { context: 'host', label: 'the main program (host)', view: t },
    ...guests.map((g) => ({ context: g.vmid, label: `${g.name} (VMID ${g.vmid})`, view: t.forVmid(g.vmid) })),
  ];
}

/** The tables of the contexts `sites` apply in (a VMID without `symbols`: the main program's). */
function tablesOf(t: Target, sites: BreakpointSite[]): Program[] {
  const all = programs(t);
  if (sites.some((s) => s.context === 'any')) return all;
  const contexts = [...new Set(sites.map((s) => s.context as 'host' | number))];
  return contexts.map((c) => all.find((p) => p.context === c) ?? { context: c, label: `VMID ${c}`, view: t });
}

/**
 * What a condition would need where it applies, checked before any run: a condition over
 * registers, CSRs, memory and `vmid`/`host`/`guest` evaluates (with zeros; memory is not read), so
 * syntax errors and unknown names show at once. Returns the error per table it fails in.
 */
function conditionErrors(t: Target, condition: string | undefined, tables: Program[]): { label: string; message: string }[] {
  if (!condition?.trim()) return [];
  const errors: { label: string; message: string }[] = [];
  for (const p of tables) {
    const ctx: EvalContext = {
      reg: () => 0,
      pc: () => 0,
      csr: (name) => {
        const n = CSR_BY_NAME.get(name);
        return n === undefined || t.machine.readCsr(0, n) === undefined ? undefined : 0;
      },
      symbol: (name) => p.view.symbolNamed(name),
      load: () => 0,
      vmid: () => (p.context === 'host' ? undefined : p.context),
      bareVmNames: true,
    };
    try {
      evaluate(condition, ctx);
    } catch (e) {
      const message = (e as Error).message;
      if (message !== 'division by zero') errors.push({ label: p.label, message });
    }
  }
  return errors;
}

/**
 * Checks the condition of a resolved breakpoint: failing in every table it applies in, the
 * breakpoint is not set (its sites are dropped) and the message says why; failing in some, it is
 * set and the message warns (a hit there stops with the error).
 */
function checkCondition(t: Target, opts: Options, sites: BreakpointSite[]): { sites: BreakpointSite[]; message?: string } {
  const tables = tablesOf(t, sites);
  const errors = conditionErrors(t, opts.condition, tables);
  if (errors.length === 0) return { sites };
  const help = "conditions are expressions over registers, CSRs, symbols and memory, and vmid / host / guest (e.g. 'vmid == 2 && a0 == 3')";
  const where = (e: { label: string }) => (t.guests.size > 0 ? ` in ${e.label}` : '');
  const first = errors[0]!;
  if (errors.length === tables.length) return { sites: [], message: `condition '${opts.condition}'${where(first)}: ${first.message}; ${help}` };
  return { sites, message: `condition '${opts.condition}' cannot be evaluated in ${errors.map((e) => e.label).join(', ')} (${first.message}): a hit there stops with the error` };
}

function answer(active: ActiveBreakpoint, extra: Partial<DebugProtocol.Breakpoint>): DebugProtocol.Breakpoint {
  const bp: DebugProtocol.Breakpoint = { id: active.id, verified: active.addresses.length > 0, ...extra };
  if (active.addresses.length > 0) bp.instructionReference = hex8(active.addresses[0]!);
  return bp;
}

/**
 * Source breakpoints: a line resolves in every table that has the file (the main program's: host;
 * a guest's: its VMID; a file two guests share: both, each at its own addresses).
 */
export function sourceBreakpoints(t: Target, bps: Breakpoints, a: Record<string, unknown>,
  fromClient: (l: number) => number, toClient: (l: number) => number): DebugProtocol.Breakpoint[] {
  const cmd = 'setBreakpoints';
  const source = a.source;
  if (source === null || typeof source !== 'object') fail(`'${cmd}': argument 'source' must be an object with a 'path'`);
  const file = str(cmd, source as Record<string, unknown>, 'path');
  let list = arr(cmd, a, 'breakpoints', true);
  if (list.length === 0 && Array.isArray(a.lines)) list = (a.lines as unknown[]).map((line) => ({ line }));
  const having = programs(t).filter((p) => (p.view.info?.matchFiles(file).length ?? 0) > 0);
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const line = fromClient(int(cmd, b, 'line'));
    const opts = options(cmd, b, i);
    let actual: number | undefined;
    const resolved: BreakpointSite[] = [];
    for (const p of having) {
      const loc = p.view.info!.breakpointLocations(file, line);
      if (!loc) continue;
      actual ??= loc.line;
      resolved.push({ context: p.context, addresses: loc.addresses });
    }
    const { sites, message } = checkCondition(t, opts, resolved);
    return { sites, bp: { line, ...opts }, actual, opts, message };
  });
  const active = bps.setSource(path.resolve(file), specs);
  const src = new Source(path.basename(file), file);
  return active.map((bp, i) => {
    const s = specs[i]!;
    const extra: Partial<DebugProtocol.Breakpoint> = { source: src, line: toClient(s.actual ?? s.bp.line) };
    if (s.actual === undefined) {
      extra.message = having.length
        ? `no code at or after line ${s.bp.line} of ${path.basename(file)}`
        : `${path.basename(file)} is not a source file of the program${t.guests.size ? " or of the guests' `symbols`" : ''} (or it was built without -g)`;
    } else {
      extra.message = s.message ?? hitWarning(s.opts);
    }
    if (extra.message === undefined) delete extra.message;
    return answer(bp, extra);
  });
}

/** A function's breakpoint address in one table: after its prologue (DWARF), else its symbol. */
function functionAddress(view: Target, name: string): number | undefined {
  const fn = view.info?.functionNamed(name);
  if (fn) return view.info!.bodyStart(fn);
  return view.image.symbols.find((s) => s.name === name && (s.type === 'func' || s.type === 'notype'))?.value;
}

/** A function breakpoint's name: `[host: | <vmid>:]<function>` or `[...:]*0x<address>`. */
function resolveFunction(t: Target, raw: string): { sites: BreakpointSite[]; message?: string } {
  const q = /^(host|\d+)\s*:\s*(.*)$/i.exec(raw);
  const qualifier = q ? (q[1]!.toLowerCase() === 'host' ? 'host' : Number(q[1])) : undefined;
  const name = q ? q[2]!.trim() : raw;
  if (typeof qualifier === 'number' && qualifier > 127) return { sites: [], message: `'${raw}': a VMID is 0..127 (hgatp.VMID of Sv32x4)` };
  const addr = /^\*?\s*(0x[0-9a-f]+)$/i.exec(name);
  // An address is the same in every context: it applies wherever it runs unless qualified.
  if (addr) return { sites: [{ context: qualifier ?? 'any', addresses: [Number(addr[1]) >>> 0] }] };
  let tables = programs(t);
  if (qualifier !== undefined) {
    const own = tables.filter((p) => p.context === qualifier);
    // A VMID without `symbols` runs code the debugger knows only from the main program.
    tables = own.length ? own : [{ context: qualifier, label: `VMID ${qualifier} (no \`symbols\` entry: the main program's symbols)`, view: t }];
  }
  const sites: BreakpointSite[] = [];
  const found: string[] = [];
  for (const p of tables) {
    const a = functionAddress(p.view, name);
    if (a === undefined) continue;
    sites.push({ context: p.context, addresses: [a >>> 0] });
    found.push(p.label);
  }
  if (sites.length === 0) {
    const searched = tables.map((p) => p.label).join(', ');
    return { sites, message: `no function '${name}' in the symbol table${tables.length > 1 ? 's' : ''} searched: ${searched}` };
  }
  if (sites.length === 1) return { sites };
  const eg = sites.find((s) => typeof s.context === 'number')?.context ?? 'host';
  return { sites, message: `'${name}' is in ${sites.length} symbol tables: ${found.join(', ')}; the breakpoint stops in each (pick one as ${eg}:${name})` };
}

/**
 * A function breakpoint stops after the function's prologue, as GDB does: at the second line of
 * the function in the line table (the first statement of its body), else at its first instruction.
 * `*0x80000010` names an address; `1:main` a function of VMID 1's `symbols`, `host:main` of the
 * main program.
 */
export function functionBreakpoints(t: Target, bps: Breakpoints, a: Record<string, unknown>): DebugProtocol.Breakpoint[] {
  const cmd = 'setFunctionBreakpoints';
  const list = arr(cmd, a, 'breakpoints');
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const name = str(cmd, b, 'name').trim();
    const opts = options(cmd, b, i);
    const r = resolveFunction(t, name);
    const checked = checkCondition(t, opts, r.sites);
    return { sites: checked.sites, bp: { name, ...opts }, message: checked.message ?? r.message ?? hitWarning(opts) };
  });
  return bps.setFunctions(specs).map((bp, i) => {
    const s = specs[i]!;
    const extra: Partial<DebugProtocol.Breakpoint> = {};
    if (s.message !== undefined) extra.message = s.message;
    const site = s.sites[0];
    const view = site === undefined || typeof site.context !== 'number' ? t : t.forVmid(site.context);
    const src = site ? view.source(site.addresses[0]!) : undefined;
    if (src) {
      extra.source = src.source;
      extra.line = src.line;
    }
    return answer(bp, extra);
  });
}

/** Instruction breakpoints: addresses apply wherever they run (a condition can narrow them: `vmid == 1`). */
export function instructionBreakpoints(t: Target, bps: Breakpoints, a: Record<string, unknown>): DebugProtocol.Breakpoint[] {
  const cmd = 'setInstructionBreakpoints';
  const list = arr(cmd, a, 'breakpoints');
  const specs = list.map((_, i) => {
    const b = objAt(cmd, list, i, 'breakpoints');
    const ref = str(cmd, b, 'instructionReference');
    const opts = options(cmd, b, i);
    const base = /^(?:phys:)?(0x[0-9a-f]+|\d+)$/i.exec(ref.trim());
    const addr = base ? (Number(base[1]) + int(cmd, b, 'offset', 0)) >>> 0 : undefined;
    const checked = checkCondition(t, opts, addr === undefined ? [] : [{ context: 'any' as BreakpointContext, addresses: [addr] }]);
    return { sites: checked.sites, bp: { instructionReference: ref, ...opts }, ref, message: addr === undefined ? `'${ref}' is not an instruction address` : checked.message ?? hitWarning(opts) };
  });
  return bps.setInstructions(specs).map((bp, i) => {
    const s = specs[i]!;
    return answer(bp, s.message === undefined ? {} : { message: s.message });
  });
}
