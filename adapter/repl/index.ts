/**
 * Commands of the Debug Console (evaluate requests with context 'repl'), answered as plain text:
 *   help                                  expressions, address spaces and these commands
 *   vms                                   harts (mode, V, VMID, pc) and the VMIDs seen
 *   cache [l1d|l1i|llc] [hart] [asid N]   valid lines (set, way, pa, ASID, dirty, LRU) and stats per ASID
 *   tlb [hart]                            the address spaces the hart's TLB holds
 *   csr NAME                              a CSR's value with its decoded fields
 *   features                              attached hardware features and their state, summarised
 *   keys                                  the key table by ASID and the secure processor's guests (repl/cvm.ts)
 *   sp status | sp report N               the secure processor; one attestation report's fields
 *                                         (a bare `sp` stays the stack pointer)
 * Anything else is an expression (adapter/expressions.ts), except a line that reads as a command
 * (`word argument`) or a lone word that is neither a command nor an expression's name: those get a
 * message listing the commands.
 */
import { CSR_BY_NAME, vmidOf } from '../../emulator/api';
import type { CacheLevel } from '../../emulator/cache/index';
import { causeName, CSR_FIELDS, fieldValue } from '../csr-fields';
import { HELP } from '../address-spaces';
import { EvalError, evaluate, type EvalContext } from '../expressions';
import { keysCommand, spCommand } from './cvm';
import { ERR } from '../protocol';
import type { Target } from '../target';
import { fail } from '../validate';

export const REPL_COMMANDS: readonly { name: string; usage: string; what: string }[] = [
  { name: 'help', usage: 'help', what: 'this text' },
  { name: 'vms', usage: 'vms', what: 'harts (mode, V, VMID, pc) and the VMIDs seen' },
  { name: 'cache', usage: 'cache [l1d|l1i|llc] [hart] [asid N]', what: 'valid lines (set, way, pa, ASID, dirty, LRU rank) and statistics per ASID' },
  { name: 'tlb', usage: 'tlb [hart]', what: 'the address spaces (privilege, V, ASID, VMID) the hart\'s TLB holds' },
  { name: 'csr', usage: 'csr NAME', what: 'a CSR\'s value with its decoded fields (e.g. csr mstatus)' },
  { name: 'features', usage: 'features', what: 'attached hardware features and their state, summarised' },
  { name: 'keys', usage: 'keys', what: 'memory encryption keys by ASID (fingerprints), their secure-processor guests, the machine seed' },
  { name: 'sp', usage: 'sp status | sp report N', what: 'the secure processor: last command, guests, reports, chip key; one report\'s fields (bare sp: the register)' },
];

const COMMAND_LIST = REPL_COMMANDS.map((c) => c.name).join(', ');

export const REPL_HELP = [
  HELP,
  'Commands:',
  ...REPL_COMMANDS.map((c) => `  ${c.usage.padEnd(36)} ${c.what}`),
  '  (a symbol named like a command: write it in parentheses, e.g. (cache))',
].join('\n');

const hex8 = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
const hex = (v: number): string => `0x${v.toString(16)}`;

/** Lines of `cache` output before it says how many more there are. */
const MAX_LINES = 256;

/**
 * The output of a Debug Console command, or undefined when `text` is an expression for the caller
 * to evaluate. `hart` is the hart of the selected frame (0 without one). Throws RequestError.
 */
