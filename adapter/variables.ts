/**
 * Scopes and variables of a stopped hart: "Registers" (pc, privilege, x0..x31 by ABI name) and
 * "CSRs" grouped by privilege level, with decoded fields for mstatus, mcause, mip, mie, satp and
 * their S-mode views; on a machine with confidential-VM hardware "Confidential VMs": the machine
 * seed and per VM its key (fingerprint), secure-processor handle, policy and launch state
 * (adapter/cvm.ts); with the cache model "Caches": geometry and per level and ASID the hit rate and
 * counters (the cache view has the lines). References live until the machine runs again.
 */
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Machine } from '../emulator/api';
import { ABI_NAMES } from '../emulator/isa/registers';
import { causeName, CSR_FIELDS, csrGroup, fieldValue } from './csr-fields';
import { cvmRows, describeKey, describePolicy, NODBG_VM_NOTE, rowName, rowSummary, type CvmRow } from './cvm';
import { evaluate, formatValue, registerNumber } from './expressions';
import { ERR } from './protocol';
import type { Target } from './target';
import { fail } from './validate';

type Container =
  | { kind: 'registers'; hart: number; frame: number; regs: Int32Array; pc: number }
  | { kind: 'csrs'; hart: number }
  | { kind: 'csrGroup'; hart: number; group: string }
  | { kind: 'csrFields'; hart: number; csr: number }
  | { kind: 'cvms' }
  | { kind: 'cvm'; row: CvmRow }
  | { kind: 'caches' }
  | { kind: 'cacheLevel'; level: LevelName };

type LevelName = 'l1i' | 'l1d' | 'llc';
const LEVELS: readonly LevelName[] = ['l1i', 'l1d', 'llc'];

/** `hits/accesses (rate%)` of some statistics. */
function hitRate(s: { accesses: number; hits: number }): string {
  return s.accesses === 0 ? 'no accesses' : `${s.hits}/${s.accesses} hits (${((100 * s.hits) / s.accesses).toFixed(1)}%)`;
}

const PRIV_NAMES = ['U', 'S', '?', 'M'];

export class Variables {
  private handles = new Handles<Container>();
  private static readonly csrNames = Machine.csrNames();

  /** `target`: for the Confidential VMs scope (guest names, G-stage roots seen). */
  constructor(private readonly machine: Machine, private readonly target?: Target) {}

  /** Forget every reference (the machine is about to run). */
  reset(): void {
    this.handles.reset();
  }

  get(ref: number): Container | undefined {
    return this.handles.get(ref);
  }

  scopes(hart: number, frame: number, regs: Int32Array, pc: number): DebugProtocol.Scope[] {
    const regScope = new Scope(frame === 0 ? 'Registers' : `Registers (frame ${frame}, as unwound)`, this.handles.create({ kind: 'registers', hart, frame, regs, pc }), false);
    (regScope as DebugProtocol.Scope).presentationHint = 'registers';
    const out: DebugProtocol.Scope[] = [regScope];
    if (frame === 0) out.push(new Scope('CSRs', this.handles.create({ kind: 'csrs', hart }), false));
    if (frame === 0 && this.machine.mee !== undefined && this.target !== undefined) out.push(new Scope('Confidential VMs', this.handles.create({ kind: 'cvms' }), false));
    if (frame === 0 && this.machine.cache !== undefined) out.push(new Scope('Caches', this.handles.create({ kind: 'caches' }), false));
    return out;
  }

