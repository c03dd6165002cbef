/** Synchronous exceptions, trap entry/return, delegation and the TSR/TVM/TW/counteren rules. */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toMode, toolchain } from './helpers';

describe.skipIf(!toolchain)('exceptions', () => {
  it('illegal instruction: tval holds the instruction bits (32- and 16-bit), epc the instruction', () => {
    const r = run(`
      1: .word 0xffffffff
      2: .half 0x0000
      3: csrr a0, 0x7c5
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([[2, 0xffffffff], [2, 0], [2, 0x7c502573]]);
    expect(r.traps[1]!.epc - r.traps[0]!.epc).toBe(4);
  });

  it('ebreak and ecall from M and S', () => {
    const r = run(`
      ebreak
      c.ebreak
      ecall
      ${toMode(1, 'smode')}
    smode:
      ecall
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps.map((t) => [t.cause, t.tval])).toEqual([[3, 0], [3, 0], [11, 0], [9, 0]]);
  });

  it('ecall from U-mode is cause 8 and mret restores MIE from MPIE, sets MPIE, MPP = U', () => {
    const r = run(SETUP + `
      li t0, 0x88
      csrs mstatus, t0
      li t0, 8
      csrc mstatus, t0
      ${toMode(0, 'umode')}
    umode:
      ecall
      j pass
    `);
    expect(r.traps.map((t) => t.cause)).toEqual([8]);
    const ms = r.m.readCsr(0, 0x300)!;
    expect(ms & 0x1800).toBe(0); // MPP = U after the handler's mret back to U
    expect(ms & 0x80).toBe(0x80); // MPIE = 1
  });

  it('misaligned AMO and SC raise cause 6, LR cause 4, with tval = address', () => {
    const r = run(`
      li a0, 0x80040002
      amoadd.w a1, a2, (a0)
      lr.w a1, (a0)
      sc.w a1, a2, (a0)
    `);
    expect(r.traps.map((t) => [t.cause, t.tval])).toEqual([[6, 0x80040002], [4, 0x80040002], [6, 0x80040002]]);
  });

  it('access faults on unmapped physical addresses: load 5, store 7, fetch 1', () => {
    const r = run(`
      li a0, 0x00200000
      lw a1, 0(a0)
      sw a1, 4(a0)
      la ra, 1f
      jr a0
    1:
    `);
    expect(r.traps.map((t) => [t.cause, t.tval])).toEqual([[5, 0x200000], [7, 0x200004], [1, 0x200000]]);
    expect(r.traps[2]!.epc).toBe(0x200000);
  });

  it('mret to S with no PMP entry faults at the mret (QEMU 7.2); S/U accesses need a PMP grant', () => {
    const r = run(`
      li t0, 0x800
      csrs mstatus, t0
      la t0, 1f
      csrw mepc, t0
      mret
    1:
    `);
    expect(r.traps.map((t) => t.cause)).toEqual([1]);
  });

  it('delegated exceptions go to S (scause/sepc/stval, SPP, SPIE), sret returns', () => {
    const r = run(SETUP + `
      la t0, s_handler
      csrw stvec, t0
      li t0, 1 << 8 | 1 << 2
      csrw medeleg, t0
      ${toMode(1, 'smode')}
    smode:
      li t0, 0x20
      csrs sstatus, t0     # SPIE = 1: sret makes SIE = 1 in U
      la t0, umode
      csrw sepc, t0
      li t0, 0x100
      csrc sstatus, t0     # SPP = U
      sret
    umode:
      ecall
      .word 0
      ecall                 # after two S traps: s_handler moves on to M via ecall from S
    .align 2
    s_handler:
      csrr t1, scause
      csrr t2, stval
      csrr t3, sstatus
      lw t4, 0(s11)
      slli t5, t4, 4
      add t5, t5, s11
      sw t1, 4(t5)
      sw t2, 8(t5)
      sw t3, 12(t5)
      addi t4, t4, 1
      sw t4, 0(s11)
      li t5, 2
      beq t4, t5, 1f
      csrr t0, sepc
      addi t0, t0, 4
      csrw sepc, t0
      sret
    1: j pass
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBe(2);
    expect([r.res(1), r.res(2)]).toEqual([8, 0]);
    const sstatus1 = r.res(3);
    expect(sstatus1 & 0x100).toBe(0); // SPP = U
    expect(sstatus1 & 0x20).toBe(0x20); // SPIE = SIE at the trap (1)
    expect(sstatus1 & 0x2).toBe(0); // SIE cleared
    expect([r.res(5), r.res(6)]).toEqual([2, 0]);
    expect(r.traps).toEqual([]);
  });

  it('TSR, TVM and TW make sret, satp/sfence.vma and wfi illegal in S; wfi in U is illegal', () => {
    const r = run(`
      li t0, 0x700000      # TVM | TW | TSR
      csrs mstatus, t0
      ${toMode(1, 'smode')}
    smode:
      csrr a0, satp
      sfence.vma
      wfi
      sret
      ecall
    `);
    expect(r.traps.map((t) => t.cause)).toEqual([2, 2, 2, 2, 9]);
    expect(r.traps[0]!.tval).toBe(0x18002573);
  });

  it('counteren gates cycle/time/instret for S and U', () => {
    const r = run(`
      li t0, 0x5            # CY and IR for S
      csrw mcounteren, t0
      li t0, 0x1            # CY for U
      csrw scounteren, t0
      ${toMode(1, 'smode')}
    smode:
      rdcycle a0
      rdtime a0            # illegal: TM not enabled
      rdinstret a0
      la t0, umode
      csrw sepc, t0
      li t0, 0x100
      csrc sstatus, t0
      sret
    umode:
      rdcycle a0
      rdinstret a0         # illegal: scounteren.IR = 0
      rdtime a0            # illegal
      csrr a0, sstatus     # illegal: S-level CSR from U
    `);
    expect(r.traps.map((t) => [t.cause, t.tval >>> 20])).toEqual([[2, 0xc01], [2, 0xc02], [2, 0xc01], [2, 0x100]]);
  });

  it('instruction-address-misaligned without C: jump target with bit 1 set', () => {
    const r = run(`
      la a0, 1f
      addi a0, a0, 2
      jalr ra, 0(a0)
      j 2f
      .align 2
    1: nop
      nop
    2:
    `, { march: 'rv32ima_zicsr', config: { isa: 'rv32ima_zicsr_zifencei_zicntr' } });
    expect(r.traps.length).toBe(1);
    expect(r.traps[0]!.cause).toBe(0);
    expect(r.traps[0]!.tval & 3).toBe(2);
  });
});
