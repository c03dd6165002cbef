/**
 * The hypervisor extension (privileged spec 1.12 ch. 8) as QEMU 7.2 -cpu rv32,h=true: CSRs and their
 * WARL rules, V-mode entry/exit, trap routing (medeleg/hedeleg), virtual-instruction exceptions,
 * two-stage translation with guest-page faults, HLV/HSV, VS-level interrupts.
 *
 * The default M handler (helpers.ts) logs (mcause, mtval, mepc) and returns with mret, which goes back
 * to V=1 when the trap came from there (mstatush.MPV). VS_HANDLER logs (vscause, vstval, vsepc) at
 * VLOG and skips the instruction; HS_HANDLER logs (scause, stval, sepc) and hstatus at HLOG.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../emulator/api';
import { LOG, run, SETUP, toolchain, type RunResult } from './helpers';

const ISA_H = 'rv32imach_zicsr_zifencei_zicntr_zicbom';
const VLOG = 0x80060000;
const HLOG = 0x80061000;

/** An S-level handler that logs (scause, stval, sepc, extra CSR) at `log` and skips the instruction. */
const sHandler = (label: string, log: number, extra: string, ie = 'sie'): string => `
.align 2
${label}:
  csrw sscratch, t0
  li t0, ${log}
  sw t1, 2044(t0)
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  slli t1, t1, 4
  add t1, t1, t0
  csrr t0, scause
  sw t0, -12(t1)
  csrr t0, stval
  sw t0, -8(t1)
  csrr t0, ${extra}
  sw t0, -4(t1)
  csrr t0, scause
  bgez t0, 4f
  li t1, 1               # interrupt: disable it (${'$'}{ie}) and return to the same place
  sll t1, t1, t0
  csrc ${ie}, t1
  j 3f
4:
  csrr t0, sepc
  lhu t1, 0(t0)
  andi t1, t1, 3
  addi t0, t0, 2
  xori t1, t1, 3
  bnez t1, 2f
  addi t0, t0, 2
2: csrw sepc, t0
3:
  li t0, ${log}
  lw t1, 2044(t0)
  csrr t0, sscratch
  sret
`;

/** Open PMP, then mret to `label` in VS-mode (MPV = 1, MPP = S). */
const toVS = (label: string): string => `
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x80
  csrs mstatush, t0
  li t0, 0x1800
  csrc mstatus, t0
  li t0, 0x800
  csrs mstatus, t0
  la t0, ${label}
  csrw mepc, t0
  mret
`;

/** helpers.ts's M handler, also storing mtval2 in the log's free fourth word. */
const M_HANDLER = `
.align 2
trap_handler:
  csrw mscratch, t0
  li t0, ${LOG}
  sw t1, 2044(t0)
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  slli t1, t1, 4
  add t1, t1, t0
  csrr t0, mcause
  sw t0, -12(t1)
  csrr t0, mtval
  sw t0, -8(t1)
  csrr t0, mtval2
  sw t0, 0(t1)
  csrr t0, mepc
  sw t0, -4(t1)
  lhu t1, 0(t0)
  andi t1, t1, 3
  addi t0, t0, 2
  xori t1, t1, 3
  bnez t1, 3f
  addi t0, t0, 2
3: csrw mepc, t0
  li t0, ${LOG}
  lw t1, 2044(t0)
  csrr t0, mscratch
  mret
`;

function hrun(body: string, extra = '', maxInsns = 1_000_000, jit = true): RunResult & { vlog: number[][]; hlog: number[][]; mtval2: number[] } {
  const r = run(`.option arch, +h\n` + SETUP + body + `\n  j pass\n` + extra + sHandler('vs_handler', VLOG, 'sepc') +
    sHandler('hs_handler', HLOG, 'hstatus', 'hie') + M_HANDLER, { config: { isa: ISA_H }, maxInsns, ownHandler: true, jit });
  const word = (a: number): number => new DataView(r.m.readPhys(a, 4).buffer).getUint32(0, true);
  const log = (base: number): number[][] =>
    Array.from({ length: word(base) }, (_, i) => [word(base + 4 + 16 * i), word(base + 8 + 16 * i), word(base + 12 + 16 * i)]);
  return { ...r, vlog: log(VLOG), hlog: log(HLOG), mtval2: r.traps.map((_, i) => word(LOG + 16 * (i + 1))) };
}

const causes = (r: RunResult): number[] => r.traps.map((t) => t.cause);

