/**
 * The confidential-VM hardware through a real DAP client (cvm-model 2-5; adapter/README.md): a guest
 * launched by the secure processor (test/dap-programs/cvm.S with its machine configuration), its
 * memory in every address space (DRAM ciphertext, decrypted, guest-physical private and shared,
 * guest-virtual with the C-bit), writes through a decrypted view, the custom requests vmscope/keys,
 * vmscope/secureProcessor and vmscope/memoryPair, the Confidential VMs scope, the Debug Console's
 * `keys` and `sp`, the "secure-processor command" exception breakpoint and the NODBG notes.
 */
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KEYS, MACHINE_STATE, MEMORY_PAIR, SECURE_PROCESSOR, type KeysResponse, type MachineStateResponse, type MemoryPairResponse, type SecureProcessorResponse,
} from '../../adapter/protocol';
import { client, DBG_C, line, register, ROOT, runToLine, top } from './helpers';

const PROGRAM = path.join(ROOT, 'test/dap-programs/cvm.S');
const CONFIG = path.join(ROOT, 'test/dap-programs/cvm.vmscope.json');
const SECRET = 0x52434553; // what the guest stores in its private page 0x80003000
const SHARED = 0x12345678; // what it stores in the shared page 0x80005000
const REPORT_DATA = Buffer.from('0123456789abcdefvmscope-report!!'.repeat(2)).toString('hex');

const u32 = (b: Buffer, at = 0): number => b.readUInt32LE(at);

async function request<T>(dc: DebugClient, command: string, args?: unknown): Promise<T> {
  return ((await dc.customRequest(command, args)) as DebugProtocol.Response).body as T;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  return 'the request did not fail';
}

