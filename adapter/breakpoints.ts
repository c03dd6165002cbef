/**
 * The breakpoints the client set: source lines, functions and instructions, each resolved to
 * addresses, with condition, hit condition and log message. Decides, when the machine stops at an
 * address, whether the session stops, logs or goes on.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { evaluate, interpolate, type EvalContext } from './expressions';

export type BreakpointKind = 'source' | 'function' | 'instruction';

export interface ActiveBreakpoint {
  id: number;
  kind: BreakpointKind;
  addresses: number[];
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
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

  private make(kind: BreakpointKind, addresses: number[], opts: { condition?: string; hitCondition?: string; logMessage?: string }): ActiveBreakpoint {
    const bp: ActiveBreakpoint = { id: this.nextId++, kind, addresses, hits: 0 };
    if (opts.condition?.trim()) bp.condition = opts.condition;
    if (opts.hitCondition?.trim()) bp.hitCondition = opts.hitCondition;
    if (opts.logMessage !== undefined && opts.logMessage !== '') bp.logMessage = opts.logMessage;
    return bp;
  }

  /** Replace the breakpoints of one source file; `resolved` are their addresses (empty: unverified). */
  setSource(key: string, specs: { addresses: number[]; bp: DebugProtocol.SourceBreakpoint }[]): ActiveBreakpoint[] {
    const list = specs.map((s) => this.make('source', s.addresses, s.bp));
    this.bySource.set(key, list);
    this.cached = undefined;
    return list;
  }

  setFunctions(specs: { addresses: number[]; bp: DebugProtocol.FunctionBreakpoint }[]): ActiveBreakpoint[] {
    this.functions = specs.map((s) => this.make('function', s.addresses, s.bp));
    this.cached = undefined;
    return this.functions;
  }

  setInstructions(specs: { addresses: number[]; bp: DebugProtocol.InstructionBreakpoint }[]): ActiveBreakpoint[] {
    this.instructions = specs.map((s) => this.make('instruction', s.addresses, s.bp));
    this.cached = undefined;
    return this.instructions;
  }

  private all(): ActiveBreakpoint[] {
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
   * The machine stopped before the instruction at `pc`: count hits, evaluate conditions, collect
   * log output (DAP: the hit condition counts only hits whose condition held).
   */
  hit(pc: number, ctx: EvalContext): HitDecision {
    const out: HitDecision = { stop: false, ids: [], output: [] };
    for (const bp of this.all()) {
      if (!bp.addresses.includes(pc >>> 0)) continue;
      if (bp.condition !== undefined) {
        try {
          if (evaluate(bp.condition, ctx).value === 0) continue;
        } catch (e) {
          // A condition that cannot be evaluated stops, as GDB does, and says why.
          out.output.push(`vmscope: breakpoint condition '${bp.condition}': ${(e as Error).message}\n`);
          out.stop = true;
          out.ids.push(bp.id);
          out.kind ??= bp.kind;
          continue;
        }
      }
      bp.hits++;
      if (bp.hitCondition !== undefined) {
        const test = parseHitCondition(bp.hitCondition);
        if (typeof test === 'function' && !test(bp.hits)) continue;
      }
      if (bp.logMessage !== undefined) {
        out.output.push(interpolate(bp.logMessage, ctx) + '\n');
        continue;
      }
      out.stop = true;
      out.ids.push(bp.id);
      out.kind ??= bp.kind;
    }
    return out;
  }
}
