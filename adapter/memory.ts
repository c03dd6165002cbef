/**
 * Memory requests: readMemory/writeMemory on physical memory (memory references of adapter/protocol.ts)
 * and data breakpoints (the machine's physical watchpoints).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { WatchAccess } from '../emulator/api';
import { EvalError, evaluate } from './expressions';
import { ERR, parseMemoryReference, physRef } from './protocol';
import type { Target } from './target';
import { arr, fail, int, objAt, str } from './validate';

/** Largest readMemory answer (the memory view asks for pages of a few KiB). */
const MAX_READ = 1 << 20;

function physical(command: string, a: Record<string, unknown>): number {
  const ref = parseMemoryReference(a.memoryReference);
  if (typeof ref === 'string') fail(`'${command}': ${ref}`, ERR.memory);
  if (ref.space.kind !== 'phys') {
    fail(`'${command}': guest-virtual memory references (virt:) need the machine's address translation, which the adapter does not have yet; use phys:`, ERR.memory);
  }
  return (ref.address + int(command, a, 'offset', 0)) >>> 0;
}

/** Bytes in RAM from `addr` (at most `count`), the rest unreadable (DAP: unreadableBytes). */
export function readMemory(t: Target, a: Record<string, unknown>): DebugProtocol.ReadMemoryResponse['body'] {
  const addr = physical('readMemory', a);
  const count = int('readMemory', a, 'count');
  if (count < 0 || count > MAX_READ) fail(`'readMemory': count must be 0..${MAX_READ}, got ${count}`, ERR.memory);
  let n = 0;
  // Find how much of the range is RAM (RAM is one contiguous range: probe its ends).
  if (count > 0 && t.read(addr, 1) !== undefined) {
    let lo = 1;
    let hi = count;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (t.read(addr + mid - 1, 1) !== undefined) lo = mid;
      else hi = mid - 1;
    }
    n = lo;
  }
  const data = n > 0 ? t.machine.readPhys(addr, n) : new Uint8Array(0);
  return { address: `0x${addr.toString(16).padStart(8, '0')}`, data: Buffer.from(data).toString('base64'), unreadableBytes: count - n };
}

export function writeMemory(t: Target, a: Record<string, unknown>): DebugProtocol.WriteMemoryResponse['body'] {
  const addr = physical('writeMemory', a);
  const data = Buffer.from(str('writeMemory', a, 'data'), 'base64');
  if (data.length === 0) return { offset: 0, bytesWritten: 0 };
  if (t.read(addr, 1) === undefined || t.read(addr + data.length - 1, 1) === undefined) {
    fail(`'writeMemory': ${data.length} bytes at 0x${addr.toString(16)} are not all in RAM`, ERR.memory);
  }
  t.machine.writePhys(addr, new Uint8Array(data));
  return { offset: 0, bytesWritten: data.length };
}

/** dataId format: `phys:0x80001000:4`. */
function parseDataId(id: string): { addr: number; size: number } | undefined {
  const m = /^phys:(0x[0-9a-f]+):(\d+)$/i.exec(id);
  return m ? { addr: Number(m[1]), size: Number(m[2]) } : undefined;
}

/**
 * What can be watched: the memory an expression names (an object symbol, a `*(type*)addr`
 * dereference) or, with `asAddress`, the address the expression evaluates to. Registers cannot be.
 */
export function dataBreakpointInfo(t: Target, a: Record<string, unknown>, hart: number): DebugProtocol.DataBreakpointInfoResponse['body'] {
  const name = str('dataBreakpointInfo', a, 'name');
  const none = (why: string) => ({ dataId: null, description: why });
  if (a.variablesReference !== undefined) return none(`'${name}' is a register: only memory can be watched`);
  let addr: number;
  let size = typeof a.bytes === 'number' && a.bytes > 0 ? a.bytes : 4;
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
  if (t.read(addr, 1) === undefined) return none(`0x${addr.toString(16)} is not in RAM`);
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
