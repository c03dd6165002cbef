/**
 * Memory requests: readMemory/writeMemory in the address spaces of adapter/protocol.ts (physical as
 * DRAM stores it or decrypted through an ASID's key, guest-physical of a VMID, virtual through a
 * hart's translation) and data breakpoints (the machine's physical watchpoints).
 *
 * Encrypted memory (cvm-model 2, 3): each page is read through the key its space's access would use
 * (Target.accessAsid): DRAM as it is, or decrypted; a write through a decrypted view is encrypted as
 * the hardware would (machine.writePhys with the ASID).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { WatchAccess } from '../emulator/api';
import { EvalError, evaluate } from './expressions';
import { ERR, formatMemoryReference, parseMemoryReference, physRef, type AddressSpace } from './protocol';
import type { Target } from './target';
import { arr, fail, int, objAt, str } from './validate';

/** Largest readMemory answer (the memory view asks for pages of a few KiB). */
const MAX_READ = 1 << 20;

function reference(command: string, a: Record<string, unknown>): { space: AddressSpace; addr: number } {
  const ref = parseMemoryReference(a.memoryReference);
  if (typeof ref === 'string') fail(`'${command}': ${ref}`, ERR.memory);
  return { space: ref.space, addr: (ref.address + int(command, a, 'offset', 0)) >>> 0 };
}

/**
 * A piece of a range in one page: its address in the space, where it is in system-physical memory,
 * the ASID whose key its accesses use (0: none) and what the translation said of it.
 */
export interface PhysRun {
  addr: number;
  pa: number;
  n: number;
  asid: number;
  /** The C-bit (guest spaces with memory encryption), as Target.translate reports it. */
  enc?: number;
  gpa?: number;
}

/**
 * The system-physical pieces of `count` bytes at `addr` of `space`, page by page, up to the first
 * byte that has no place (unmapped, or not RAM); `why` says what stopped it.
 */
export function physicalRuns(t: Target, space: AddressSpace, addr: number, count: number): { runs: PhysRun[]; n: number; why?: string } {
  const runs: PhysRun[] = [];
  let n = 0;
  while (n < count) {
    const va = (addr + n) >>> 0;
    const tr = t.translate(space, va);
    if (!tr.ok) return { runs, n, why: tr.reason };
    const chunk = Math.min(count - n, 4096 - (va % 4096), 2 ** 32 - va);
    // RAM is one contiguous range: probe the chunk's ends.
    let ok = 0;
    if (t.readPhys(tr.pa, 1) !== undefined) {
      let lo = 1;
      let hi = chunk;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (t.readPhys(tr.pa + mid - 1, 1) !== undefined) lo = mid;
        else hi = mid - 1;
      }
      ok = lo;
    }
    if (ok > 0) {
      const run: PhysRun = { addr: va, pa: tr.pa, n: ok, asid: t.accessAsid(space, tr) };
      if (tr.enc !== undefined) run.enc = tr.enc;
      if (tr.gpa !== undefined) run.gpa = tr.gpa;
      runs.push(run);
    }
    n += ok;
    if (ok < chunk) return { runs, n, why: `0x${(tr.pa + ok).toString(16)} is not in RAM` };
  }
  return { runs, n };
}

/**
 * Bytes from `addr` (at most `count`) of the reference's space, the rest unreadable (DAP:
 * unreadableBytes); `asids`: the keys the read used (for the NODBG note, cvm-model 5.6).
 */
export function readMemory(t: Target, a: Record<string, unknown>): { body: DebugProtocol.ReadMemoryResponse['body']; asids: number[] } {
  const { space, addr } = reference('readMemory', a);
  const count = int('readMemory', a, 'count');
  if (count < 0 || count > MAX_READ) fail(`'readMemory': count must be 0..${MAX_READ}, got ${count}`, ERR.memory);
  if (space.kind === 'va' && !t.machine.harts[space.hart]) fail(`'readMemory': no hart ${space.hart} (va:<hart>:...)`, ERR.memory);
  const { runs, n } = physicalRuns(t, space, addr, count);
  const data = new Uint8Array(n);
  const asids = new Set<number>();
  let at = 0;
  for (const r of runs) {
    data.set(t.machine.readPhys(r.pa, r.n, r.asid), at);
    if (r.asid !== 0) asids.add(r.asid);
    at += r.n;
  }
  return { body: { address: `0x${addr.toString(16).padStart(8, '0')}`, data: Buffer.from(data).toString('base64'), unreadableBytes: count - n }, asids: [...asids] };
}

/**
 * Writes bytes; in gpa:/va: spaces where the mapping points (a debugger's write ignores W, as a JTAG
 * probe's would). Through a decrypted view (dec:, a private gpa: / va: page) the bytes are plaintext
 * and DRAM gets them encrypted with that ASID's key, as the guest's own store would leave them.
 */
