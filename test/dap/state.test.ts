/** Registers, CSRs, memory, evaluate and disassembly through a real DAP client. */
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, line, register, runToLine, top } from './helpers';

async function scope(dc: DebugClient, name: string): Promise<DebugProtocol.Variable[]> {
  const scopes = await dc.scopesRequest({ frameId: (await top(dc)).id });
  const s = scopes.body.scopes.find((x) => x.name === name)!;
  return (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

describe('debug adapter: registers, CSRs, memory, evaluate, disassembly', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
    await runToLine(dc, [line('SQUARE')]);
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('lists pc, privilege and x0..x31 by ABI name, and sets a register', async () => {
    const regs = await scope(dc, 'Registers');
    expect(regs.map((v) => v.name).slice(0, 4)).toEqual(['pc', 'priv', 'zero', 'ra']);
    expect(regs).toHaveLength(34);
    expect(regs.find((v) => v.name === 'priv')!.value).toBe('M-mode');
    expect(regs.find((v) => v.name === 'a0')!.type).toBe('x10');
    const regScope = (await dc.scopesRequest({ frameId: (await top(dc)).id })).body.scopes[0]!;
    const r = await dc.setVariableRequest({ variablesReference: regScope.variablesReference, name: 'a5', value: '0x1234 + 1' });
    expect(r.body.value).toMatch(/^0x00001235 /);
    expect(await register(dc, 'a5')).toBe(0x1235);
    await expect(dc.setVariableRequest({ variablesReference: regScope.variablesReference, name: 'zero', value: '1' })).rejects.toThrow(/hard-wired/);
  });

  it('groups CSRs by privilege and decodes mstatus fields; a CSR can be set', async () => {
    const groups = await scope(dc, 'CSRs');
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(['machine', 'supervisor']));
    const machine = (await dc.variablesRequest({ variablesReference: groups.find((g) => g.name === 'machine')!.variablesReference })).body.variables;
    const mstatus = machine.find((v) => v.name === 'mstatus')!;
    expect(mstatus.variablesReference).toBeGreaterThan(0);
    const fields = (await dc.variablesRequest({ variablesReference: mstatus.variablesReference })).body.variables;
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['MIE', 'MPP', 'SUM']));
    const set = await dc.setVariableRequest({ variablesReference: groups.find((g) => g.name === 'machine')!.variablesReference, name: 'mscratch', value: '0xabc' });
    expect(set.body.value).toMatch(/^0x00000abc /);
    const ev = await dc.evaluateRequest({ expression: 'mscratch' });
    expect(ev.body.result).toMatch(/^0x00000abc /);
  });

  it('reads and writes physical memory, with unreadable bytes past the end of RAM', async () => {
    const ev = await dc.evaluateRequest({ expression: '&values' });
    const ref = ev.body.memoryReference!;
    expect(ref).toMatch(/^phys:0x8000[0-9a-f]{4}$/);
    await dc.customRequest('writeMemory', { memoryReference: ref, offset: 4, data: Buffer.from([1, 2, 3, 4]).toString('base64') });
    const rd = await dc.customRequest('readMemory', { memoryReference: ref, offset: 4, count: 4 }) as DebugProtocol.ReadMemoryResponse;
    expect([...Buffer.from(rd.body!.data!, 'base64')]).toEqual([1, 2, 3, 4]);
    const v = await dc.evaluateRequest({ expression: '*(uint32*)(&values + 4)' });
    expect(v.body.result).toMatch(/^0x04030201 /);
    const end = await dc.customRequest('readMemory', { memoryReference: 'phys:0x87fffffe', count: 4 }) as DebugProtocol.ReadMemoryResponse;
    expect(end.body!.unreadableBytes).toBe(2);
    // va:<hart>: (virt: is its old name) reads through the hart's translation: M-mode, the identity.
    const va = await dc.customRequest('readMemory', { memoryReference: 'virt:0:0x1000', count: 4 }) as DebugProtocol.ReadMemoryResponse;
    expect(va.body!.unreadableBytes).toBe(4);
  });

  it('evaluates registers, CSRs, symbols and expressions, with a memory reference', async () => {
    const a0 = await dc.evaluateRequest({ expression: 'a0 + 40', context: 'repl' });
    expect(a0.body.result).toMatch(/^0x00000028 \(40\)/);
    const main = await dc.evaluateRequest({ expression: 'main' });
    expect(main.body.memoryReference).toMatch(/^phys:0x8000/);
    const cmp = await dc.evaluateRequest({ expression: 'x10 > 3 || pc != 0x80000010' });
    expect(cmp.body.result).toMatch(/^0x00000001 /);
    const misa = await dc.evaluateRequest({ expression: 'misa >> 30' });
    expect(misa.body.result).toMatch(/^0x00000001 /); // MXL = 1: RV32
    await expect(dc.evaluateRequest({ expression: 'nosuchthing + 1' })).rejects.toThrow(/not a register, CSR or symbol/);
    await expect(dc.evaluateRequest({ expression: '1 +' })).rejects.toThrow(/ends too early/);
  });

  it('disassembles around the pc with symbols and source lines', async () => {
    const pc = (await top(dc)).instructionPointerReference!;
    const d = await dc.disassembleRequest({ memoryReference: pc, instructionOffset: -4, instructionCount: 8 });
    const list = d.body!.instructions;
    expect(list).toHaveLength(8);
    expect(list[4]!.address).toBe(pc);
    expect(list[0]!.symbol).toBe('square');
    expect(list[0]!.instruction).toBe('add sp,sp,-48'); // as binutils 2.40 objdump prints it
    expect(list.some((i) => i.location?.name === 'dbg.c' && i.line === line('SQUARE'))).toBe(true);
    // Addresses ascend by 2 or 4.
    for (let i = 1; i < list.length; i++) expect([2, 4]).toContain(Number(list[i]!.address) - Number(list[i - 1]!.address));
  });

  it('lists harts as threads named by privilege', async () => {
    const t = await dc.threadsRequest();
    expect(t.body.threads).toEqual([{ id: 1, name: 'hart 0: M-mode' }]);
  });
});
