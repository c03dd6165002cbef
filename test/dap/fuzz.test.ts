/**
 * Robustness: a few hundred random and malformed requests (seeded, so a failure reproduces). Every
 * request must get a response, error responses must carry a readable message (not a stack trace),
 * and the adapter must still answer `threads` afterwards.
 */
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client, DBG_C, DBG_ELF } from './helpers';

/** mulberry32: a small deterministic generator. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMANDS = ['setBreakpoints', 'setFunctionBreakpoints', 'setInstructionBreakpoints', 'dataBreakpointInfo', 'setDataBreakpoints',
  'threads', 'stackTrace', 'scopes', 'variables', 'setVariable', 'evaluate', 'readMemory', 'writeMemory', 'disassemble',
  'next', 'stepIn', 'stepOut', 'pause', 'configurationDone', 'launch', 'source', 'loadedSources', 'noSuchCommand', 'goto', 'stepBack'];
const KEYS = ['threadId', 'frameId', 'variablesReference', 'name', 'value', 'expression', 'memoryReference', 'offset', 'count',
  'instructionCount', 'instructionOffset', 'source', 'breakpoints', 'lines', 'granularity', 'data', 'dataId', 'startFrame', 'levels', 'program'];

function value(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return Math.floor(r() * 5) - 1;
    case 3: return Math.floor(r() * 2 ** 32);
    case 4: return r() * 1e6;
    case 5: return ['', 'a0', 'pc', '0x80000000', 'phys:0x80000000', 'virt:0:0x0', '*(uint32*)0', '((', 'mstatus', 'main', '{a0}', '1/0'][Math.floor(r() * 12)];
    case 6: return r() < 0.5;
    case 7: return depth > 2 ? [] : Array.from({ length: Math.floor(r() * 3) }, () => value(r, depth + 1));
    case 8: return depth > 2 ? {} : obj(r, depth + 1);
    case 9: return { path: r() < 0.5 ? DBG_C : 'x.c' };
    case 10: return [{ line: Math.floor(r() * 40) }, { line: 'x' }];
    default: return 'x'.repeat(Math.floor(r() * 300));
  }
}

function obj(r: () => number, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[KEYS[Math.floor(r() * KEYS.length)]!] = value(r, depth);
  return o;
}

describe('debug adapter: malformed requests', () => {
  let dc: DebugClient;
  beforeEach(async () => {
    dc = client();
    await dc.start();
  });
  afterEach(async () => {
    await dc.stop();
  });

  it('answers 400 random requests, each with a response, and keeps serving', async () => {
    await Promise.all([dc.configurationSequence(), dc.launch({ program: DBG_ELF, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments), dc.waitForEvent('stopped')]);
    const r = rng(0x5eed);
    let errors = 0;
    for (let i = 0; i < 400; i++) {
      const command = COMMANDS[Math.floor(r() * COMMANDS.length)]!;
      const args = r() < 0.15 ? value(r) : obj(r);
      const answer = await Promise.race([
        dc.send(command, args).then(() => 'ok', (e: Error) => e.message),
        new Promise<string>((res) => setTimeout(() => res('NO RESPONSE'), 5000)),
      ]);
      expect(answer, `${command} ${JSON.stringify(args)}`).not.toBe('NO RESPONSE');
      if (answer !== 'ok') {
        errors++;
        expect(answer, `${command} ${JSON.stringify(args)}`).not.toMatch(/^\s+at |\n\s+at /); // no stack traces
      }
    }
    expect(errors).toBeGreaterThan(100);
    const threads = await dc.threadsRequest();
    expect(threads.success).toBe(true);
  });

  it('answers requests before launch with a message that says to launch first', async () => {
    await dc.initializeRequest();
    await expect(dc.stackTraceRequest({ threadId: 1 })).rejects.toThrow(/launch request first/);
    await expect(dc.send('initialize', 5 as unknown as object)).rejects.toThrow(/arguments must be an object/);
    expect((await dc.threadsRequest()).body.threads).toEqual([]);
  });
});
