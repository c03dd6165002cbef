/**
 * Address spaces in the Debug Console: an expression evaluated in another space than the hart's
 * own, and the `help` text that explains them (memory references: adapter/protocol.ts).
 *
 *   gpa:1:0x80000400          the 32-bit word at guest-physical 0x80000400 of VMID 1 (private: decrypted)
 *   gpa:1:shared:0x80005000   the same through a shared mapping (C-bit 0: DRAM as it is)
 *   va:0:&counter             the word at `counter` as hart 0 sees it now (symbols of what it runs)
 *   phys:0x80001000           the word at system-physical 0x80001000 (DRAM: ciphertext of private pages)
 *   dec:1:0x80003000          the same decrypted through ASID 1's key
 *   *(uint8*)msg @gpa:1       any expression, its loads and symbols in that space (`@va:0`, `@phys`, `@dec:1`)
 * A value read through the key of a guest whose policy has NODBG carries a note (cvm-model 5.6).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { nodbgNotes } from './cvm';
import { EvalError, evaluate, formatValue, type EvalContext } from './expressions';
import { formatMemoryReference, MAX_ASID, type AddressSpace } from './protocol';
import type { Target } from './target';
import type { Frame } from './unwind';

export const HELP = [
  'vmscope Debug Console: C-like integer expressions.',
  '  registers x0..x31, ABI names (a0, sp, ...), pc; CSR names (mstatus, hgatp, vsatp, ...)',
  '  symbols: an object symbol of 1/2/4 bytes reads its contents, &sym is its address; in a guest',
  '    (V=1, a VMID with launch attribute `symbols`) the guest\'s symbols',
  '  memory: *(uint32*)addr, also u8/u16/int8/int16/int32; comparisons are unsigned unless cast signed',
  '  addresses are the hart\'s own: virtual through its translation (V=1: VS stage, then G stage)',
  'Address spaces (also memory references for the memory view and readMemory):',
  '  phys:0x80001000         system-physical, as DRAM stores it (ciphertext for an encrypted guest\'s private pages)',
  '  dec:<asid>:0x80001000   system-physical decrypted through ASID <asid>\'s key (1..127)',
  '  gpa:<vmid>:0x80000000   guest-physical of VMID <vmid> (its G-stage table: the hart\'s hgatp, or the last one seen),',
  '                          as the guest sees it through a private mapping (C-bit 1: decrypted with its key)',
  '  gpa:<vmid>:shared:0x... the same through a shared mapping (C-bit 0: DRAM as it is)',
  '  va:<hart>:0x00400000    virtual, through hart <hart>\'s current translation (in a guest: the VS-stage leaf\'s C-bit',
  '                          decides private or shared; vsatp Bare and fetches are private)',
  '  gpa:1:<expr>            the 32-bit word at <expr> in that space (also va:<hart>:<expr>, phys:<expr>, dec:1:<expr>)',
  '  <expr> @gpa:1           <expr> with its loads and symbols in that space (also @va:<hart>, @phys, @dec:1, @gpa:1:shared)',
  '  Plaintext of a guest whose policy has NODBG is marked: a real hypervisor could not have read it.',
].join('\n');

/** The space of a prefix or suffix: `gpa` / `va` / `virt` / `dec` with its number, `shared` / `private` for gpa. */
function spaceOf(kind: string, n: number, mode: string | undefined): AddressSpace {
  switch (kind.toLowerCase()) {
    case 'gpa': return mode?.toLowerCase() === 'shared' ? { kind: 'gpa', vmid: n, shared: true } : { kind: 'gpa', vmid: n };
    case 'dec':
      if (n < 1 || n > MAX_ASID) throw new EvalError(`dec:${n}: an ASID is 1..${MAX_ASID} (ASID 0 is the host, which has no key: use phys:)`);
      return { kind: 'phys', asid: n };
    default: return { kind: 'va', hart: n };
  }
}

