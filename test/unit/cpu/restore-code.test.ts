/**
 * Machine.restore keeps decoded (and compiled) code for pages whose RAM buffer is the same object
 * before and after, and drops it for every other page: self-modifying code across restores stays exact.
 */
import { describe, expect, it } from 'vitest';
import type { Machine, StopReason } from '../../../emulator/api';
import { machineWith } from '../cache/helpers';

// Count to 3000, then patch `patched` (addi a0, a0, 1 -> addi a0, a0, 7) and run it.
const BODY = `
  li a0, 0
  li s0, 0
  li s1, 3000
loop:
  addi s0, s0, 1
  blt s0, s1, loop
  la t0, patched
  li t1, 0x00750513
  sw t1, 0(t0)
  fence.i
patched:
  addi a0, a0, 1
  li t0, 0x80010000
  sw a0, 0(t0)
`;

const codeOf = (m: Machine): { has(page: number): boolean } => (m as unknown as { code: { has(page: number): boolean } }).code;

function state(m: Machine, stop: StopReason): unknown {
  const h = m.harts[0]!;
  return { stop, instret: m.instret, pc: h.pc, x: Array.from(h.x.subarray(0, 32)), word: Array.from(m.readPhys(0x80010000, 4)) };
}

describe('restore keeps decoded code of unchanged pages', () => {
  for (const jit of [true, false]) {
    it(`self-modifying code across snapshots and restores stays exact${jit ? '' : ' (interpreter)'}`, () => {
      const straight = machineWith(BODY);
      straight.setJit(jit);
      const end = straight.run(100_000);
      expect(end.kind).toBe('exit');
      expect(straight.harts[0]!.x[10]).toBe(7);

      const m = machineWith(BODY);
      m.setJit(jit);
      m.run(1000);
      const early = m.snapshot(); // in the loop, before the patch
      m.run(1000);
      m.restore(early);
      expect(codeOf(m).has(0)).toBe(true); // page 0 unchanged: its decoded code stays
      const s1 = m.run(100_000);
      expect(state(m, s1)).toEqual(state(straight, end));
      const late = m.snapshot(); // after the patch
      m.restore(early);
      expect(codeOf(m).has(0)).toBe(false); // page 0's buffer differs (the patch): dropped
      const s2 = m.run(100_000);
      expect(state(m, s2)).toEqual(state(straight, end));
      m.restore(early);
      m.run(5000); // past the patch: page 0 is a fresh copy again
      m.restore(late);
      expect(codeOf(m).has(0)).toBe(false);
      const s3 = m.run(100_000);
      expect(state(m, s3)).toEqual(state(straight, end));
      // Restoring a snapshot taken in the loop, again and again, runs the same as straight through.
      for (let i = 0; i < 3; i++) {
        m.restore(early);
        const s = m.run(100_000);
        expect(state(m, s)).toEqual(state(straight, end));
      }
    });
  }
});