describe('ISA string', () => {
  it('misa has H (bit 7) with h in the ISA string: QEMU 7.2 rv32,h=true reads 0x40141185', async () => {
    const { parseIsa } = await import('../../../emulator/config');
    expect(parseIsa(ISA_H).misa).toBe(0x40141185);
    expect(parseIsa(DEFAULT_CONFIG.isa).extensions.has('c')).toBe(true);
  });
});

describe.skipIf(!toolchain)('hypervisor extension', () => {
  it('CSR WARL rules in M-mode (QEMU 7.2 masks)', () => {
    const r = hrun(`
      csrr t0, misa; sw t0, 0(s11)
      csrw mideleg, zero; csrr t0, mideleg; sw t0, 4(s11)
      li t1, -1
      csrw medeleg, t1; csrr t0, medeleg; sw t0, 8(s11)
      csrw hedeleg, t1; csrr t0, hedeleg; sw t0, 12(s11)
      csrw hideleg, t1; csrr t0, hideleg; sw t0, 16(s11)
      csrw hstatus, t1; csrr t0, hstatus; sw t0, 20(s11)
      csrw mstatush, t1; csrr t0, mstatush; sw t0, 24(s11)
      csrw mstatush, zero
      csrw hvip, t1; csrr t0, mip; sw t0, 28(s11)
      csrr t0, hip; sw t0, 32(s11)
      csrr t0, vsip; sw t0, 36(s11)
      csrw hvip, zero
      csrw mie, t1; csrr t0, mie; sw t0, 40(s11)
      csrr t0, hie; sw t0, 44(s11)
      csrr t0, vsie; sw t0, 48(s11)
      csrw mie, zero
      csrw hgatp, t1; csrr t0, hgatp; sw t0, 52(s11)
      csrw hgatp, zero
      csrw hgeie, t1; csrr t0, hgeie; sw t0, 56(s11)
      csrw htinst, t1; csrr t0, htinst; sw t0, 60(s11)
      csrw vsstatus, t1; csrr t0, vsstatus; sw t0, 64(s11)
      csrw vsstatus, zero
      csrw htimedelta, t1; csrr t0, htimedelta; sw t0, 68(s11)
      csrw mtval2, t1; csrr t0, mtval2; sw t0, 72(s11)
      csrr t0, hgeip; sw t0, 76(s11)
      csrw hgeip, t1          # read-only: illegal
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    const want = [0x40141185, 0x1444, 0xf0bfff, 0xb1ff, 0x444, 0x7003c0, 0xc0, 0x4c4 /* + MTIP: mtimecmp = 0 */, 0x444, 0x222, 0x3eee, 0x1444,
      0x222, 0xffffffff, 0, 0, 0xc0122, 0xffffffff, 0xffffffff, 0];
    expect(want.map((_, i) => r.res(i))).toEqual(want);
    expect(causes(r)).toEqual([2]);
  });

  it('without h in the ISA string the H CSRs and instructions do not exist', () => {
    const r = run(`.option arch, +h\n` + SETUP + `
      csrr t0, hstatus
      csrr t0, vsstatus
      hfence.gvma
      csrr t0, mstatush
      sw t0, 0(s11)
    `, { config: { isa: 'rv32imac_zicsr_zifencei_zicntr_zicbom' } });
    expect(causes(r)).toEqual([2, 2, 2]);
    expect(r.m.readCsr(0, 0x600)).toBeUndefined(); // the debugger does not see them either
    expect(r.m.writeCsr(0, 0x600, 1)).toBe(false);
  });

  it('VS-mode: S CSRs are the VS ones; hypervisor/VS CSRs, hfence, HLV raise virtual instruction; ecall is 10', () => {
    const r = hrun(`
      li t0, 0x1234
      csrw vsscratch, t0
      li t0, 0x5678
      csrw sscratch, t0
      li t0, 2
      csrw vsstatus, t0       # VS SIE
      ${toVS('vs')}
    vs:
      csrr t0, sscratch; sw t0, 0(s11)
      csrr t0, sstatus; sw t0, 4(s11)
      csrr t1, hstatus        # 22
      csrr t1, vsstatus       # 22
      csrr t1, mstatus        # 2
      hfence.vvma             # 22
      hlv.w t1, (s11)         # 22
      ecall                   # 10
      csrr t0, sscratch; sw t0, 8(s11)
      li t0, 0x9999
      csrw sscratch, t0
      ecall
      csrw cycle, zero        # illegal
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBe(0x1234);
    expect(r.res(1) & 0x2).toBe(2);
    expect(r.res(2)).toBe(0x1234);
    expect(causes(r)).toEqual([22, 22, 2, 22, 22, 10, 10, 2]);
    expect(r.traps[0]!.tval).toBe(0x60002373); // csrr t1, hstatus: the instruction bits
    expect(r.m.readCsr(0, 0x340)).toBeDefined();
    expect(r.m.harts[0]!.virt).toBe(true);
    expect(r.m.readCsr(0, 0x240)).toBe(0x9999); // vsscratch (bank while V = 1)
  });

  it('trap routing: medeleg to HS (SPV, SPVP, sret back to VS), hedeleg on to VS; VU ecall is 8', () => {
    const r = hrun(`
      la t0, hs_handler
      csrw stvec, t0
      la t0, vs_handler
      csrw vstvec, t0
      li t0, (1 << 2) | (1 << 8) | (1 << 10)
      csrw medeleg, t0        # illegal, ecall from U/VU, from VS
      li t0, 1 << 2
      csrw hedeleg, t0        # illegal on to VS
      ${toVS('vs')}
    vs:
      csrw cycle, zero        # illegal: to VS
      ecall                   # 10: to HS
      li t0, 0x100
      csrc sstatus, t0        # SPP = U
      la t0, vu
      csrw sepc, t0
      sret                    # to VU
    vu:
      csrw cycle, zero        # illegal: to VS (from VU)
      ecall                   # 8: to HS
      csrr t0, cycle          # mcounteren = 0: illegal, delegated to VS
      ebreak                  # M
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.vlog.map((e) => e[0])).toEqual([2, 2, 2]);
    // hstatus at the HS traps: SPV (bit 7) set; SPVP (bit 8) = 1 from VS, 0 from VU.
    expect(r.hlog.map((e) => [e[0], e[2]! & 0x180])).toEqual([[10, 0x180], [8, 0x80]]);
    expect(causes(r)).toEqual([3]);
  });

  it('virtual instruction: VTSR, VTW, VTVM, VU wfi/sret/sfence, hcounteren', () => {
    const r = hrun(`
      li t0, (1 << 20) | (1 << 21) | (1 << 22)
      csrw hstatus, t0        # VTVM VTW VTSR
      li t0, 7
      csrw mcounteren, t0
      li t0, 1
      csrw hcounteren, t0     # cycle only
      ${toVS('vs')}
    vs:
      sret                    # 22 (VTSR)
      wfi                     # 22 (VTW)
      sfence.vma              # 22 (VTVM)
      csrr t0, satp           # 22 (VTVM)
      csrr t0, cycle          # fine
      csrr t0, time           # 22 (hcounteren.TM = 0)
      ecall
    `);
    expect(causes(r).slice(0, 6)).toEqual([22, 22, 22, 22, 22, 10]);
  });

  it('VU-mode: wfi, sret, sfence.vma and S CSRs raise virtual instruction; U (V=0) wfi is illegal', () => {
    const r = hrun(`
      li t0, 0x80
      csrs mstatush, t0
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li t0, 0x1800
      csrc mstatus, t0        # MPP = U, MPV = 1: VU
      la t0, vu
      csrw mepc, t0
      mret
    vu:
      wfi
      sret
      sfence.vma
      csrr t0, sstatus
      csrr t0, hstatus
      csrr t0, mstatus        # illegal
      ecall                   # 8 from VU
    `);
    expect(causes(r)).toEqual([22, 22, 22, 22, 22, 2, 8]);
  });

  it('two-stage translation: VS-stage and G-stage faults, htval/mtval2 = GPA >> 2, stval = GVA, GVA bit', () => {
    // G-stage: Sv32x4 root (16 KiB) at 0x80100000; one 4 MiB leaf maps GPA 0x80000000.. -> PA same (U, RWX);
    // GPA 0x00400000.. (4 MiB) maps -> PA 0x80000000 read-only; nothing else.
    // VS-stage: Sv32 root at GPA 0x80110000: VA 0x80000000 -> GPA 0x80000000 (4 MiB, RWX, A D);
    // VA 0x40000000 -> GPA 0x00400000 (4 MiB, RW); VA 0x50000000 -> GPA 0x01000000 (unmapped in G).
    const r = hrun(`
      li a0, 0x80100000
      li t0, (0x80000000 >> 12 << 10) | 0xdf    # V R W X U A D
      li t1, 0x80000000 >> 22
      slli t1, t1, 2
      add t1, t1, a0
      sw t0, 0(t1)
      li t0, (0x80000000 >> 12 << 10) | 0xd3    # V R U A D
      sw t0, 4(a0)                               # GPA 0x00400000 -> PA 0x80000000
      li a1, 0x80110000
      li t0, (0x80000000 >> 12 << 10) | 0xcf    # V R W X A D
      li t1, 0x80000000 >> 22
      slli t1, t1, 2
      add t1, t1, a1
      sw t0, 0(t1)
      li t0, (0x00400000 >> 12 << 10) | 0xc7    # V R W A D
      sw t0, (0x40000000 >> 22 << 2)(a1)
      li t0, (0x01000000 >> 12 << 10) | 0xc7
      sw t0, (0x50000000 >> 22 << 2)(a1)
      li t0, 0xd7                                # GPA 0.. -> PA 0.. (the test finisher): V R W U A D
      sw t0, 0(a0)
      li t0, 0xc7                                # VA 0.. -> GPA 0..
      sw t0, 0(a1)
      li t0, (0x00800000 >> 12 << 10) | 1        # VA 0x70000000: pointer to a table at GPA 0x800000 (unmapped)
      sw t0, (0x70000000 >> 22 << 2)(a1)
      li t0, (1 << 31) | (0x80100000 >> 12)
      csrw hgatp, t0
      li t0, (1 << 31) | (0x80110000 >> 12)
      csrw vsatp, t0
      ${toVS('vs')}
    vs:
      li a0, 0x40000000
      lw t0, 0(a0)            # GVA 0x40000000 -> GPA 0x400000 -> PA 0x80000000: first word of the program
      sw t0, 0(s11)
      sw t0, 0(a0)            # G-stage read-only: store guest-page fault 23
      li a0, 0x50000004
      lw t0, 0(a0)            # G-stage unmapped: 21
      li a0, 0x60000000
      lw t0, 0(a0)            # VS-stage unmapped: 13
      li a0, 0x70003000
      sw t0, 0(a0)            # G-stage fault on the VS-stage PTE access: 23 (original access type)
      csrr t0, satp
      sw t0, 4(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.res(0)).toBe(new DataView(r.m.readPhys(0x80000000, 4).buffer).getUint32(0, true));
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([[23, 0x40000000], [21, 0x50000004], [13, 0x60000000], [23, 0x70003000]]);
    expect(r.mtval2).toEqual([0x100000, 0x400001, 0, 0x200003]);
    expect(r.res(1)).toBe(((1 << 31) | (0x80110000 >>> 12)) >>> 0);
    const h = r.m.harts[0]!;
    expect(h.mstatush & 0x40).toBe(0x40); // GVA
  });

  it('HLV/HLVX/HSV from HS-mode and M-mode use SPVP and the guest translation; U needs HU', () => {
    const r = hrun(`
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li t0, 0xabcd1234
      sw t0, 16(s11)
      addi a0, s11, 16
      hlv.w t1, (a0)          # M-mode, SPVP = 0 (VU), vsatp/hgatp bare: identity
      sw t1, 0(s11)
      addi a1, a0, 2
      hlv.hu t1, (a1)
      sw t1, 4(s11)
      addi a1, a0, 3
      hlv.b t1, (a1)
      sw t1, 8(s11)
      li t2, 0x55
      hsv.b t2, (a0)
      lw t1, 16(s11)
      sw t1, 12(s11)
      hlvx.wu t1, (a0)        # execute permission: bare translation permits it
      sw t1, 20(s11)
      li t0, 0x1800
      csrc mstatus, t0
      la t0, um
      csrw mepc, t0
      mret
    um:
      hlv.w t1, (a0)          # illegal (HU = 0)
      ecall                   # M sets HU
    `);
    expect([0, 1, 2, 3, 5].map((i) => r.res(i) >>> 0)).toEqual([0xabcd1234, 0xabcd, 0xffffffab, 0xabcd1255, 0xabcd1255]);
    expect(causes(r)).toEqual([2, 8]);
  });

  it('HLV through a G-stage fault from HS: load guest-page fault 21 in M with GVA and mtval2', () => {
    const r = hrun(`
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li t0, (1 << 31) | (0x80100000 >> 12)   # empty G-stage root
      csrw hgatp, t0
      li t0, 0x200
      csrs hstatus, t0        # HU
      li a0, 0x80042000
      hlv.w t1, (a0)
      csrr t0, mtval2
      sw t0, 0(s11)
      csrr t0, mstatush
      sw t0, 4(s11)
      hsv.w t1, (a0)
      csrr t0, mtval2
      sw t0, 8(s11)
    `);
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([[21, 0x80042000], [23, 0x80042000]]);
    expect(r.res(0) >>> 0).toBe(0x80042000 / 4);
    expect(r.res(1) & 0xc0).toBe(0x40); // GVA, MPV = 0 (from M)
    expect(r.res(2) >>> 0).toBe(0x80042000 / 4);
  });

  it('VS-level interrupts: hvip.VSTIP with hideleg goes to VS as cause 5; without hideleg to HS as 6', () => {
    const setup = (hideleg: number): string => `
      la t0, hs_handler
      csrw stvec, t0
      la t0, vs_handler
      csrw vstvec, t0
      li t0, ${hideleg}
      csrw hideleg, t0
      li t0, 1 << 6
      csrw mie, t0            # VSTIE
      csrw hvip, t0           # VSTIP
      li t0, 2
      csrw vsstatus, t0       # VS SIE
      ${toVS('vs')}
    vs:
      nop
      csrr t0, sie
      sw t0, 0(s11)
    `;
    const a = hrun(setup(1 << 6));
    expect(a.vlog.map((e) => e[0])).toEqual([0x80000005]);
    expect(a.hlog).toEqual([]);
    expect(a.res(0)).toBe(0); // the handler disabled it through vsie (sie in VS)
    const b = hrun(setup(0));
    expect(b.vlog).toEqual([]);
    expect(b.hlog.map((e) => [e[0], e[2]! & 0x80])).toEqual([[0x80000006, 0x80]]);
  });

  it('VS-level interrupts are not taken while V=0 (HS) even when enabled; VS SIE = 0 masks them in VS', () => {
    const r = hrun(`
      li t0, 1 << 6
      csrw hideleg, t0
      csrw mie, t0
      csrw hvip, t0
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800 | 2
      csrs mstatus, t0        # MPP = S (HS), SIE
      la t0, hs
      csrw mepc, t0
      mret
    hs:
      nop
      nop
      ecall                   # 9 from HS
    `);
    expect(causes(r)).toEqual([9]);
    expect(r.vlog).toEqual([]);
    expect(r.hlog).toEqual([]);
  });

  it('HS-mode: H CSRs accessible; mstatus.TVM guards hgatp and hfence.gvma; U (V=0) gets illegal', () => {
    const r = hrun(`
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li t0, 1 << 20
      csrs mstatus, t0        # TVM
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800
      csrs mstatus, t0
      la t0, hs
      csrw mepc, t0
      mret
    hs:
      csrr t0, hstatus        # fine
      csrw hedeleg, zero      # fine
      csrr t0, vsstatus       # fine
      hfence.vvma             # fine
      csrr t0, hgatp          # 2 (TVM)
      hfence.gvma             # 2 (TVM)
      li t0, 0x100
      csrc sstatus, t0
      la t0, um
      csrw sepc, t0
      sret
    um:
      csrr t0, hstatus        # 2
      hfence.vvma             # 2
      hlv.w t0, (s11)         # 2 (HU = 0)
      ecall                   # 8
    `);
    expect(causes(r)).toEqual([2, 2, 2, 2, 2, 8]);
  });

  it('time in V-mode adds htimedelta; mret with MPV and MPP = M stays in M (V = 0)', () => {
    const r = hrun(`
      li t0, 7
      csrw mcounteren, t0
      csrw hcounteren, t0
      li t0, 0x40000000
      csrw htimedelta, t0
      li t0, 0x80
      csrs mstatush, t0       # MPV = 1 with MPP = M
      li t0, 0x1800
      csrs mstatus, t0
      la t0, m2
      csrw mepc, t0
      mret
    m2:
      csrr t0, mstatush
      sw t0, 8(s11)
      ${toVS('vs')}
    vs:
      csrr t0, time
      sw t0, 0(s11)
      ecall
    `);
    expect(causes(r)).toEqual([10]);
    expect(r.res(0) >>> 0).toBeGreaterThanOrEqual(0x40000000);
    expect(r.res(0) >>> 0).toBeLessThan(0x40001000);
    expect(r.res(2)).toBe(0); // MPV cleared by mret
  });

  it('M-mode MPRV with MPV translates data in two stages (the guest view)', () => {
    const r = hrun(`
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li a0, 0x80100000
      li t0, ((0x80000000 >> 22) << 20) | 0xd7 # GPA 0x00000000.. -> PA 0x80000000.. (4 MiB, V R W U A D)
      sw t0, 0(a0)
      li t0, (1 << 31) | (0x80100000 >> 12)
      csrw hgatp, t0
      li t0, 0x12345678
      sw t0, 0(s11)
      li t0, 0x80
      csrs mstatush, t0       # MPV
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800 | (1 << 17) # MPP = S, MPRV
      csrs mstatus, t0
      li a1, 0x00040000       # GVA = GPA (vsatp bare) 0x40000 -> PA 0x80040000 = RES
      lw a2, 0(a1)
      li a1, 0x00800000
      lw a3, 0(a1)            # GPA not mapped: 21 with mtval2
      li t0, 1 << 17
      csrc mstatus, t0
      sw a2, 4(s11)
    `);
    expect(r.res(1) >>> 0).toBe(0x12345678);
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([[21, 0x00800000]]);
    expect(r.mtval2).toEqual([0x200000]);
  });

  it('VS-level interrupt priority: VSEI, then VSSI, then VSTI', () => {
    const r2 = hrun(`
      la t0, vs_handler
      csrw vstvec, t0
      li t0, 0x444
      csrw hideleg, t0
      csrw mie, t0
      csrw hvip, t0
      li t0, 2
      csrw vsstatus, t0
      ${toVS('vs')}
    vs:
      nop
    `);
    expect(r2.vlog.map((e) => e[0]! >>> 0)).toEqual([0x80000009, 0x80000001, 0x80000005]);
  });

  it('cbo in V-mode: henvcfg clear gives virtual instruction, menvcfg clear illegal', () => {
    const r = hrun(`
      li t0, 0x40
      csrw menvcfg, t0        # CBCFE
      ${toVS('vs')}
    vs:
      .option arch, +zicbom
      cbo.clean (s11)         # henvcfg.CBCFE = 0: 22
      ecall
    `, '', 1_000_000);
    expect(causes(r)).toEqual([22, 10]);
  });

  it('the block compiler and the interpreter agree in VS-mode with two-stage translation', () => {
    const body = `
      li a0, 0x80100000
      li t0, ((0x80000000 >> 22) << 20) | 0xdf
      li t1, 0x80000000 >> 22
      slli t1, t1, 2
      add t1, t1, a0
      sw t0, 0(t1)
      li t0, 0xd7
      sw t0, 0(a0)
      li t0, (1 << 31) | (0x80100000 >> 12)
      csrw hgatp, t0
      ${toVS('vs')}
    vs:
      li s7, 3000
      li s6, 0
    1:
      lw t0, 0(s11)
      add t0, t0, s7
      sw t0, 0(s11)
      add s6, s6, t0
      addi s7, s7, -1
      bnez s7, 1b
      sw s6, 4(s11)
      ecall
    `;
    const a = hrun(body);
    const b = hrun(body, '', 1_000_000, false);
    expect(a.stop).toEqual({ kind: 'exit', code: 0 });
    expect([a.res(0), a.res(1), a.m.instret]).toEqual([b.res(0), b.res(1), b.m.instret]);
  });

  it('snapshots keep V, the VS bank and the H CSRs', () => {
    const body = `
      li t0, 0x4321
      csrw vsscratch, t0
      li t0, 0x44
      csrw hideleg, t0
      ${toVS('vs')}
    vs:
      li s7, 20000
    1:
      addi s7, s7, -1
      bnez s7, 1b
      csrr t0, sscratch
      sw t0, 0(s11)
      ecall
    `;
    const a = hrun(body, '', 5000);
    const m = a.m;
    expect(m.harts[0]!.virt).toBe(true);
    const snap = m.snapshot();
    const end1 = m.run(1_000_000);
    const r1 = [m.readCsr(0, 0x603), new DataView(m.readPhys(0x80040000, 4).buffer).getUint32(0, true), m.instret];
    m.restore(snap);
    expect(m.harts[0]!.virt).toBe(true);
    const end2 = m.run(1_000_000);
    const r2 = [m.readCsr(0, 0x603), new DataView(m.readPhys(0x80040000, 4).buffer).getUint32(0, true), m.instret];
    expect(end2).toEqual(end1);
    expect(r2).toEqual(r1);
    expect(r1[1]).toBe(0x4321);
  });
});