export function replCommand(t: Target, text: string, hart: number, ctx: EvalContext): string | undefined {
  const words = text.trim().split(/\s+/);
  const name = words[0] ?? '';
  const args = words.slice(1);
  switch (name) {
    case 'help': return REPL_HELP;
    case 'vms': return noArgs(name, args) ?? vms(t);
    case 'cache': return cache(t, args, hart);
    case 'tlb': return tlb(t, args, hart);
    case 'csr': return csr(t, args, hart);
    case 'features': return noArgs(name, args) ?? features(t);
    case 'keys': return noArgs(name, args) ?? keysCommand(t);
    case 'sp':
      if (args.length > 0) return spCommand(t, args); // a bare `sp` is the stack pointer
      break;
  }
  if (/^[A-Za-z_][\w-]*\s+[\w$.]/.test(text.trim())) {
    fail(`'${name}' is not a command; commands: ${COMMAND_LIST} (help lists what they do)`, ERR.evaluate);
  }
  if (/^[A-Za-z_][\w-]*$/.test(text.trim())) {
    try {
      evaluate(text, ctx);
    } catch (e) {
      if (e instanceof EvalError) fail(`'${name}' is not a command, register, CSR or symbol; commands: ${COMMAND_LIST} (help lists what they do)`, ERR.evaluate);
      throw e;
    }
  }
  return undefined;
}

function noArgs(name: string, args: string[]): undefined {
  if (args.length > 0) fail(`'${name}' takes no arguments, got '${args.join(' ')}'`, ERR.evaluate);
  return undefined;
}

function hartArg(t: Target, text: string, usage: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n < t.machine.harts.length)) fail(`${usage}: no hart '${text}' (harts 0..${t.machine.harts.length - 1})`, ERR.evaluate);
  return n;
}

const CSR_HGATP = 0x680;

/** M-mode, HS-mode (S with H), S-mode, U-mode, VS-mode, VU-mode. */
function modeName(priv: number, virt: boolean, hasH: boolean): string {
  if (virt) return priv === 1 ? 'VS-mode' : 'VU-mode';
  if (priv === 3) return 'M-mode';
  if (priv === 1) return hasH ? 'HS-mode' : 'S-mode';
  return 'U-mode';
}

function guestName(t: Target, vmid: number): string {
  const g = t.guests.get(vmid);
  return g === undefined ? '' : ` (${g.name})`;
}

function vms(t: Target): string {
  const m = t.machine;
  const out = m.harts.map((h, i) => {
    const vmid = h.virt ? vmidOf(m.readCsr(i, CSR_HGATP) ?? 0) : undefined;
    return `hart ${i}: ${modeName(h.priv, h.virt, h.hasH)}, V=${h.virt ? 1 : 0}${vmid === undefined ? '' : `, VMID ${vmid}${guestName(t, vmid)}`}, pc ${hex8(h.pc)}`;
  });
  // VMIDs with a G-stage root seen at a stop (or now), with symbols, or with cache statistics.
  const seen = new Map<number, number | undefined>();
  for (let v = 0; v < 128; v++) {
    const root = t.rootOf(v);
    if (root !== undefined) seen.set(v, root);
  }
  for (const v of t.guests.keys()) if (!seen.has(v)) seen.set(v, undefined);
  for (const a of m.cache?.asids() ?? []) if (a > 0 && !seen.has(a)) seen.set(a, undefined);
  const list = [...seen].sort(([a], [b]) => a - b).map(([v, root]) => `  VMID ${v}${guestName(t, v)}${root === undefined ? ': no G-stage root seen yet' : `: hgatp ${hex8(root)}`}`);
  out.push(list.length === 0 ? 'VMIDs seen: none yet' : 'VMIDs seen:', ...list);
  return out.join('\n');
}

