/**
 * The TLB is tagged by address space (privilege, V, satp.ASID / vsatp.ASID + hgatp.VMID): writing
 * satp, vsatp or hgatp switches sets without flushing, and SFENCE.VMA / HFENCE.VVMA / HFENCE.GVMA
 * flush only the spaces they name (privileged spec 4.1.11, 4.2.1, 8.3.2).
 *
 * The fence tests change a leaf PTE in memory for two address spaces and fence only one: the other
 * keeps using its cached translation (stale data), an observation the spec allows since nothing
 * ordered that space's page-table update; the fenced one sees the new PTE.
 */
import { describe, expect, it } from 'vitest';
import { MAX_TLB_SPACES } from '../../../emulator/hart/hart';
import { run, SETUP, toMode, toolchain, type RunResult } from './helpers';

const ISA_H = 'rv32imach_zicsr_zifencei_zicntr_zicbom';
const pte = (pa: number, flags: number): number => (((pa >>> 12) << 10) | flags) >>> 0;
const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;

const ROOT_A = 0x80020000;
const L2_A = 0x80021000;
const ROOT_B = 0x80022000;
const L2_B = 0x80023000;
const DATA_A = 0x80030000;
const DATA_B = 0x80031000;
const DATA_C = 0x80032000;
const VA = 0x40000000;
const satp = (asid: number, root: number): number => ((1 << 31) | (asid << 22) | (root >>> 12)) >>> 0;
const hgatp = (vmid: number, root: number): number => ((1 << 31) | (vmid << 22) | (root >>> 12)) >>> 0;

/** Store word `v` at physical `a` (M-mode, no translation). */
const poke = (a: number, v: number): string => `
  li t0, ${a}
  li t1, ${v}
  sw t1, 0(t0)`;

/** DATA_A/B/C hold 0x1111/0x2222/0x3333. */
const DATA = poke(DATA_A, 0x1111) + poke(DATA_B, 0x2222) + poke(DATA_C, 0x3333);

/**
 * Two Sv32 address spaces: each maps VA 0 (4 MiB, the test finisher) and VA 0x80000000 (4 MiB, the
 * program, page tables, results) identity for S, and VA 0x40000000 through its own L2 table to DATA_A
 * (root A) or DATA_B (root B).
 */
const SV32_TABLES = [[ROOT_A, L2_A, DATA_A], [ROOT_B, L2_B, DATA_B]].map(([root, l2, data]) =>
  poke(root!, pte(0, V | R | W | A | D)) +
  poke(root! + 0x200 * 4, pte(0x80000000, V | R | W | X | A | D)) +
  poke(root! + (VA >>> 22) * 4, pte(l2!, V)) +
  poke(l2!, pte(data!, V | R | W | A | D))).join('') + DATA;

const words = (r: RunResult, n: number): number[] => Array.from({ length: n }, (_, i) => r.res(i) >>> 0);

