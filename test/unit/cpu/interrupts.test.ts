/** Interrupts: CLINT timer and software interrupts, priority, vectored mtvec, WFI, delegation to S. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadElf, Machine, type StopReason } from '../../../emulator/api';
import { assemble, inspect, run, SETUP, toMode, toolchain } from './helpers';

const CLINT_MSIP = 0x2000000;
const CLINT_MTIMECMP = 0x2004000;
const CLINT_MTIME = 0x200bff8;

/** Handler logging (mcause, mepc, mtime) at s10 and silencing the source it took. */
const HANDLER = `
  j pass
.align 2
trap_handler:
  csrr t0, mcause
  sw t0, 0(s10)
  csrr t0, mepc
  sw t0, 4(s10)
  li t0, ${CLINT_MTIME}
  lw t0, 0(t0)
  sw t0, 8(s10)
  addi s10, s10, 12
  csrr t0, mcause
  bgez t0, 9f
  slli t0, t0, 1
  srli t0, t0, 1
  li t1, 3
  bne t0, t1, 1f
  li t1, ${CLINT_MSIP}
  sw zero, 0(t1)
1: li t1, 7
  bne t0, t1, 2f
  li t1, ${CLINT_MTIMECMP}
  li t2, -1
  sw t2, 4(t1)
  sw t2, 0(t1)
2: li t1, 9
  bne t0, t1, 3f
  li t1, 0x200
  csrc mip, t1
3: li t1, 1
  bne t0, t1, 4f
  csrci mip, 2
4: mret
9: j fail
`;

const LOGBASE = `  li s10, 0x80040000\n`;
const logged = (r: ReturnType<typeof run>, n: number): number[][] =>
  Array.from({ length: n }, (_, i) => [r.res(3 * i), r.res(3 * i + 1), r.res(3 * i + 2)]);