function cache(t: Target, args: string[], frameHart: number): string {
  const usage = 'cache [l1d|l1i|llc] [hart] [asid N]';
  const model = t.machine.cache;
  if (model === undefined) return 'The cache model is off: enable it with launch attribute `caches` or `"caches": {}` in the machine configuration file (`config`).';
  let level: 'l1d' | 'l1i' | 'llc' = 'l1d';
  let hart = frameHart;
  let asid: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.toLowerCase();
    if (a === 'l1d' || a === 'l1i' || a === 'llc') level = a;
    else if (a === 'asid') {
      const v = args[++i];
      if (v === undefined || !/^(0x[0-9a-f]+|\d+)$/i.test(v)) fail(`${usage}: 'asid' wants a number, got '${v ?? ''}'`, ERR.evaluate);
      asid = Number(v);
    } else if (/^\d+$/.test(a)) hart = hartArg(t, a, usage);
    else fail(`${usage}: unexpected '${args[i]}'`, ERR.evaluate);
  }
  const c: CacheLevel = level === 'llc' ? model.llc : model[level][hart]!;
  const ranks = lruRanks(c);
  const lines = c.lines().filter((l) => asid === undefined || l.asid === asid);
  const out = [`${c.name}: ${c.sets} sets x ${c.ways} ways x ${c.line}-byte lines, ${c.replacement}; ${lines.length} valid line${lines.length === 1 ? '' : 's'}${asid === undefined ? '' : ` of ASID ${asid}`}`];
  if (lines.length > 0) out.push(`  ${'set'.padStart(5)} ${'way'.padStart(3)}  ${'pa'.padEnd(10)}  ${'ASID'.padStart(4)}  dirty  ${c.replacement === 'lru' ? 'LRU' : ''}`.trimEnd());
  for (const l of lines.slice(0, MAX_LINES)) {
    const rank = ranks?.get(l.set * c.ways + l.way);
    out.push(`  ${String(l.set).padStart(5)} ${String(l.way).padStart(3)}  ${hex(l.pa).padEnd(10)}  ${String(l.asid).padStart(4)}  ${(l.dirty ? 'yes' : 'no').padEnd(5)}  ${rank === undefined ? '' : String(rank)}`.trimEnd());
  }
  if (lines.length > MAX_LINES) out.push(`  ... ${lines.length - MAX_LINES} more lines (narrow with 'asid N')`);
  if (ranks !== undefined && lines.length > 0) out.push('  (LRU: 0 = most recently used in its set)');
  out.push('Statistics per ASID:');
  const stats = [...c.stats].filter(([a]) => asid === undefined || a === asid).sort(([a], [b]) => a - b);
  if (stats.length === 0) out.push('  none yet');
  for (const [a, s] of stats) {
    const rate = s.accesses > 0 ? ` (${((100 * s.hits) / s.accesses).toFixed(1)}% hits)` : '';
    out.push(`  ASID ${a}: ${s.accesses} accesses, ${s.hits} hits, ${s.misses} misses${rate}, ${s.evictions} evictions, ${s.writebacks} write-backs, ${s.discards} discards`);
  }
  return out.join('\n');
}

/** Rank of each valid slot in its set by last use (0 = most recent); undefined unless the policy is LRU. */
function lruRanks(c: CacheLevel): Map<number, number> | undefined {
  if (c.replacement !== 'lru') return undefined;
  const order = c.snapshot().order; // the use stamps (the snapshot is the public view of them)
  const ranks = new Map<number, number>();
  const bySet = new Map<number, number[]>();
  for (const slot of c.validSlots()) {
    const set = Math.floor(slot / c.ways);
    let l = bySet.get(set);
    if (l === undefined) bySet.set(set, (l = []));
    l.push(slot);
  }
  for (const slots of bySet.values()) {
    slots.sort((a, b) => order[b]! - order[a]!).forEach((s, i) => ranks.set(s, i));
  }
  return ranks;
}

interface TlbSpace { priv: number; virt: boolean; asid: number; vmid: number; entries: number }