/** Launch cvm.S with its machine; function breakpoints and exception filters set before it runs. */
async function launch(dc: DebugClient, opts: { functions?: string[]; filters?: string[]; stopOnEntry?: boolean } = {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20_000);
  await Promise.all([
    dc.waitForEvent('initialized').then(async () => {
      if (opts.functions) await dc.setFunctionBreakpointsRequest({ breakpoints: opts.functions.map((name) => ({ name })) });
      if (opts.filters) {
        const r = await dc.setExceptionBreakpointsRequest({ filters: opts.filters });
        expect(r.body?.breakpoints?.every((b) => b.verified)).toBe(true);
      }
      await dc.configurationDoneRequest();
    }),
    dc.launch({ program: PROGRAM, config: CONFIG, stopOnEntry: opts.stopOnEntry ?? false } as DebugProtocol.LaunchRequestArguments),
  ]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function continueTo(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20_000);
  await dc.continueRequest({ threadId: 1 });
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function read(dc: DebugClient, memoryReference: string, count = 16): Promise<Buffer> {
  const r = (await dc.customRequest('readMemory', { memoryReference, count })) as DebugProtocol.ReadMemoryResponse;
  expect(r.body?.unreadableBytes ?? 0).toBe(0);
  return Buffer.from(r.body!.data!, 'base64');
}

async function write(dc: DebugClient, memoryReference: string, bytes: number[]): Promise<DebugProtocol.WriteMemoryResponse> {
  return (await dc.customRequest('writeMemory', { memoryReference, data: Buffer.from(bytes).toString('base64') })) as DebugProtocol.WriteMemoryResponse;
}

async function evaluate(dc: DebugClient, expression: string, context = 'watch'): Promise<DebugProtocol.EvaluateResponse['body']> {
  const frameId = (await top(dc)).id;
  return (await dc.evaluateRequest({ expression, frameId, context })).body;
}

/** Variables of the scope or variable named `name` in `list` (the top frame's scopes when `list` is omitted). */
async function children(dc: DebugClient, name: string, list?: DebugProtocol.Variable[]): Promise<DebugProtocol.Variable[]> {
  let ref: number | undefined;
  if (list === undefined) {
    const scopes = (await dc.scopesRequest({ frameId: (await top(dc)).id })).body.scopes;
    ref = scopes.find((s) => s.name === name)?.variablesReference;
  } else {
    ref = list.find((v) => v.name.startsWith(name))?.variablesReference;
  }
  if (!ref) throw new Error(`no '${name}' to open`);
  return (await dc.variablesRequest({ variablesReference: ref })).body.variables;
}

const valueOf = (vars: DebugProtocol.Variable[], name: string): string | undefined => vars.find((v) => v.name === name)?.value;

describe('debug adapter: confidential VMs (cvm.S)', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('shows guest memory in every address space and writes through a decrypted view as the hardware would', async () => {
    const stop = await launch(dc, { functions: ['guest_stored', 'host_done'] });
    expect(stop.body.reason).toBe('function breakpoint');
    expect((await top(dc)).instructionPointerReference).toBe('va:0:0x80002020');

    // DRAM holds ciphertext; the guest's key, its private GPA and its C = 1 mapping show the secret.
    const dram = await read(dc, 'phys:0x80003000');
    expect(u32(dram)).not.toBe(SECRET);
    expect(u32(await read(dc, 'dec:1:0x80003000'))).toBe(SECRET);
    expect(u32(await read(dc, 'gpa:1:0x80003000'))).toBe(SECRET);
    expect(u32(await read(dc, 'gpa:1:private:0x80003000'))).toBe(SECRET);
    expect(u32(await read(dc, 'va:0:0x80003000'))).toBe(SECRET);
    // A shared view of the private page (C = 0) sees DRAM as it is, as the guest's own alias would.
    expect(await read(dc, 'gpa:1:shared:0x80003000')).toEqual(dram);
    expect(await read(dc, 'va:0:0xc0003000')).toEqual(dram);
    // The shared page is plaintext for everybody.
    expect(u32(await read(dc, 'va:0:0xc0005000'))).toBe(SHARED);
    expect(u32(await read(dc, 'phys:0x80005000'))).toBe(SHARED);
    // The guest's code is ciphertext in DRAM, but the hart's view (fetches are private) disassembles it.
    expect(await read(dc, 'phys:0x80002000')).not.toEqual(await read(dc, 'va:0:0x80002000'));
    const dis = await dc.disassembleRequest({ memoryReference: 'va:0:0x80002020', instructionCount: 1 });
    expect(dis.body?.instructions[0]?.instruction).toMatch(/^lui\s+t0/);

    // evaluate in each space answers with a memory reference in that space, and no NODBG note.
    let e = await evaluate(dc, 'dec:1:0x80003000');
    expect(e.result).toMatch(/^0x52434553 /);
    expect(e.memoryReference).toBe('dec:1:0x80003000');
    e = await evaluate(dc, 'gpa:1:shared:0x80005000');
    expect(e.result).toMatch(/^0x12345678 /);
    expect(e.memoryReference).toBe('gpa:1:shared:0x80005000');
    e = await evaluate(dc, 'va:0:t0'); // t0 = 0xc0005000, the shared mapping
    expect(e.result).toMatch(/^0x12345678 /);
    expect(e.memoryReference).toBe('va:0:0xc0005000');
    e = await evaluate(dc, '*(uint32*)0x80003000'); // the hart's own view: the guest's, decrypted
    expect(e.result).toMatch(/^0x52434553 /);
    expect(e.memoryReference).toBe('va:0:0x80003000');
    e = await evaluate(dc, '*(uint32*)0x80003000 @dec:1');
    expect(e.result).toMatch(/^0x52434553 /);
    e = await evaluate(dc, 'phys:0x80003000');
    expect(e.result).toMatch(new RegExp(`^0x${u32(dram).toString(16).padStart(8, '0')} `));
    expect(e.memoryReference).toBe('phys:0x80003000');
    expect(e.result).not.toMatch(/NODBG/);
    expect(await failure(dc.evaluateRequest({ expression: 'dec:0:0x80003000', context: 'watch' }))).toMatch(/ASID is 1\.\.127/);
    expect(await failure(dc.customRequest('readMemory', { memoryReference: 'dec:200:0x80003000', count: 4 }))).toMatch(/ASID from 1 to 127/);

    // Writing plaintext through the decrypted view: DRAM gets new ciphertext, the guest reads the plaintext.
    const w = await write(dc, 'dec:1:0x80003000', [0x44, 0x33, 0x22, 0x11]);
    expect(w.body?.bytesWritten).toBe(4);
    const dram2 = await read(dc, 'phys:0x80003000');
    expect(dram2).not.toEqual(dram);
    expect(u32(dram2)).not.toBe(0x11223344);
    expect(u32(await read(dc, 'gpa:1:0x80003000'))).toBe(0x11223344);
    // Through a guest-virtual private mapping too, at the next word.
    await write(dc, 'va:0:0x80003004', [1, 2, 3, 4]);
    expect(u32(await read(dc, 'dec:1:0x80003000', 8), 4)).toBe(0x04030201);

    const done = await continueTo(dc);
    expect(done.body.reason).toBe('function breakpoint');
    expect(await register(dc, 'a2')).toBe(0x11223344); // the guest's load after the write
    expect(await register(dc, 'a0')).toBe(u32(await read(dc, 'phys:0x80003000'))); // the host's load: ciphertext
    const exited = dc.waitForEvent('exited', 20_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });

  it('answers vmscope/keys, vmscope/secureProcessor and vmscope/memoryPair, and errors for bad arguments', async () => {
    await launch(dc, { functions: ['guest_stored'] });
    const k = await request<KeysResponse>(dc, KEYS);
    expect(k.seed).toBe(1234);
    expect(k.secureProcessor).toBe(true);
    expect(k.cbit).toMatch(/bit 33/);
    expect(k.keys).toHaveLength(1);
    expect(k.keys[0]).toMatchObject({ asid: 1, handle: 1 });
    expect(k.keys[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(k.guests).toEqual([{ handle: 1, state: 'RUNNING', policy: 0, policyFlags: [], asid: 1, digest: expect.stringMatching(/^[0-9a-f]{96}$/), reports: 1, nodbg: false }]);
    expect(Object.values(k.aes).some((n) => n > 0)).toBe(true);

    const sp = await request<SecureProcessorResponse>(dc, SECURE_PROCESSOR);
    expect(sp.lastCommand).toEqual({ id: 0x36, name: 'ATTESTATION_REPORT', status: 0, statusName: 'SUCCESS' });
    expect(sp.commands).toEqual({ LAUNCH_START: 1, LAUNCH_UPDATE_DATA: 1, ACTIVATE: 2, LAUNCH_FINISH: 1, ATTESTATION_REPORT: 1 });
    expect(sp.guests).toEqual(k.guests);
    expect(sp.buffer).toBe(0x80001080); // rep_buf
    expect(sp.chipId).toMatch(/^[0-9a-f]{128}$/);
    expect(sp.reports).toHaveLength(1);
    const rep = sp.reports[0]!;
    expect(rep).toMatchObject({ index: 0, handle: 1, version: 2, policy: 0, policyFlags: [], signatureAlgo: 1, reportData: REPORT_DATA, chipId: sp.chipId });
    expect(rep.measurement).toBe(k.guests[0]!.digest);
    // The signature verifies with the chip key the response gives (ECDSA P-384 over bytes 0..0x2a0).
    const bytes = Buffer.from(rep.bytes, 'hex');
    expect(bytes.length).toBe(0x4a0);
    const sig = Buffer.concat([Buffer.from(rep.signature.r, 'hex'), Buffer.from(rep.signature.s, 'hex')]);
    expect(crypto.verify('sha384', bytes.subarray(0, 0x2a0), { key: sp.chipPublicKeyPem, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    // The report the hypervisor received is in its memory at 0x80006000.
    expect((await read(dc, 'phys:0x80006000', 0x4a0)).toString('hex')).toBe(rep.bytes);

    const dram = (await read(dc, 'phys:0x80003000', 32)).toString('hex');
    let p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'gpa:1:0x80003000', length: 32 });
    expect(p).toMatchObject({ asid: 1, keyBound: true, fingerprint: k.keys[0]!.fingerprint, memoryReference: 'gpa:1:0x80003000', address: 0x80003000, length: 32, view: 'private', nodbg: false });
    expect(p.note).toBeUndefined();
    expect(p.pages).toEqual([{ address: 0x80003000, pa: 0x80003000, gpa: 0x80003000, enc: 1, view: 'private' }]);
    expect(p.blocks.map((b) => b.address)).toEqual([0x80003000, 0x80003010]);
    expect(p.blocks[0]!.plaintext).toMatch(/^53454352/);
    expect(p.blocks[0]!.ciphertext + p.blocks[1]!.ciphertext).toBe(dram);
    // The guest's shared mapping: the C-bit of its VS-stage leaf is 0, plaintext = DRAM.
    p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'va:0:0xc0005000', length: 4 });
    expect(p).toMatchObject({ asid: 1, view: 'shared', length: 16, pages: [{ address: 0xc0005000, pa: 0x80005000, gpa: 0x80005000, enc: 0, view: 'shared' }] });
    expect(p.blocks[0]!.plaintext).toBe(p.blocks[0]!.ciphertext);
    expect(p.blocks[0]!.plaintext).toMatch(/^78563412/);
    p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'va:0:0x80003000', length: 16 });
    expect(p.pages[0]).toMatchObject({ enc: 1, view: 'private', gpa: 0x80003000 });
    // phys: with an ASID: the C-bit is not known there (enc null), the range is read private.
    p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'phys:0x80003000', length: 16, asid: 1 });
    expect(p.pages[0]).toEqual({ address: 0x80003000, pa: 0x80003000, enc: null, view: 'private' });
    expect(p.blocks[0]!.plaintext).toMatch(/^53454352/);
    // Widened to whole 16-byte blocks, across a page boundary.
    p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'dec:1:0x80003ff8', length: 16 });
    expect(p).toMatchObject({ address: 0x80003ff0, length: 32, memoryReference: 'dec:1:0x80003ff0' });
    expect(p.pages.map((x) => x.address)).toEqual([0x80003ff0, 0x80004000]);
    // Unmapped guest-virtual pages are said so, not fatal.
    p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'va:0:0x00001000', length: 16 });
    expect(p.view).toBe('unmapped');
    expect(p.pages[0]!.reason).toMatch(/VS-stage/);

    // Malformed arguments: error responses naming what is wrong; the adapter keeps serving.
    const bad: [unknown, RegExp][] = [
      [undefined, /memoryReference/],
      [{ memoryReference: 'gpa:1:0x80003000' }, /'length' must be an integer and is missing/],
      [{ memoryReference: 'gpa:1:0x80003000', length: 'x' }, /'length' must be an integer/],
      [{ memoryReference: 'gpa:1:0x80003000', length: 0 }, /'length' must be 1\.\.16384/],
      [{ memoryReference: 'gpa:1:0x80003000', length: 0x4001 }, /'length' must be 1\.\.16384/],
      [{ memoryReference: 'nowhere', length: 16 }, /not a memory reference/],
      [{ memoryReference: 'phys:0x80003000', length: 16 }, /phys: names no ASID/],
      [{ memoryReference: 'phys:0x80003000', length: 16, asid: 0 }, /'asid' must be a guest ASID from 1 to 127/],
      [{ memoryReference: 'gpa:1:0x80003000', length: 16, asid: 2 }, /contradicts the reference/],
      [{ memoryReference: 'va:7:0x80003000', length: 16 }, /no hart 7/],
      [{ memoryReference: 'phys:0xfffffff0', length: 32, asid: 1 }, /beyond the 32-bit address space/],
      [[1, 2], /arguments must be an object/],
    ];
    for (const [args, why] of bad) expect(await failure(dc.customRequest(MEMORY_PAIR, args)), JSON.stringify(args)).toMatch(why);
    expect(await failure(dc.customRequest(KEYS, 'all'))).toMatch(/'vmscope\/keys': arguments must be an object/);
    expect(await failure(dc.customRequest(SECURE_PROCESSOR, [7]))).toMatch(/arguments must be an object/);
    expect((await request<KeysResponse>(dc, KEYS)).keys).toHaveLength(1);
    expect((await dc.threadsRequest()).body.threads).toHaveLength(1);
  });

  it('shows per-VM state in the Confidential VMs scope and the Debug Console', async () => {
    await launch(dc, { functions: ['guest_stored'] });
    const fp = (await request<KeysResponse>(dc, KEYS)).keys[0]!.fingerprint;
    const top = await children(dc, 'Confidential VMs');
    expect(valueOf(top, 'seed')).toBe('0x000004d2 (1234)');
    const row = top.find((v) => v.name === 'VMID 1')!;
    expect(row.value).toBe(`SP guest 1 RUNNING, policy none, key ${fp}`);
    const vm = await children(dc, 'VMID 1', top);
    expect(valueOf(vm, 'asid')).toBe('1');
    expect(valueOf(vm, 'key')).toBe(`bound, fingerprint ${fp}`);
    expect(valueOf(vm, 'handle')).toBe('1');
    expect(valueOf(vm, 'state')).toBe('RUNNING');
    expect(valueOf(vm, 'policy')).toBe('0x00000000 (no flags)');
    expect(valueOf(vm, 'digest')).toMatch(/^[0-9a-f]{96}$/);
    expect(valueOf(vm, 'hgatp')).toMatch(/^0x80480100 /);
    expect(valueOf(vm, 'debug')).toBeUndefined();
    expect(await failure(dc.setVariableRequest({ variablesReference: row.variablesReference, name: 'state', value: '1' }))).toMatch(/read-only/);

    const repl = async (expression: string): Promise<string> => (await evaluate(dc, expression, 'repl')).result;
    const help = await repl('help');
    expect(help).toContain('keys');
    expect(help).toContain('sp status | sp report N');
    expect(help).toContain('dec:<asid>:0x80001000');
    const keys = await repl('keys');
    expect(keys).toMatch(/Machine seed: 0x000004d2 \(1234\)/);
    expect(keys).toMatch(new RegExp(`^\\s+1\\s+${fp}\\s+\\d+\\s+handle 1, RUNNING, policy 0x00000000 \\(no flags\\)$`, 'm'));
    const status = await repl('sp status');
    expect(status).toMatch(/last command ATTESTATION_REPORT -> SUCCESS/);
    expect(status).toMatch(/handle 1: RUNNING, ASID 1/);
    expect(status).toContain('-----BEGIN PUBLIC KEY-----');
    const rep = await repl('sp report 0');
    expect(rep).toContain(`report_data     ${REPORT_DATA}`);
    expect(rep).toMatch(/measurement\s+[0-9a-f]{96}/);
    expect(rep).toMatch(/signature_algo\s+1 \(ECDSA P-384 with SHA-384\)/);
    expect(await failure(dc.evaluateRequest({ expression: 'sp report 3', context: 'repl' }))).toMatch(/no report 3: reports 0\.\.0/);
    expect(await failure(dc.evaluateRequest({ expression: 'sp frob', context: 'repl' }))).toMatch(/a bare sp is the stack pointer/);
    // A bare `sp` is still the stack pointer.
    expect(await repl('sp')).toMatch(/^0x[0-9a-f]{8} /);
  });

  it('stops after each secure-processor command with the command and its status', async () => {
    const texts: string[] = [];
    let e = await launch(dc, { filters: ['sp-command'] });
    const spAfter = Number((await dc.evaluateRequest({ expression: '&sp_after' })).body.result.split(' ')[0]);
    for (;;) {
      expect(e.body.reason).toBe('exception');
      texts.push(e.body.text!);
      // Stopped after the store that ran the command: at the next instruction.
      expect((await top(dc)).instructionPointerReference).toBe(`0x${spAfter.toString(16).padStart(8, '0')}`);
      if (texts.length === 6) break;
      e = await continueTo(dc);
    }
    expect(texts).toEqual([
      'secure processor: LAUNCH_START -> SUCCESS',
      'secure processor: LAUNCH_UPDATE_DATA -> SUCCESS',
      'secure processor: ACTIVATE -> SUCCESS',
      'secure processor: ACTIVATE -> ACTIVE',
      'secure processor: LAUNCH_FINISH -> SUCCESS',
      'secure processor: ATTESTATION_REPORT -> SUCCESS',
    ]);
    // The stop changed nothing: the program goes on to its end (no more commands).
    const exited = dc.waitForEvent('exited', 20_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });

  it('stops at a command while stepping by instruction, and not once the filter is off', async () => {
    await launch(dc, { filters: ['sp-command'] });
    // At LAUNCH_START's stop; step back into spcmd's store of the next command by instructions.
    let e: DebugProtocol.StoppedEvent;
    for (let i = 0; ; i++) {
      const stopped = dc.waitForEvent('stopped', 20_000);
      await dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
      e = (await stopped) as DebugProtocol.StoppedEvent;
      if (e.body.reason !== 'step') break;
      expect(i).toBeLessThan(200);
    }
    expect(e.body).toMatchObject({ reason: 'exception', text: 'secure processor: LAUNCH_UPDATE_DATA -> SUCCESS' });
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    const exited = dc.waitForEvent('exited', 20_000);
    await dc.continueRequest({ threadId: 1 });
    expect(((await exited) as DebugProtocol.ExitedEvent).body.exitCode).toBe(0);
  });

  it('marks every plaintext view of a NODBG guest', async () => {
    await launch(dc, { stopOnEntry: true });
    // Patch the policy of LAUNCH_START's buffer before the program runs: NODBG (bit 0).
    const buf = Number((await dc.evaluateRequest({ expression: '&ls_buf' })).body.result.split(' ')[0]);
    await write(dc, `phys:0x${(buf + 4).toString(16)}`, [1, 0, 0, 0]);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'guest_stored' }] });
    await continueTo(dc);

    const notes: string[] = [];
    dc.on('output', (o: DebugProtocol.OutputEvent) => {
      if (o.body.output.includes('NODBG')) notes.push(o.body.output);
    });
    for (const expr of ['dec:1:0x80003000', 'gpa:1:0x80003000', 'va:0:0x80003000', '*(uint32*)0x80003000']) {
      const r = await evaluate(dc, expr);
      expect(r.result).toMatch(/^0x52434553 /);
      expect(r.result).toMatch(/NODBG: ASID 1 \(secure-processor guest 1\) has policy NODBG; .*a real hypervisor could not have read it/);
    }
    // DRAM and shared views are what a hypervisor sees anyway: no note.
    for (const expr of ['phys:0x80003000', 'va:0:0xc0005000', 'gpa:1:shared:0x80005000']) expect((await evaluate(dc, expr)).result).not.toMatch(/NODBG/);

    const k = await request<KeysResponse>(dc, KEYS);
    expect(k.guests[0]).toMatchObject({ policy: 1, policyFlags: ['NODBG'], nodbg: true });
    const p = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'gpa:1:0x80003000', length: 16 });
    expect(p.nodbg).toBe(true);
    expect(p.note).toMatch(/NODBG/);
    const shared = await request<MemoryPairResponse>(dc, MEMORY_PAIR, { memoryReference: 'gpa:1:shared:0x80005000', length: 16 });
    expect(shared.nodbg).toBe(false);

    const vm = await children(dc, 'VMID 1', await children(dc, 'Confidential VMs'));
    expect(valueOf(vm, 'policy')).toBe('0x00000001 (NODBG)');
    expect(valueOf(vm, 'debug')).toMatch(/^NODBG: plaintext views of this guest .* a real hypervisor could not show them/);
    expect((await evaluate(dc, 'keys', 'repl')).result).toMatch(/VMID 1: NODBG/);

    // The memory view has no place for a note: the Debug Console gets it once per stop.
    await read(dc, 'dec:1:0x80003000');
    await read(dc, 'gpa:1:0x80003000');
    await new Promise((r) => setTimeout(r, 100));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^vmscope: memory view: NODBG: ASID 1/);
  });

  it('without the hardware: the requests say what to configure and the filter is unverified', async () => {
    await runToLine(dc, [line('CALL')]);
    expect(await failure(dc.customRequest(KEYS))).toMatch(/no confidential-VM hardware: add "features": \["secure-processor"\]/);
    expect(await failure(dc.customRequest(SECURE_PROCESSOR))).toMatch(/no secure processor/);
    expect(await failure(dc.customRequest(MEMORY_PAIR, { memoryReference: 'phys:0x80000000', length: 16, asid: 1 }))).toMatch(/no confidential-VM hardware/);
    const r = await dc.setExceptionBreakpointsRequest({ filters: ['sp-command', 'illegal-instruction'] });
    expect(r.body?.breakpoints?.map((b) => b.verified)).toEqual([false, true]);
    expect(r.body?.breakpoints?.[0]?.message).toMatch(/no secure processor/);
    const scopes = (await dc.scopesRequest({ frameId: (await top(dc)).id })).body.scopes.map((s) => s.name);
    expect(scopes).not.toContain('Confidential VMs');
    expect((await evaluate(dc, 'keys', 'repl')).result).toMatch(/no confidential-VM hardware/);
    // The source of the program is still where it was: the session goes on.
    expect((await top(dc)).source?.path).toBe(DBG_C);
  });

  it('machineState names the secure-processor guest of each VMID (for the VMs tree)', async () => {
    await launch(dc, { functions: ['guest_stored'] });
    const m = await request<MachineStateResponse>(dc, MACHINE_STATE);
    expect(m.vms.find((v) => v.vmid === 1)?.launch).toEqual({ handle: 1, state: 'RUNNING', policyFlags: [] });
  });
});