describe.skipIf(!toolchain)('interrupts', () => {
  it('timer interrupt arrives when mtime reaches mtimecmp (mtime = retired / 100)', () => {
    const r = run(LOGBASE + `
      li t1, ${CLINT_MTIMECMP}
      li t2, -1
      sw t2, 4(t1)
      li t0, ${CLINT_MTIME}
      lw t0, 0(t0)
      addi t0, t0, 50
      sw t0, 0(t1)
      sw zero, 4(t1)
      li t0, 0x80
      csrs mie, t0
      csrsi mstatus, 8
      li s9, 0x80040000
    1: beq s10, s9, 1b
      li s8, ${CLINT_MTIME}
      lw s8, 0(s8)
      sw s8, 0x100(s9)
    ` + HANDLER, { ownHandler: true });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    const [cause, , mtime] = logged(r, 1)[0]!;
    expect(cause! >>> 0).toBe(0x80000007);
    expect(mtime).toBeGreaterThanOrEqual(50);
    expect(mtime).toBeLessThanOrEqual(52);
  });

  it('takes simultaneous interrupts in priority order MSI, MTI, SEI, SSI', () => {
    const r = run(LOGBASE + `
      li t0, ${CLINT_MSIP}
      li t1, 1
      sw t1, 0(t0)          # MSIP
      li t0, 0x202
      csrs mip, t0          # SEIP, SSIP (software-writable in mip)
      li t0, 0xaaa
      csrs mie, t0          # MTIP is pending from reset (mtimecmp = 0)
      csrsi mstatus, 8
      nop
      nop
    ` + HANDLER, { ownHandler: true });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(logged(r, 4).map((e) => e[0]! >>> 0)).toEqual([0x80000003, 0x80000007, 0x80000009, 0x80000001]);
  });

  it('vectored mtvec sends interrupts to base + 4 * cause, exceptions to base', () => {
    const r = run(SETUP + `
      la t0, vec
      ori t0, t0, 1
      csrw mtvec, t0
      li t0, 8
      csrw mie, t0
      li t0, ${CLINT_MSIP}
      li t1, 1
      sw t1, 0(t0)
      csrsi mstatus, 8
      nop
      ecall
      j pass
    .align 6
    vec:
      j exc
      j fail
      j fail
      j msi
      j fail
    msi:
      li t0, ${CLINT_MSIP}
      sw zero, 0(t0)
      li t0, 1
      sw t0, 0(s11)
      mret
    exc:
      li t0, 2
      sw t0, 4(s11)
      csrr t0, mepc
      addi t0, t0, 4
      csrw mepc, t0
      mret
    trap_handler: j fail
    `, { ownHandler: true });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect([r.res(0), r.res(1)]).toEqual([1, 2]);
  });

  it('wfi sleeps until an interrupt is pending even with MIE = 0, then continues; time jumps', () => {
    const r = run(SETUP + `
      li t1, ${CLINT_MTIMECMP}
      li t2, -1
      sw t2, 4(t1)
      li t0, 100000
      sw t0, 0(t1)
      sw zero, 4(t1)
      li t0, 0x80
      csrw mie, t0
      wfi
      li t0, ${CLINT_MTIME}
      lw t0, 0(t0)
      sw t0, 0(s11)
      csrr t0, mip
      sw t0, 4(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBeGreaterThanOrEqual(100000);
    expect(r.res(0)).toBeLessThan(100010);
    expect(r.res(1) & 0x80).toBe(0x80);
    expect(r.m.instret).toBeLessThan(1000);
  });

  it('stops with a fault when every hart waits for an interrupt that can never come', () => {
    const r = run(`
      li t1, ${CLINT_MTIMECMP}
      li t2, -1
      sw t2, 4(t1)
      sw t2, 0(t1)
      csrw mie, zero
      wfi
    `);
    expect(r.stop.kind).toBe('fault');
  });

  it('deadlock with an interrupt pending but not enabled: WFI resumes as a no-op (3.3.3, rv32si-p-wfi)', () => {
    // As rv32si-p-wfi: in S-mode, sstatus.SIE = 0, sie = 0, sip.SSIP = 1, wfi must return. No timer
    // deadline exists, so nothing else could ever wake the hart.
    const r = run(SETUP + `
      li t1, ${CLINT_MTIMECMP}
      li t2, -1
      sw t2, 4(t1)
      sw t2, 0(t1)
      li t0, 2
      csrw mideleg, t0
      ${toMode(1, 'smode')}
    smode:
      csrci sstatus, 2
      csrw sie, zero
      csrsi sip, 2
      wfi
      li t0, 1
      sw t0, 0(s11)
      csrr t0, sip
      sw t0, 4(s11)
      j pass
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBe(1);
    expect(r.res(1)).toBe(2); // SSIP still pending, never taken
    expect(r.traps).toEqual([]);
  });

  it('deadlock in M-mode with MTIP pending but mie = 0: the WFI resumes; step() does the same', () => {
    // mtimecmp = 0: MTIP pending, but mie = 0 and no future deadline.
    const body = SETUP + `
      li t1, ${CLINT_MTIMECMP}
      sw zero, 4(t1)
      sw zero, 0(t1)
      csrw mie, zero
      wfi
      li t0, 7
      sw t0, 0(s11)
      j pass
    `;
    const r = run(body);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBe(7);
    expect(r.traps).toEqual([]);

    const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8 });
    m.load(loadElf(assemble(body)));
    let stop: StopReason = { kind: 'limit' };
    for (let i = 0; i < 200 && stop.kind !== 'exit' && stop.kind !== 'fault'; i++) stop = m.step(0);
    expect(stop).toEqual({ kind: 'exit', code: 0 });
    expect(inspect(m).res(0)).toBe(7);
  });

  it('deadlock: only harts with something pending resume; none pending is still the fault', () => {
    // Hart 0 waits with SSIP pending (not enabled) and resumes; hart 1 waits with nothing pending and
    // stays asleep (its wfi loop never ends), so afterwards the machine faults once hart 0 sleeps again
    // with nothing pending.
    const body = SETUP + `
      li t1, ${CLINT_MTIMECMP}
      li t2, -1
      sw t2, 4(t1)
      sw t2, 0(t1)
      sw t2, 12(t1)
      sw t2, 8(t1)
      csrw mie, zero
      csrr t0, mhartid
      bnez t0, other
      csrsi mip, 2
      wfi
      li t0, 1
      sw t0, 0(s11)
      csrci mip, 2
      wfi
      li t0, 2
      sw t0, 0(s11)
      j pass
    other:
      wfi
      li t0, 3
      sw t0, 4(s11)
      j other
    `;
    const r = run(body, { config: { harts: 2, quantum: 100 } });
    expect(r.stop).toEqual({ kind: 'fault', message: 'all harts wait for an interrupt that can never come' });
    expect(r.res(0)).toBe(1);
    expect(r.res(1)).toBe(0);
  });

  it('delegated SSIP goes to S when SIE is set; M-mode never takes delegated interrupts', () => {
    const r = run(SETUP + `
      li t0, 2
      csrw mideleg, t0
      csrw mie, t0
      csrs mip, t0           # SSIP pending, delegated: not taken in M even with MIE
      csrsi mstatus, 8
      nop
      la t0, s_handler
      csrw stvec, t0
      ${toMode(1, 'smode')}
    smode:
      csrsi sstatus, 2       # SIE: now taken
      nop
      j pass
    s_handler:
      csrr t0, scause
      sw t0, 0(s11)
      csrci sip, 2
      sret
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0) >>> 0).toBe(0x80000001);
    expect(r.traps).toEqual([]);
  });
});
