/**
 * Protection levels (cvm-model 6, emulator/cvm/README.md) in a machine: the same guest run with no
 * key, encryption only, register protection (ES) and integrity (SNP), against an M-mode "hypervisor"
 * that looks at and patches the guest's registers at an exit, stores into the guest's private page,
 * and gives the guest a fresh page with RMPUPDATE.
 */
import { describe, expect, it } from 'vitest';
import { buildElf } from './build';
import { decode, DEFAULT_CONFIG, loadElf, Machine } from '../../../emulator/api';
import { disassemble } from '../../../emulator/isa/disasm';
import { CAUSE_INTEGRITY, CAUSE_VC } from '../../../emulator/csr/bits';
import { VMSA_BYTES } from '../../../emulator/cvm/es';
import { LaunchStartBuf, POLICY_ES, POLICY_SNP, SpCmd, SpStatus } from '../../../emulator/cvm/sp';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { Fields, spDriver } from './sp-harness';

const GUEST = 0x80002000; // code; 0x80003000 private data; 0x80004000 VS root; 0x80005000 shared (GHCB-like)
const DATA = 0x80003000;
const SHARED = 0x80005000;
const LOG = 0x80006000; // the hypervisor's notes: [0] a0 it saw at the first exit, [1..] causes it took
const VMSA = 0x80008000;
const FRESH = 0x80009000; // a page the hypervisor gives the guest later (RMPUPDATE under SNP)

/**
 * M-mode plays the hypervisor: traps from the guest are not delegated, so every exit comes to mtrap.
 * Requests through the shared page: 1 = "look at my a0" (the hypervisor records a0 and writes 0x666
 * into it), 2 = "done". An integrity fault or #VC outcome is recorded and the faulting instruction
 * skipped. The guest reports through the shared page: [4] a0 after the exit, [8] vscause and [12]
 * vstval of a #VC, [16] pvalidate's result, [20] the fresh page's word.
 */
const SRC = `
.globl _start
.text
_start:
  la t0, mtrap
  csrw mtvec, t0
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, 0x80100000 + 0x200 * 4
  li t1, (0x80000 << 10) | 0xdf
  sw t1, 0(t0)
  li t0, 0x80000000 | (1 << 22) | (0x80100000 >> 12)
  csrw hgatp, t0
  li t0, 1 << 11
  csrs mstatus, t0
  li t0, 1 << 7
  csrs mstatush, t0
  la t0, guest
  csrw mepc, t0
  li s1, ${LOG}
  mret
.balign 4
mtrap:
  li s1, ${LOG}
  csrr t0, mcause
  lw t1, 64(s1)
  addi t1, t1, 1
  sw t1, 64(s1)
  slli t2, t1, 2
  add t2, t2, s1
  sw t0, 0(t2)
  li t1, 10
  bne t0, t1, skip
  li t0, ${SHARED}
  lw t1, 0(t0)
  li t2, 2
  beq t1, t2, done
  li t2, 3
  beq t1, t2, attack
  sw a0, 0(s1)
  li a0, 0x666
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
attack:
  csrr s2, mepc
  csrr s3, mstatus
  csrr s4, mstatush
  li t0, ${DATA}
  li t1, 0xbad
  sw t1, 0(t0)
  csrw mstatus, s3
  csrw mstatush, s4
  mv t0, s2
  addi t0, t0, 4
  csrw mepc, t0
  mret
skip:
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
done:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
.balign 0x2000
guest:
  la t0, vctrap
  csrw stvec, t0
  li t0, 0x80000000 | (1 << 21) | 0x80004
  csrw satp, t0
  li s0, 0xc0005000
  li s2, 0x80003000
  li t0, 0x5ec2e7
  sw t0, 0(s2)
  li a0, 0x1234
  li t1, 1
  sw t1, 0(s0)
  ecall
  sw a0, 4(s0)
  csrr t2, hgatp
  li t1, 3
  sw t1, 0(s0)
  ecall
  lw t0, 0(s2)
  sw t0, 24(s0)
  li t3, 0x80009000
  lw t0, 0(t3)
  pvalidate t4, t3, t1
  sw t4, 16(s0)
  lw t0, 0(t3)
  sw t0, 20(s0)
  li t1, 2
  sw t1, 0(s0)
  ecall
.balign 4
vctrap:
  csrr t0, scause
  sw t0, 8(s0)
  csrr t0, stval
  sw t0, 12(s0)
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  sret
.balign 0x4000
vsroot:
  .zero 0x200 * 4
  .word 0xa00000cf
  .zero (0x300 - 0x201) * 4
  .word 0x200000cf
.balign 0x1000
  .word 0
`;