  variables(ref: number): DebugProtocol.Variable[] | undefined {
    const c = this.handles.get(ref);
    if (c === undefined) return undefined;
    const readOnly = (v: DebugProtocol.Variable): DebugProtocol.Variable => ({ ...v, presentationHint: { attributes: ['readOnly'] } });
    switch (c.kind) {
      case 'registers': {
        const h = this.machine.harts[c.hart]!;
        const ro = c.frame !== 0;
        const mk = (v: DebugProtocol.Variable) => (ro ? readOnly(v) : v);
        return [
          mk({ name: 'pc', value: formatValue(c.pc), variablesReference: 0, evaluateName: 'pc', memoryReference: this.pcReference(c.hart, c.pc) }),
          readOnly({ name: 'priv', value: `${h.virt ? 'V' : ''}${PRIV_NAMES[h.priv] ?? '?'}-mode`, variablesReference: 0 }),
          ...ABI_NAMES.map((n, i) => mk({ name: n, type: `x${i}`, value: formatValue(c.regs[i]!), variablesReference: 0, evaluateName: n })),
        ];
      }
      case 'csrs': {
        const groups = new Set<string>();
        for (const n of Variables.csrNames.keys()) groups.add(csrGroup(n));
        return ['machine', 'supervisor', 'user', 'hypervisor'].filter((g) => groups.has(g as ReturnType<typeof csrGroup>))
          .map((g) => readOnly({ name: g, value: '', variablesReference: this.handles.create({ kind: 'csrGroup', hart: c.hart, group: g }) }));
      }
      case 'csrGroup': {
        const out: DebugProtocol.Variable[] = [];
        for (const [num, name] of [...Variables.csrNames].sort((a, b) => a[0] - b[0])) {
          if (csrGroup(num) !== c.group) continue;
          const v = this.machine.readCsr(c.hart, num);
          if (v === undefined) continue;
          const fields = CSR_FIELDS.get(num);
          const cause = num === 0x342 || num === 0x142 ? causeName(v) : undefined;
          out.push({
            name,
            value: formatValue(v) + (cause ? ` ${cause}` : ''),
            type: `csr 0x${num.toString(16).padStart(3, '0')}`,
            evaluateName: name,
            variablesReference: fields ? this.handles.create({ kind: 'csrFields', hart: c.hart, csr: num }) : 0,
          });
        }
        return out;
      }
      case 'cvms': {
        const seed = this.machine.seed ?? 0;
        return [
          readOnly({ name: 'seed', value: formatValue(seed), type: 'machine seed: keys and tweaks derive from it (cvm-model 3.3)', variablesReference: 0 }),
          ...cvmRows(this.target!).map((row) => readOnly({ name: rowName(row), value: rowSummary(row), variablesReference: this.handles.create({ kind: 'cvm', row }) })),
        ];
      }
      case 'cvm': return cvmVariables(this.machine, c.row).map(readOnly);
      case 'caches': {
        const m = this.machine.cache!;
        const geometry = (l: { sets: number; ways: number; line: number }): string => `${l.sets} sets x ${l.ways} ways x ${l.line} B`;
        return [
          readOnly({ name: 'replacement', value: m.config.replacement, variablesReference: 0 }),
          ...LEVELS.map((level) => {
            const total = m.asids().map((a) => m.stats(level, a)).reduce((x, s) => ({ accesses: x.accesses + s.accesses, hits: x.hits + s.hits }), { accesses: 0, hits: 0 });
            const cfg = m.config[level];
            return readOnly({ name: level, value: hitRate(total), type: `${level === 'llc' ? 'shared' : 'per hart'}: ${geometry(cfg)}`, variablesReference: this.handles.create({ kind: 'cacheLevel', level }) });
          }),
        ];
      }
      case 'cacheLevel': {
        const m = this.machine.cache!;
        return m.asids().map((asid) => {
          const s = m.stats(c.level, asid);
          return readOnly({
            name: asid === 0 ? 'ASID 0 (host)' : `ASID ${asid}`,
            value: `${hitRate(s)}, ${s.misses} misses, ${s.evictions} evictions, ${s.writebacks} write-backs, ${s.discards} discards`,
            variablesReference: 0,
          });
        });
      }
      case 'csrFields': {
        const v = this.machine.readCsr(c.hart, c.csr) ?? 0;
        return (CSR_FIELDS.get(c.csr) ?? []).map((f) => {
          const fv = fieldValue(v, f);
          const what = f.describe?.(fv);
          const bits = f.width === 1 ? `[${f.lsb}]` : `[${f.lsb + f.width - 1}:${f.lsb}]`;
          return readOnly({ name: f.name, value: `${f.width > 4 ? `0x${fv.toString(16)}` : fv}${what ? ` (${what})` : ''}`, type: `bits ${bits}`, variablesReference: 0 });
        });
      }
    }
  }

