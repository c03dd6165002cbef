/** CSR access rules and WARL masks (QEMU 7.2 values, probed with the rv32 CPU), LR/SC and AMOs. */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toMode, toolchain } from './helpers';

/** After writing all ones then reading back (QEMU 7.2 without H and F). */
const ONES: [string, number][] = [
  ['mstatus', 0x807e1faa], ['misa', 0x40141105], ['medeleg', 0xbbff], ['mideleg', 0x2222], ['mie', 0x2aaa],
  ['mcounteren', 0xffffffff], ['menvcfg', 0xf1], ['menvcfgh', 0xc0000000], ['mepc', 0xfffffffe],
  ['scounteren', 0xffffffff], ['senvcfg', 0xf1], ['satp', 0xffffffff], ['mtval', 0xffffffff], ['mscratch', 0xffffffff],
];

describe.skipIf(!toolchain)('CSRs', () => {
  it('WARL masks match QEMU 7.2', () => {
    const r = run(SETUP + ONES.map(([n], i) => `li t1, -1\n csrw ${n}, t1\n csrr t2, ${n}\n sw t2, ${4 * i}(s11)\n csrw ${n}, zero`).join('\n'),
      { config: { isa: 'rv32imac_zicsr_zifencei_zicntr_zicbom' } }); // without H (hyp.test.ts has the H masks)
    expect(r.traps).toEqual([]);
    expect(ONES.map((_, i) => r.res(i) >>> 0)).toEqual(ONES.map(([, v]) => v >>> 0));
  });

  it('read-only CSRs: reads fine, writes illegal; S may not touch M CSRs; unknown CSRs illegal', () => {
    const r = run(SETUP + `
      csrr a0, mhartid
      csrr a0, mvendorid
      csrw mhartid, zero      # illegal: read-only (bits 11:10 = 11)
      csrs cycle, zero        # rs1 = x0: no write, legal
      csrsi cycle, 1          # illegal: write
      csrr a0, 0x7ff          # illegal: no such CSR
      ${toMode(1, 'smode')}
    smode:
      csrr a0, sstatus
      csrr a0, mstatus        # illegal from S
      csrr a0, marchid        # illegal from S
    `);
    expect(r.traps.map((t) => [t.cause, t.tval >>> 20])).toEqual([[2, 0xf14], [2, 0xc00], [2, 0x7ff], [2, 0x300], [2, 0xf12]]);
  });

  it('sstatus is a view of mstatus; sie/sip show only delegated bits', () => {
    const r = run(SETUP + `
      li t0, 0x40022
      csrs sstatus, t0        # SUM, SPIE, SIE
      csrr t1, mstatus
      sw t1, 0(s11)
      li t0, 0x222
      csrw mie, t0
      li t0, 0x2
      csrw mideleg, t0
      csrr t1, sie
      sw t1, 4(s11)
      csrsi sip, 2
      csrr t1, mip
      sw t1, 8(s11)
    `);
    expect([r.res(0) & 0x40022, r.res(1), r.res(2) & 2]).toEqual([0x40022, 2, 2]);
  });

  it('minstret counts retired instructions; writes take effect for the next instruction', () => {
    const r = run(SETUP + `
      csrr t0, minstret
      nop
      nop
      csrr t1, minstret
      sub t1, t1, t0
      sw t1, 0(s11)
      li t2, 1000
      csrw minstret, t2
      csrr t3, minstret
      sw t3, 4(s11)
    `);
    expect([r.res(0), r.res(1)]).toEqual([3, 1000]);
  });

  it('LR/SC: success, failure without reservation, failure after the value changed; AMOs', () => {
    const r = run(SETUP + `
      li t0, 5
      sw t0, 64(s11)
      addi a0, s11, 64
      lr.w t1, (a0)
      addi t1, t1, 1
      sc.w t2, t1, (a0)       # succeeds: t2 = 0
      sw t2, 0(s11)
      sc.w t2, t1, (a0)       # no reservation: 1
      sw t2, 4(s11)
      lr.w t1, (a0)
      li t3, 99
      sw t3, 0(a0)            # value changes
      sc.w t2, t1, (a0)       # fails (QEMU 7.2 compares the value)
      sw t2, 8(s11)
      li t3, -3
      amoadd.w t4, t3, (a0)   # 99 -> 96, t4 = 99
      sw t4, 12(s11)
      amomin.w t4, t3, (a0)   # min(96, -3) = -3
      amomaxu.w t4, t3, (a0)  # maxu(-3, -3)
      li t3, 7
      amoswap.w t4, t3, (a0)
      sw t4, 16(s11)
      lw t4, 0(a0)
      sw t4, 20(s11)
    `);
    expect(r.traps).toEqual([]);
    expect([0, 1, 2, 3, 4, 5].map((i) => r.res(i) | 0)).toEqual([0, 1, 1, 99, -3, 7]);
  });
});