const ELF = buildElf(SRC, 'levels', 'rv32imach_zicsr_zifencei');
const crypto = new NodeCrypto();

type Level = 'none' | 'enc' | 'es' | 'snp';
const POLICY: Record<Exclude<Level, 'none'>, number> = { enc: 0, es: POLICY_ES, snp: POLICY_SNP | POLICY_ES };

/** Launch the guest through the secure processor at `level` (as examples/cvm does), run to the end. */
function run(level: Level, beforeRun?: (m: Machine) => void): { m: Machine; word: (i: number) => number; log: (i: number) => number } {
  const m = new Machine({ ...DEFAULT_CONFIG, features: ['integrity'], seed: 5 }, { crypto });
  m.load(loadElf(ELF));
  if (level !== 'none') {
    const sp = spDriver(m);
    const h = sp.launchStart(POLICY[level]);
    expect(sp.update(h, GUEST, 0x3000, GUEST).status).toBe(SpStatus.SUCCESS);
    const vmsa = new DataView(new ArrayBuffer(4096));
    vmsa.setUint32(32 * 4, GUEST, true); // pc: the guest's entry point
    sp.mee.writeDram(VMSA, new Uint8Array(vmsa.buffer));
    expect(sp.update(h, VMSA, 4096, VMSA, SpCmd.LAUNCH_UPDATE_VMSA).status).toBe(SpStatus.SUCCESS);
    expect(sp.activate(h, 1).status).toBe(SpStatus.SUCCESS);
    expect(sp.handleCmd(SpCmd.LAUNCH_FINISH, h).status).toBe(SpStatus.SUCCESS);
  }
  beforeRun?.(m);
  const r = m.run(100_000);
  expect(r, JSON.stringify(r)).toEqual({ kind: 'exit', code: 0 });
  const u32 = (pa: number): number => new DataView(m.readPhys(pa, 4).buffer).getUint32(0, true);
  return { m, word: (i) => u32(SHARED + 4 * i), log: (i) => u32(LOG + 4 * i) };
}

/**
 * What the hypervisor would run in HS before the guest touches FRESH: rmpupdate a0, a1, a2 with
 * a1 = FRESH's PPN, a2 = assigned | ASID 1 | GPA FRESH. (A guest access to an unassigned page is an
 * integrity fault the hypervisor cannot skip: the guest's pc is hidden, so it would retry forever.)
 */
function assignFresh(m: Machine): void {
  const x = new Int32Array(33);
  x[11] = FRESH / 4096;
  x[12] = 1 | (1 << 1) | ((FRESH / 4096) << 8);
  const hs = Object.assign(Object.create(m.harts[0]!) as object, { priv: 1, virt: false, x });
  expect(m.rmp!.customInstructions[0]!.execute(hs as never, 0x00c5850b)).toBe('next');
  expect(x[10]).toBe(0);
}

describe('register protection (cvm-model 6.1)', () => {
  it('without it the hypervisor reads the guest registers at an exit and its patch reaches the guest', () => {
    for (const level of ['none', 'enc'] as const) {
      const { word, log } = run(level);
      expect(log(0), level).toBe(0x1234); // a0 as the hypervisor saw it
      expect(word(1), level).toBe(0x666); // a0 as the guest found it after the exit
    }
  });

  it('with it the hypervisor sees cleared registers and its patch is undone from the VMSA', () => {
    for (const level of ['es', 'snp'] as const) {
      const { m, word, log } = run(level);
      expect(log(0), level).toBe(0);
      expect(word(1), level).toBe(0x1234);
      // The VMSA is guest-private: DRAM holds ciphertext, the guest's key reads the saved state.
      const plain = new DataView(m.readPhys(VMSA, VMSA_BYTES, 1).buffer);
      expect(plain.getUint32(32 * 4, true)).toBeGreaterThan(GUEST); // the saved pc: in the guest's code
      expect(Buffer.from(m.readPhys(VMSA, VMSA_BYTES))).not.toEqual(Buffer.from(m.readPhys(VMSA, VMSA_BYTES, 1)));
    }
  });

  it('reflects other intercepts into the guest as #VC (cause 24, vstval = the cause) instead of exiting', () => {
    const plain = run('enc');
    expect(plain.word(2)).toBe(0); // the guest's csrr hgatp exited as a virtual instruction (22) and was skipped
    expect([plain.log(1), plain.log(2)]).toEqual([10, 22]);
    const es = run('es');
    expect([es.word(2), es.word(3)]).toEqual([CAUSE_VC, 22]);
    expect(es.log(2)).toBe(10); // the hypervisor never saw cause 22
  });
});