describe.skipIf(!toolchain)('TLB tagged by ASID and VMID', () => {
  for (const jit of [true, false]) {
    it(`switching satp.ASID back and forth without sfence gives each space its own data (${jit ? 'jit' : 'interpreter'})`, () => {
      const r = run(SETUP + SV32_TABLES + toMode(1, 'smode') + `
      smode:
        li s0, ${satp(1, ROOT_A)}
        li s1, ${satp(2, ROOT_B)}
        li a0, ${VA}
        csrw satp, s0
        sfence.vma
        lw t0, 0(a0)
        sw t0, 0(s11)          # A
        csrw satp, s1
        lw t0, 0(a0)
        sw t0, 4(s11)          # B
        csrw satp, s0
        lw t0, 0(a0)
        sw t0, 8(s11)          # A again
        li t1, 0x5555
        sw t1, 0(a0)           # store through A
        csrw satp, s1
        lw t0, 0(a0)
        sw t0, 12(s11)         # B untouched
        li t1, 0x6666
        sw t1, 0(a0)           # store through B
        csrw satp, s0
        lw t0, 0(a0)
        sw t0, 16(s11)         # A's store
        csrw satp, s1
        lw t0, 0(a0)
        sw t0, 20(s11)         # B's store
      `, { jit });
      expect(r.stop).toEqual({ kind: 'exit', code: 0 });
      expect(r.traps).toEqual([]);
      expect(words(r, 6)).toEqual([0x1111, 0x2222, 0x1111, 0x2222, 0x5555, 0x6666]);
      const spaces = r.m.harts[0]!.tlbSpaces();
      const s = (asid: number) => spaces.find((t) => t.priv === 1 && !t.virt && t.asid === asid);
      expect(s(1)?.entries).toBeGreaterThan(0);
      expect(s(2)?.entries).toBeGreaterThan(0);
      expect(s(1)?.vmid).toBe(-1);
    });
  }

  it('sfence.vma with an ASID flushes only that ASID; with rs1 the page in every ASID', () => {
    const r = run(SETUP + SV32_TABLES + toMode(1, 'smode') + `
    smode:
      li s0, ${satp(1, ROOT_A)}
      li s1, ${satp(2, ROOT_B)}
      li a0, ${VA}
      csrw satp, s0
      sfence.vma
      lw t0, 0(a0)           # fill ASID 1
      csrw satp, s1
      lw t0, 0(a0)           # fill ASID 2
      li t1, ${pte(DATA_C, V | R | W | A | D)}
      li t0, ${L2_A}
      sw t1, 0(t0)           # both spaces now map VA to DATA_C
      li t0, ${L2_B}
      sw t1, 0(t0)
      li t2, 1
      sfence.vma zero, t2    # ASID 1 only (the current space is ASID 2)
      lw t0, 0(a0)
      sw t0, 0(s11)          # ASID 2: stale DATA_B
      csrw satp, s0
      lw t0, 0(a0)
      sw t0, 4(s11)          # ASID 1: DATA_C
      csrw satp, s1
      lw t0, 0(a0)
      sw t0, 8(s11)          # ASID 2: still stale
      li t2, ${0x200 | 1}    # bits above ASIDLEN are ignored: ASID 1 again
      sfence.vma zero, t2
      lw t0, 0(a0)
      sw t0, 12(s11)         # ASID 2: still stale
      sfence.vma a0, zero    # this page, all ASIDs
      lw t0, 0(a0)
      sw t0, 16(s11)         # ASID 2: DATA_C
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(words(r, 5)).toEqual([0x2222, 0x3333, 0x2222, 0x2222, 0x3333]);
  });

  it(`at most ${MAX_TLB_SPACES} spaces are kept (LRU); a new root under a cached ASID is not served stale`, () => {
    // Pass 1: ASIDs 1..40 alternate roots A, B; pass 2 swaps them (same ASID, other root).
    const r = run(SETUP + SV32_TABLES + toMode(1, 'smode') + `
    smode:
      li a0, ${VA}
      li s2, 0               # sum
      li s3, 0               # pass
    pass_loop:
      li s4, 1               # ASID
    asid_loop:
      slli t0, s4, 22
      li t1, ${satp(0, ROOT_A)}
      li t2, ${satp(0, ROOT_B)}
      andi t3, s4, 1
      xor t3, t3, s3
      beqz t3, 1f
      mv t1, t2
    1:
      or t0, t0, t1
      csrw satp, t0
      lw t0, 0(a0)
      add s2, s2, t0
      lw t0, 0(a0)           # and once more (from the TLB)
      add s2, s2, t0
      addi s4, s4, 1
      li t0, 41
      bne s4, t0, asid_loop
      addi s3, s3, 1
      li t0, 2
      bne s3, t0, pass_loop
      sw s2, 0(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(r.res(0) >>> 0).toBe(2 * 2 * 20 * (0x1111 + 0x2222));
    const spaces = r.m.harts[0]!.tlbSpaces();
    expect(spaces.length).toBeLessThanOrEqual(MAX_TLB_SPACES);
    expect(spaces[0]).toMatchObject({ priv: 1, virt: false, asid: 40, vmid: -1 }); // most recent first
    expect(spaces[0]!.entries).toBeGreaterThan(0);
  });

  /**
   * Guest translations through M-mode MPRV with MPV = 1, MPP = S (data accesses translate as VS-mode,
   * in two stages, using the V=1 TLB sets), so that hgatp and vsatp can be switched between accesses.
   * G-stage roots G1 and G2 (16 KiB): GPA 0x80000000 (4 MiB) -> PA identity (U, RWX), GPA 0x40000000
   * through an L2 table to DATA_A (G1) or DATA_B (G2).
   */
  const G1 = 0x80100000;
  const G2 = 0x80104000;
  const G1_L2 = 0x80108000;
  const G2_L2 = 0x80109000;
  const G_TABLES = [[G1, G1_L2, DATA_A], [G2, G2_L2, DATA_B]].map(([root, l2, data]) =>
    poke(root! + 0x200 * 4, pte(0x80000000, V | R | W | X | U | A | D)) +
    poke(root! + (VA >>> 22) * 4, pte(l2!, V)) +
    poke(l2!, pte(data!, V | R | W | U | A | D))).join('') + DATA;
  const MPRV_ON = `
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    li t0, 0x80
    csrs mstatush, t0      # MPV
    li t0, 0x1800
    csrc mstatus, t0
    li t0, 0x800 | (1 << 17)
    csrs mstatus, t0       # MPP = S, MPRV
  `;
  const MPRV_OFF = `
    li t0, 1 << 17
    csrc mstatus, t0
  `;
  const hrun = (body: string): RunResult => run('.option arch, +h\n' + SETUP + body, { config: { isa: ISA_H } });

  it('two VMIDs: writing hgatp switches sets; hfence.gvma rs2 = VMID flushes only that VMID', () => {
    const r = hrun(G_TABLES + `
      li s0, ${hgatp(1, G1)}
      li s1, ${hgatp(2, G2)}
      li a0, ${VA}
    ` + MPRV_ON + `
      csrw hgatp, s0
      lw a2, 0(a0)           # VMID 1: DATA_A
      csrw hgatp, s1
      lw a3, 0(a0)           # VMID 2: DATA_B
      csrw hgatp, s0
      lw a4, 0(a0)           # VMID 1 again, no fence: DATA_A
      li t1, ${pte(DATA_C, V | R | W | U | A | D)}
      li t0, ${G1_L2}
      sw t1, 0(t0)           # (through VMID 1's G-stage, identity there) both now map to DATA_C
      li t0, ${G2_L2}
      sw t1, 0(t0)
      li t2, 2
      hfence.gvma zero, t2   # VMID 2 only
      lw a5, 0(a0)           # VMID 1: stale DATA_A
      csrw hgatp, s1
      lw a6, 0(a0)           # VMID 2: DATA_C
      csrw hgatp, s0
      li t2, 1
      li t3, ${VA}
      hfence.gvma t3, t2     # VMID 1 (rs1, a guest physical address >> 2, flushes no less)
      lw a7, 0(a0)           # VMID 1: DATA_C
    ` + MPRV_OFF + `
      sw a2, 0(s11)
      sw a3, 4(s11)
      sw a4, 8(s11)
      sw a5, 12(s11)
      sw a6, 16(s11)
      sw a7, 20(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(words(r, 6)).toEqual([0x1111, 0x2222, 0x1111, 0x1111, 0x3333, 0x3333]);
  });

  it('hfence.gvma with rs2 = x0 flushes every VMID', () => {
    const r = hrun(G_TABLES + `
      li s0, ${hgatp(1, G1)}
      li s1, ${hgatp(2, G2)}
      li a0, ${VA}
    ` + MPRV_ON + `
      csrw hgatp, s0
      lw a2, 0(a0)
      csrw hgatp, s1
      lw a3, 0(a0)
      li t1, ${pte(DATA_C, V | R | W | U | A | D)}
      li t0, ${G1_L2}
      sw t1, 0(t0)
      li t0, ${G2_L2}
      sw t1, 0(t0)
      hfence.gvma
      lw a4, 0(a0)           # VMID 2: DATA_C
      csrw hgatp, s0
      lw a5, 0(a0)           # VMID 1: DATA_C
    ` + MPRV_OFF + `
      sw a2, 0(s11)
      sw a3, 4(s11)
      sw a4, 8(s11)
      sw a5, 12(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(words(r, 4)).toEqual([0x1111, 0x2222, 0x3333, 0x3333]);
    const v = r.m.harts[0]!.tlbSpaces().filter((t) => t.virt);
    expect(v.map((t) => t.vmid)).toEqual(expect.arrayContaining([1, 2])); // (and VMID 0: hgatp was 0 when MPRV was set)
  });

  it('hfence.vvma flushes VS-stage spaces of the current VMID only, ASID per rs2', () => {
    // One G-stage (G1, identity for GPA 0x80000000..) under VMIDs 1 and 2. VS-stage roots A (ASID 1)
    // and B (ASID 2) as the Sv32 tables above (GVA = GPA = PA for the tables themselves).
    const G = G1;
    const r = hrun(SV32_TABLES + poke(G + 0x200 * 4, pte(0x80000000, V | R | W | X | U | A | D)) + `
      li s0, ${satp(1, ROOT_A)}
      li s1, ${satp(2, ROOT_B)}
      li s5, ${hgatp(1, G)}
      li s6, ${hgatp(2, G)}
      li a0, ${VA}
    ` + MPRV_ON + `
      csrw hgatp, s5
      csrw vsatp, s0
      lw a2, 0(a0)           # VMID 1 ASID 1: DATA_A
      csrw vsatp, s1
      lw a3, 0(a0)           # VMID 1 ASID 2: DATA_B
      csrw hgatp, s6
      csrw vsatp, s0
      lw a4, 0(a0)           # VMID 2 ASID 1: DATA_A
      csrw hgatp, s5
      li t1, ${pte(DATA_C, V | R | W | A | D)}
      li t0, ${L2_A}
      sw t1, 0(t0)           # VS-stage PTEs of both roots now map to DATA_C
      li t0, ${L2_B}
      sw t1, 0(t0)
      li t2, 1
      hfence.vvma zero, t2   # VMID 1 (current), ASID 1
      lw a5, 0(a0)           # VMID 1 ASID 1: DATA_C
      csrw vsatp, s1
      lw a6, 0(a0)           # VMID 1 ASID 2: stale DATA_B
      csrw hgatp, s6
      csrw vsatp, s0
      lw a7, 0(a0)           # VMID 2 ASID 1: stale DATA_A (another VMID)
      hfence.vvma a0, zero   # VMID 2, this page, all ASIDs
      lw s2, 0(a0)           # VMID 2 ASID 1: DATA_C
      csrw hgatp, s5
      csrw vsatp, s1
      lw s3, 0(a0)           # VMID 1 ASID 2: still stale DATA_B
      sfence.vma             # V=0: HS-level spaces only
      lw s4, 0(a0)           # still stale DATA_B
      hfence.vvma
      lw s7, 0(a0)           # DATA_C
    ` + MPRV_OFF + `
      sw a2, 0(s11)
      sw a3, 4(s11)
      sw a4, 8(s11)
      sw a5, 12(s11)
      sw a6, 16(s11)
      sw a7, 20(s11)
      sw s2, 24(s11)
      sw s3, 28(s11)
      sw s4, 32(s11)
      sw s7, 36(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(words(r, 10)).toEqual([0x1111, 0x2222, 0x1111, 0x3333, 0x2222, 0x1111, 0x3333, 0x2222, 0x2222, 0x3333]);
  });
});
