/** Two harts: round-robin quanta, shared memory with AMOs, a0 = hartid at entry, IPI through CLINT msip. */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toolchain } from './helpers';

describe.skipIf(!toolchain)('multi-hart', () => {
  it('both harts count with amoadd; hart 1 sleeps in wfi until hart 0 sends an IPI', () => {
    const body = SETUP + `
      mv s0, a0                 # hartid
      li t0, 1000
    1: li t1, 1
      amoadd.w zero, t1, 0(s11)
      addi t0, t0, -1
      bnez t0, 1b
      bnez s0, hart1
    2: lw t1, 0(s11)
      li t2, 2000
      bne t1, t2, 2b
      li t0, 0x2000004          # msip[1]
      li t1, 1
      sw t1, 0(t0)
    3: lw t1, 4(s11)
      beqz t1, 3b
      j pass
    hart1:
      li t0, 8
      csrw mie, t0
      wfi
      li t1, 1
      sw t1, 4(s11)
    4: j 4b
    `;
    const r = run(body, { config: { harts: 2, quantum: 100 }, maxInsns: 1_000_000 });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect([r.res(0), r.res(1)]).toEqual([2000, 1]);
    expect(r.m.harts[1]!.retired).toBeGreaterThan(3000);
  });
});