function tlb(t: Target, args: string[], frameHart: number): string {
  if (args.length > 1) fail(`tlb [hart]: unexpected '${args.slice(1).join(' ')}'`, ERR.evaluate);
  const hart = args.length === 1 ? hartArg(t, args[0]!, 'tlb [hart]') : frameHart;
  const h = t.machine.harts[hart]! as unknown as { tlbSpaces?: () => TlbSpace[]; hasH: boolean };
  if (typeof h.tlbSpaces !== 'function') return `hart ${hart}: this build's TLB does not tell its address spaces yet; the TLB view arrives with the VMID/ASID-tagged TLBs.`;
  const spaces = h.tlbSpaces();
  const out = [`hart ${hart}: ${spaces.length} cached address space${spaces.length === 1 ? '' : 's'}, most recently used first`];
  for (const s of spaces) {
    const asid = s.asid < 0 ? 'no ASID (Bare or M-mode)' : `ASID ${s.asid}`;
    out.push(`  ${modeName(s.priv, s.virt, h.hasH).padEnd(8)} V=${s.virt ? 1 : 0}  ${s.virt ? `VMID ${s.vmid}${guestName(t, s.vmid)}, ` : ''}${asid}: ${s.entries} entr${s.entries === 1 ? 'y' : 'ies'}`);
  }
  return out.join('\n');
}

function csr(t: Target, args: string[], hart: number): string {
  if (args.length !== 1) fail("csr NAME: name one CSR, e.g. 'csr mstatus'", ERR.evaluate);
  const name = args[0]!.toLowerCase();
  const num = CSR_BY_NAME.get(name) ?? (/^(0x[0-9a-f]{1,3})$/i.test(name) ? Number(name) : undefined);
  if (num === undefined) fail(`csr NAME: no CSR named '${args[0]}' (names as in the privileged spec: mstatus, satp, hgatp, vsatp, ...)`, ERR.evaluate);
  const v = t.machine.readCsr(hart, num);
  if (v === undefined) fail(`csr NAME: CSR ${hex(num)} is not implemented`, ERR.evaluate);
  const out = [`${name} (${hex(num)}) on hart ${hart} = ${hex8(v)} (${v >>> 0})`];
  const fields = CSR_FIELDS.get(num);
  for (const f of fields ?? []) {
    const fv = fieldValue(v, f);
    const note = f.describe?.(fv) ?? (f.name === 'Exception Code' ? causeName(v) : undefined);
    out.push(`  ${f.name.padEnd(15)} [${f.width === 1 ? f.lsb : `${f.lsb + f.width - 1}:${f.lsb}`}] = ${fv <= 9 ? fv : `${fv} (${hex(fv)})`}${note ? `  ${note}` : ''}`);
  }
  if (fields === undefined) out.push('  (no field decoding for this CSR yet)');
  return out.join('\n');
}

function features(t: Target): string {
  const list = t.machine.features;
  if (list.length === 0) return 'No hardware features attached (the cache model is one: launch attribute `caches`, or `caches` in the machine configuration file).';
  const out: string[] = [];
  for (const f of list) {
    out.push(`${f.name}: ${f.description}`);
    let state: unknown;
    try {
      state = f.viewState();
    } catch (e) {
      out.push(`  (viewState failed: ${(e as Error).message})`);
      continue;
    }
    out.push(...summarise(state, '  '));
  }
  return out.join('\n');
}

/**
 * A feature's view state in a few lines: one per key, each at most ~160 characters; an object too long
 * for one line is opened one level further (two levels at most).
 */
function summarise(v: unknown, indent: string, depth = 0): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [`${indent}${short(v)}`];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
    const open = depth < 1 && x !== null && typeof x === 'object' && !Array.isArray(x) && (JSON.stringify(x) ?? '').length > 160;
    return open ? [`${indent}${k}:`, ...summarise(x, `${indent}  `, depth + 1)] : [`${indent}${k}: ${short(x)}`];
  });
}

function short(v: unknown): string {
  if (Array.isArray(v)) {
    const s = JSON.stringify(v);
    if (s.length <= 160) return s;
    const names = v.map((e) => (e !== null && typeof e === 'object' && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : undefined));
    return names.every((n) => n !== undefined) ? `${v.length} items: ${names.join(', ')}` : `[${v.length} items]`;
  }
  const s = JSON.stringify(v) ?? String(v);
  if (s.length <= 160) return s;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return `{ ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? `, ... (${keys.length} keys)` : ''} }`;
  }
  return `${s.slice(0, 157)}...`;
}