  /** The pc as a memory reference: virtual through the hart's translation when it translates (V=1, satp in S/U). */
  private pcReference(hart: number, pc: number): string {
    const h = this.machine.harts[hart]!;
    const hex = `0x${(pc >>> 0).toString(16).padStart(8, '0')}`;
    const paged = h.priv !== 3 && ((this.machine.readCsr(hart, 0x180) ?? 0) >>> 31) !== 0;
    return h.virt || paged ? `va:${hart}:${hex}` : `phys:${hex}`;
  }

  /** setVariable: a register of the top frame or a CSR; returns the value it now has. */
  set(t: Target, ref: number, name: string, text: string): string {
    const c = this.handles.get(ref);
    if (c === undefined) fail(`'setVariable': no variables with reference ${ref}`, ERR.unknownReference);
    if (c.kind === 'registers' && c.frame !== 0) fail("'setVariable': registers of outer frames are read-only; select the top frame");
    if (c.kind === 'cvms' || c.kind === 'cvm') fail(`'setVariable': '${name}' is the hardware's confidential-VM state, read-only`);
    if (c.kind === 'caches' || c.kind === 'cacheLevel') fail(`'setVariable': '${name}' is a cache statistic, read-only`);
    if (c.kind !== 'registers' && c.kind !== 'csrGroup') fail(`'setVariable': '${name}' is read-only (set the whole register instead)`);
    let value: number;
    try {
      value = evaluate(text, t.evalContext(c.hart)).value;
    } catch (e) {
      fail(`'setVariable': cannot use '${text}' as a value: ${(e as Error).message}`, ERR.evaluate);
    }
    const h = this.machine.harts[c.hart]!;
    if (c.kind === 'registers') {
      if (name === 'pc') {
        h.pc = value >>> 0;
        return formatValue(h.pc);
      }
      const reg = registerNumber(name);
      if (reg === undefined) fail(`'setVariable': no register '${name}'`);
      if (reg === 0) fail("'setVariable': x0 (zero) is hard-wired to 0");
      this.machine.setReg(c.hart, reg, value);
      return formatValue(h.x[reg]!);
    }
    const num = [...Variables.csrNames].find(([, n]) => n === name)?.[0];
    if (num === undefined || !this.machine.writeCsr(c.hart, num, value >>> 0)) fail(`'setVariable': no CSR '${name}'`);
    // WARL fields may not take every value: answer with what the CSR holds now.
    return formatValue(this.machine.readCsr(c.hart, num) ?? 0);
  }
}

/** The fields of one VM (a row of adapter/cvm.ts cvmRows). */
function cvmVariables(m: Machine, r: CvmRow): DebugProtocol.Variable[] {
  const v = (name: string, value: string, type?: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0, ...(type ? { type } : {}) });
  const out: DebugProtocol.Variable[] = [];
  if (r.vmid !== undefined) {
    out.push(v('asid', String(r.vmid), 'hgatp.VMID is the ASID (cvm-model 1.1)'), v('key', describeKey(m, r.vmid)));
    if (r.key) out.push(v('pages in view', String(r.key.pagesInView), 'RAM pages the CPU sees through this key now'));
  }
  const g = r.guest;
  if (g) {
    out.push(
      v('handle', String(g.handle), 'secure-processor guest handle (LAUNCH_START)'),
      v('state', g.state, 'launch state (cvm-model 5.3)'),
      v('policy', describePolicy(g)),
      v('digest', g.digest, 'launch digest, SHA-384 (cvm-model 5.5)'),
      v('reports', String(g.reports), 'attestation reports produced'),
    );
  } else {
    out.push(v('handle', 'none: the secure processor did not launch this VM'));
  }
  if (r.hgatp !== undefined) out.push(v('hgatp', formatValue(r.hgatp), 'the last G-stage root seen for this VMID'));
  if (g?.nodbg) out.push(v('debug', NODBG_VM_NOTE));
  return out;
}