describe('integrity (cvm-model 6.2)', () => {
  it('stops the hypervisor writing a guest-owned page (replay, 7): integrity fault, the guest keeps its data', () => {
    const enc = run('es');
    expect(enc.word(6)).not.toBe(0x5ec2e7); // without integrity the store lands: the guest reads garbage
    const snp = run('snp', assignFresh);
    expect(snp.log(3)).toBe(CAUSE_INTEGRITY);
    expect(snp.word(6)).toBe(0x5ec2e7);
    expect(snp.m.rmp!.viewState()).toMatchObject({ faults: 1, lastFault: expect.stringMatching(/^hypervisor store to PA 0x80003000, a page assigned to ASID 1/) });
  });

  it('a page the hypervisor assigns with RMPUPDATE faults with #VC until the guest validates it', () => {
    const { m, word } = run('snp', assignFresh);
    expect(word(2)).toBe(CAUSE_VC); // the first load of FRESH: #VC ...
    expect(word(3)).toBe(CAUSE_INTEGRITY); // ... because the page is not validated
    expect(word(4)).toBe(0); // pvalidate: ok
    expect(m.rmp!.entry(FRESH)).toMatchObject({ assigned: true, asid: 1, validated: true });
  });

  it('rmpupdate and pvalidate are known to the assembler and the disassembler', () => {
    const words = [0x00c5850b, 0x02c5850b, 0x0400000b];
    const texts = ['rmpupdate a0,a1,a2', 'pvalidate a0,a1,a2', 'cinval.all'];
    words.forEach((raw, i) => expect(disassemble(decode(raw), 0x80000000).replace(/\s+/, ' ')).toBe(texts[i]));
    const elf = buildElf(`.text\n${texts.join('\n')}\n`, 'c', 'rv32imac_zicsr');
    const text = loadElf(elf).segments[0]!.data;
    expect([0, 4, 8].map((o) => new DataView(text.buffer, text.byteOffset).getUint32(o, true))).toEqual(words);
  });

  it('lets M delegate integrity faults to HS (medeleg bit 25) only on a machine with the RMP', () => {
    const medeleg = (features: string[]): number => {
      const m = new Machine({ ...DEFAULT_CONFIG, features, seed: 5 }, { crypto });
      m.writeCsr(0, 0x302, 0xffffffff);
      return m.readCsr(0, 0x302)! >>> 0;
    };
    expect((medeleg(['integrity']) >>> CAUSE_INTEGRITY) & 1).toBe(1);
    expect((medeleg(['register-protection']) >>> CAUSE_INTEGRITY) & 1).toBe(0);
    expect(medeleg(['integrity']) & ~(1 << CAUSE_INTEGRITY)).toBe(medeleg(['register-protection']));
  });

  it('LAUNCH_START refuses a level the machine lacks (UNSUPPORTED)', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, features: ['secure-processor'], seed: 5 }, { crypto });
    const sp = spDriver(m);
    const start = (policy: number): number => sp.cmd(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size).u32(LaunchStartBuf.policy, policy)).status;
    expect(start(POLICY_ES)).toBe(SpStatus.UNSUPPORTED);
    expect(start(POLICY_SNP)).toBe(SpStatus.UNSUPPORTED);
    expect(start(0)).toBe(SpStatus.SUCCESS);
    const es = spDriver(new Machine({ ...DEFAULT_CONFIG, features: ['register-protection'], seed: 5 }, { crypto }));
    expect(es.cmd(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size).u32(LaunchStartBuf.policy, POLICY_ES)).status).toBe(SpStatus.SUCCESS);
    expect(es.cmd(SpCmd.LAUNCH_START, new Fields(LaunchStartBuf.size).u32(LaunchStartBuf.policy, POLICY_SNP)).status).toBe(SpStatus.UNSUPPORTED);
  });
});
