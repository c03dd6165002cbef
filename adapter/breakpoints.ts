/**
 * The breakpoints the client set: source lines, functions and instructions, each resolved to
 * addresses, with condition, hit condition and log message. Decides, when the machine stops at an
 * address, whether the session stops, logs or goes on.
 *
 * The machine's breakpoints are on virtual pcs, whoever runs there: a hypervisor and its guests
 * often use the same addresses. So each breakpoint has sites, its addresses in one context (the
 * host, V=0; one VMID, V=1 with that hgatp.VMID; or anywhere), and a hit counts only for a site of
 * the context the hart runs in (set-breakpoints.ts decides the sites; adapter/README.md).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate, interpolate, type EvalContext } from './expressions';

export type BreakpointKind = 'source' | 'function' | 'instruction';

/** Where a breakpoint applies: the host (V=0), one VMID (V=1 with that hgatp.VMID), or anywhere. */
export type BreakpointContext = 'host' | number | 'any';

/** A breakpoint's addresses in one context (a line of a file two guests share has one site in each). */
export interface BreakpointSite {
  context: BreakpointContext;
  addresses: number[];
}

export interface ActiveBreakpoint {
  id: number;
  kind: BreakpointKind;
  sites: BreakpointSite[];
  /** Every site's addresses (where the machine stops). */
  addresses: number[];
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

/** The context an expression context's hart runs in now. */
function contextOf(ctx: EvalContext): 'host' | number {
  return ctx.vmid?.() ?? 'host';
}

/**
 * Whether a stop at `pc` of the hart `ctx` looks at is one of `bp`'s sites. A guest without a symbol
 * table of its own (`symbols`) is debugged with the main program's, so the main program's sites
 * ('host') apply there too: one ELF holding the hypervisor and its guests needs no `symbols`.
 */
export function appliesAt(bp: ActiveBreakpoint, pc: number, ctx: EvalContext): boolean {
  const here = contextOf(ctx);
  const table = here !== 'host' && ctx.ownsSymbols?.(here) === false ? 'host' : here;
  return bp.sites.some((s) => (s.context === 'any' || s.context === here || s.context === table) && s.addresses.includes(pc >>> 0));
}

/** `ctx` where `vmid`, `host` and `guest` may be written without `$` (conditions, logpoints). */
export function withVmNames(ctx: EvalContext): EvalContext {
  // A prototype link, not a copy: the context's methods stay as they are.
  return Object.create(ctx, { bareVmNames: { value: true } }) as EvalContext;
}

/** Whether `bp`'s condition holds in `ctx` (no condition: true); a string: why it cannot be evaluated. */
export function conditionHolds(bp: ActiveBreakpoint, ctx: EvalContext): boolean | string {
  if (bp.condition === undefined) return true;
  try {
    return evaluate(bp.condition, withVmNames(ctx)).value !== 0;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What a stop at a breakpoint address amounts to. */
export interface HitDecision {
  stop: boolean;
  /** Ids of the breakpoints that stopped. */
  ids: number[];
  kind?: BreakpointKind;
  /** Logpoint output and condition errors, one line each. */
  output: string[];
}

/** Parses a hit condition: `5` or `>= 5` (stop from the 5th hit on), `== 5`, `> 5`, `< 5`, `% 5` (every 5th). */
export function parseHitCondition(s: string): ((hits: number) => boolean) | string {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(s);
  if (!m) return `hit condition '${s}' is not understood: use a number N (stop from the Nth hit on), '== N', '> N', '< N' or '% N'`;
  const n = Number(m[2]);
  switch (m[1]) {
    case '==': case '=': return (h) => h === n;
    case '>': return (h) => h > n;
    case '<': return (h) => h < n;
    case '<=': return (h) => h <= n;
    case '%': return (h) => n > 0 && h % n === 0;
    default: return (h) => h >= n;
  }
}

export class Breakpoints {
  private nextId = 1;
  private readonly bySource = new Map<string, ActiveBreakpoint[]>();
  private functions: ActiveBreakpoint[] = [];
  private instructions: ActiveBreakpoint[] = [];
  /** addresses(), rebuilt after a change (line stepping asks once per instruction). */
  private cached: Set<number> | undefined;

  private make(kind: BreakpointKind, sites: BreakpointSite[], opts: { condition?: string; hitCondition?: string; logMessage?: string }): ActiveBreakpoint {
    const own = sites.map((s) => ({ context: s.context, addresses: s.addresses.map((a) => a >>> 0) }));
    const bp: ActiveBreakpoint = { id: this.nextId++, kind, sites: own, addresses: [...new Set(own.flatMap((s) => s.addresses))], hits: 0 };
    if (opts.condition?.trim()) bp.condition = opts.condition;
    if (opts.hitCondition?.trim()) bp.hitCondition = opts.hitCondition;
    if (opts.logMessage !== undefined && opts.logMessage !== '') bp.logMessage = opts.logMessage;
    return bp;
  }

  /** Replace the breakpoints of one source file (no sites: unverified). */
  setSource(key: string, specs: { sites: BreakpointSite[]; bp: DebugProtocol.SourceBreakpoint }[]): ActiveBreakpoint[] {
    const list = specs.map((s) => this.make('source', s.sites, s.bp));
    this.bySource.set(key, list);
    this.cached = undefined;
    return list;
  }

  setFunctions(specs: { sites: BreakpointSite[]; bp: DebugProtocol.FunctionBreakpoint }[]): ActiveBreakpoint[] {
    this.functions = specs.map((s) => this.make('function', s.sites, s.bp));
    this.cached = undefined;
    return this.functions;
  }

  setInstructions(specs: { sites: BreakpointSite[]; bp: DebugProtocol.InstructionBreakpoint }[]): ActiveBreakpoint[] {
    this.instructions = specs.map((s) => this.make('instruction', s.sites, s.bp));
    this.cached = undefined;
    return this.instructions;
  }

  /** Every breakpoint (read-only use: reverse execution replays them). */
  all(): ActiveBreakpoint[] {
    return [...[...this.bySource.values()].flat(), ...this.functions, ...this.instructions];
  }

  /** Every address the machine must stop at (do not modify: shared). */
  addresses(): ReadonlySet<number> {
    if (this.cached === undefined) {
      this.cached = new Set<number>();
      for (const bp of this.all()) for (const a of bp.addresses) this.cached.add(a >>> 0);
    }
    return this.cached;
  }

  /**
   * The machine stopped before the instruction at `pc` on the hart `ctx` looks at: count hits of the
   * breakpoints with a site here, evaluate conditions, collect log output (DAP: the hit condition
   * counts only hits whose condition held). Hits in other contexts go on silently.
   */
  hit(pc: number, ctx: EvalContext): HitDecision {
    const out: HitDecision = { stop: false, ids: [], output: [] };
    for (const bp of this.all()) {
      if (!appliesAt(bp, pc, ctx)) continue;
      const held = conditionHolds(bp, ctx);
      if (typeof held === 'string') {
        // A condition that cannot be evaluated stops, as GDB does, and says why.
        out.output.push(`vmscope: breakpoint condition '${bp.condition}': ${held}\n`);
        out.stop = true;
        out.ids.push(bp.id);
        out.kind ??= bp.kind;
        continue;
      }
      if (!held) continue;
      bp.hits++;
      if (bp.hitCondition !== undefined) {
        const test = parseHitCondition(bp.hitCondition);
        if (typeof test === 'function' && !test(bp.hits)) continue;
      }
      if (bp.logMessage !== undefined) {
        out.output.push(interpolate(bp.logMessage, withVmNames(ctx)) + '\n');
        continue;
      }
      out.stop = true;
      out.ids.push(bp.id);
      out.kind ??= bp.kind;
    }
    return out;
  }
}