/** `gpa:1:`, `gpa:1:shared:`, `dec:1:`, `va:0:`, `phys:` prefixes and `@gpa:1`, `@gpa:1:shared`, `@dec:1`, `@va:0`, `@phys` suffixes. */
function split(expression: string): { space: AddressSpace; rest: string; word: boolean } | undefined {
  const text = expression.trim();
  let m = /^(gpa):(\d+):(?:(shared|private):)?(.+)$/is.exec(text) ?? /^(va|virt|dec):(\d+):()(.+)$/is.exec(text);
  if (m) return { space: spaceOf(m[1]!, Number(m[2]), m[3]), rest: m[4]!, word: true };
  m = /^phys:(.+)$/is.exec(text);
  if (m) return { space: { kind: 'phys' }, rest: m[1]!, word: true };
  m = /^(.+?)\s*@\s*(?:(gpa|va|virt|dec):(\d+)(?::(shared|private))?|(phys))$/is.exec(text);
  if (m) {
    if (m[4] !== undefined && m[2]!.toLowerCase() !== 'gpa') throw new EvalError(`@${m[2]}:${m[3]}:${m[4]}: only gpa: has a shared / private view`);
    const space: AddressSpace = m[5] ? { kind: 'phys' } : spaceOf(m[2]!, Number(m[3]), m[4]);
    return { space, rest: m[1]!, word: false };
  }
  return undefined;
}

/**
 * Evaluates `expression` when it names an address space (else undefined: the caller evaluates it
 * in the frame's context `ctx`). Throws EvalError.
 */
export function evaluateInSpace(t: Target, expression: string, ctx: EvalContext): DebugProtocol.EvaluateResponse['body'] | undefined {
  const s = split(expression);
  if (s === undefined) return undefined;
  if (s.space.kind === 'va' && !t.machine.harts[s.space.hart]) throw new EvalError(`no hart ${s.space.hart}`);
  const view = t.forSpace(s.space);
  const load = (addr: number, size: number): number => {
    const v = view.read(addr, size);
    if (v === undefined) {
      const tr = t.translate(s.space, addr >>> 0);
      throw new EvalError(`cannot read ${size} bytes at ${formatMemoryReference({ space: s.space, address: addr })}: ${tr.ok ? 'not in RAM' : tr.reason}`);
    }
    return v;
  };
  const spaceCtx: EvalContext = { ...ctx, symbol: (n) => view.symbolNamed(n), load };
  const { value: [r, value, addr], asids } = t.withKeysUsed(() => {
    const r = evaluate(s.rest, spaceCtx);
    const addr = s.word ? r.value >>> 0 : r.address;
    return [r, s.word ? load(addr!, 4) : r.value, addr] as const;
  });
  const body: DebugProtocol.EvaluateResponse['body'] = { result: withNotes(formatValue(value), nodbgNotes(t.machine, asids)), variablesReference: 0, type: r.signed && !s.word ? 'int32' : 'uint32' };
  const ref = addr ?? r.value >>> 0;
  if (view.read(ref, 1) !== undefined) body.memoryReference = formatMemoryReference({ space: s.space, address: ref });
  return body;
}

/** `result` with the NODBG notes of the keys it was read through (cvm-model 5.6). */
export function withNotes(result: string, notes: string[]): string {
  return notes.length === 0 ? result : `${result}  [${notes.join('; ')}]`;
}

/**
 * The expression context of frame `frame` of hart `hart`: the hart's own, or for a guest frame seen
 * from the hypervisor (a stitched VM exit) the guest's symbols and guest-physical memory.
 */
export function frameContext(t: Target, hart: number, frame: Frame): EvalContext {
  const ctx = t.evalContext(hart, frame.regs, frame.pc);
  if (frame.vmid === undefined) return ctx;
  const space: AddressSpace = { kind: 'gpa', vmid: frame.vmid };
  const view = t.forSpace(space);
  return {
    ...ctx,
    reg: (i) => {
      throw new EvalError(`x${i} of the guest is not known here: the hypervisor saved the guest's registers in its own memory`);
    },
    symbol: (n) => view.symbolNamed(n),
    load: (addr, size) => {
      const v = view.read(addr, size);
      if (v === undefined) throw new EvalError(`cannot read ${size} bytes at ${formatMemoryReference({ space, address: addr })}`);
      return v;
    },
  };
}