export function writeMemory(t: Target, a: Record<string, unknown>): DebugProtocol.WriteMemoryResponse['body'] {
  const { space, addr } = reference('writeMemory', a);
  const data = Buffer.from(str('writeMemory', a, 'data'), 'base64');
  if (data.length === 0) return { offset: 0, bytesWritten: 0 };
  const { runs, n, why } = physicalRuns(t, space, addr, data.length);
  if (n < data.length) {
    fail(`'writeMemory': ${data.length} bytes at ${formatMemoryReference({ space, address: addr })} are not all writable: ${why ?? 'not in RAM'}`, ERR.memory);
  }
  let at = 0;
  for (const r of runs) {
    t.machine.writePhys(r.pa, new Uint8Array(data.subarray(at, at + r.n)), r.asid);
    at += r.n;
  }
  return { offset: 0, bytesWritten: data.length };
}

/** dataId format: `phys:0x80001000:4`. */
function parseDataId(id: string): { addr: number; size: number } | undefined {
  const m = /^phys:(0x[0-9a-f]+):(\d+)$/i.exec(id);
  return m ? { addr: Number(m[1]), size: Number(m[2]) } : undefined;
}

/**
 * What can be watched: a memory reference in any address space (`gpa:1:0x80003000`,
 * `dec:1:0x...`, `va:0:0x...`, `phys:0x...`: watchpoints are physical, so every view of a location
 * watches the same bytes), the memory an expression names (an object symbol, a `*(type*)addr`
 * dereference) or, with `asAddress`, the address the expression evaluates to. Registers cannot be.
 */
export function dataBreakpointInfo(t: Target, a: Record<string, unknown>, hart: number): DebugProtocol.DataBreakpointInfoResponse['body'] {
  const name = str('dataBreakpointInfo', a, 'name');
  const none = (why: string) => ({ dataId: null, description: why });
  if (a.variablesReference !== undefined) return none(`'${name}' is a register: only memory can be watched`);
  let addr: number;
  let size = typeof a.bytes === 'number' && a.bytes > 0 ? a.bytes : 4;
  const ref = /^[a-z]+:/i.test(name.trim()) ? parseMemoryReference(name) : undefined;
  if (typeof ref === 'string') return none(ref);
  if (ref !== undefined) {
    const tr = t.translate(ref.space, ref.address, 'write');
    if (!tr.ok) return none(`${name}: ${tr.reason}`);
    return watchable(t, tr.pa, size);
  }
  try {
    const ctx = t.evalContext(hart);
    const r = evaluate(name, ctx);
    if (a.asAddress === true) addr = r.value >>> 0;
    else if (r.address !== undefined) {
      addr = r.address;
      const sym = ctx.symbol(name.trim());
      if (sym && sym.size > 0 && a.bytes === undefined) size = sym.size;
    } else return none(`'${name}' is a value, not memory: watch '*(uint32*)${name}' or an object symbol`);
  } catch (e) {
    if (e instanceof EvalError) return none(`'${name}': ${e.message}`);
    throw e;
  }
  // Expressions name the hart's (virtual) addresses; watchpoints are on physical ones.
  const tr = t.translate({ kind: 'va', hart }, addr);
  if (!tr.ok) return none(`0x${addr.toString(16)}: ${tr.reason}`);
  return watchable(t, tr.pa, size);
}

function watchable(t: Target, addr: number, size: number): DebugProtocol.DataBreakpointInfoResponse['body'] {
  if (t.readPhys(addr, 1) === undefined) return { dataId: null, description: `0x${addr.toString(16)} is not in RAM` };
  return {
    dataId: `phys:0x${addr.toString(16).padStart(8, '0')}:${size}`,
    description: `${size} byte${size === 1 ? '' : 's'} at ${physRef(addr)}`,
    accessTypes: ['read', 'write', 'readWrite'],
    canPersist: false,
  };
}

export function setDataBreakpoints(t: Target, a: Record<string, unknown>): DebugProtocol.Breakpoint[] {
  const list = arr('setDataBreakpoints', a, 'breakpoints');
  const ws: { addr: number; size: number; access: WatchAccess }[] = [];
  const out: DebugProtocol.Breakpoint[] = list.map((_, i) => {
    const b = objAt('setDataBreakpoints', list, i, 'breakpoints');
    const id = typeof b.dataId === 'string' ? parseDataId(b.dataId) : undefined;
    if (id === undefined) return { verified: false, message: `dataId ${JSON.stringify(b.dataId)} is not one from dataBreakpointInfo` };
    const access = b.accessType ?? 'write';
    if (access !== 'read' && access !== 'write' && access !== 'readWrite') return { verified: false, message: `accessType must be read, write or readWrite` };
    ws.push({ addr: id.addr, size: id.size, access });
    const bp: DebugProtocol.Breakpoint = { id: 10_000 + i, verified: true };
    if (b.condition !== undefined || b.hitCondition !== undefined) bp.message = 'conditions on data breakpoints are not supported yet: it stops on every access';
    return bp;
  });
  t.machine.setWatchpoints(ws);
  return out;
}
