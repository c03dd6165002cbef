/*
 * rvc: every RV32C instruction form (no F/D forms), written with explicit c.* mnemonics. Each result
 * is stored with OUT (value + name) and printed by rvc_main.c. Immediates at their range limits.
 */
  .option rvc

/* store \reg (x8..x15) at out[k++] and record its name */
.macro OUT reg, name
  c.sw \reg, 0(a5)
  c.addi a5, 4
  .pushsection .rodata.rvc_names_str, "a"
99: .asciz "\name"
  .popsection
  .pushsection .rodata.rvc_names, "a"
  .word 99b
  .popsection
.endm

  .pushsection .rodata.rvc_names, "a"
  .balign 4
  .globl rvc_names
rvc_names:
  .popsection

  .bss
  .balign 16
rvc_scratch:
  .space 128

  .text
  .balign 4
  .globl rvc_run
/* u32 rvc_run(u32 *out): returns the number of results */
rvc_run:
  c.addi16sp sp, -512
  c.swsp s0, 0(sp)
  c.swsp s1, 4(sp)
  c.swsp ra, 8(sp)
  c.mv a5, a0
  c.mv s1, a0

  /* c.li: 6-bit signed immediate */
  c.li a0, -32
  OUT a0, "c.li -32"
  c.li a0, 31
  OUT a0, "c.li 31"
  c.li a0, 0
  OUT a0, "c.li 0"
  /* c.lui: nzimm[17:12], sign-extended */
  c.lui a0, 1
  OUT a0, "c.lui 1"
  c.lui a0, 31
  OUT a0, "c.lui 31"
  c.lui a0, 0xfffe0
  OUT a0, "c.lui 0xfffe0 (-32)"
  c.lui a0, 0xfffff
  OUT a0, "c.lui 0xfffff (-1)"
  /* c.addi: nonzero 6-bit signed */
  c.li a0, 5
  c.addi a0, -32
  OUT a0, "c.addi 5,-32"
  c.li a0, -1
  c.addi a0, 31
  OUT a0, "c.addi -1,31"
  li a0, 0x80000000
  c.addi a0, -1
  OUT a0, "c.addi 0x80000000,-1"
  /* c.addi16sp / c.addi4spn */
  c.mv a1, sp
  c.addi16sp sp, -512
  c.mv a0, sp
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  c.sub a1, a0
  OUT a1, "c.addi16sp -512 (old-new)"
  c.addi4spn a0, sp, 1020
  c.mv a1, sp
  c.sub a0, a1
  OUT a0, "c.addi4spn 1020"
  c.addi4spn a0, sp, 4
  c.sub a0, a1
  OUT a0, "c.addi4spn 4"
  /* shifts */
  li a0, 0x87654321
  c.slli a0, 31
  OUT a0, "c.slli 31"
  li a0, 0x87654321
  c.slli a0, 1
  OUT a0, "c.slli 1"
  li a0, 0x87654321
  c.srli a0, 31
  OUT a0, "c.srli 31"
  li a0, 0x87654321
  c.srli a0, 4
  OUT a0, "c.srli 4"
  li a0, 0x87654321
  c.srai a0, 31
  OUT a0, "c.srai 31"
  li a0, 0x87654321
  c.srai a0, 4
  OUT a0, "c.srai 4"
  /* c.andi */
  li a0, 0x87654321
  c.andi a0, -32
  OUT a0, "c.andi -32"
  li a0, 0x87654321
  c.andi a0, 31
  OUT a0, "c.andi 31"
  li a0, 0x87654321
  c.andi a0, 0
  OUT a0, "c.andi 0"
  /* register-register */
  li a0, 0x12345678
  li a1, 0xf0f0f0f0
  c.sub a0, a1
  OUT a0, "c.sub"
  li a0, 0x12345678
  c.xor a0, a1
  OUT a0, "c.xor"
  li a0, 0x12345678
  c.or a0, a1
  OUT a0, "c.or"
  li a0, 0x12345678
  c.and a0, a1
  OUT a0, "c.and"
  li a0, 0x12345678
  c.add a0, a1
  OUT a0, "c.add"
  c.mv a2, a1
  OUT a2, "c.mv"
  li t0, 0x7fffffff
  c.mv a3, t0
  c.add a3, t0
  OUT a3, "c.add t0 (x5)+x5"
  /* loads and stores: c.lw/c.sw offsets 0..124, c.lwsp/c.swsp 0..252 */
  la s0, rvc_scratch
  li a0, 0xa5a5a5a5
  c.sw a0, 124(s0)
  c.lw a1, 124(s0)
  OUT a1, "c.sw/c.lw 124"
  li a0, 0x01020304
  c.sw a0, 0(s0)
  lw a1, 0(s0)
  OUT a1, "c.sw 0 / lw"
  li a0, 0x5a5a0001
  c.swsp a0, 252(sp)
  c.lwsp a1, 252(sp)
  OUT a1, "c.swsp/c.lwsp 252"
  li t1, 0x13579bdf
  c.swsp t1, 12(sp)
  c.lwsp t2, 12(sp)
  c.mv a0, t2
  OUT a0, "c.swsp/c.lwsp x6->x7"
  /* c.j forward and backward */
  c.li a0, 0
  c.j 2f
1:c.addi a0, 1
  c.j 3f
2:c.addi a0, 2
  c.j 1b
3:OUT a0, "c.j fwd+back (3)"
  /* c.beqz / c.bnez taken and not taken */
  c.li a0, 0
  c.li a1, 0
  c.beqz a1, 4f
  c.addi a0, 1
4:c.bnez a1, 5f
  c.addi a0, 2
5:c.li a1, 7
  c.beqz a1, 6f
  c.addi a0, 4
6:c.bnez a1, 7f
  c.addi a0, 8
7:OUT a0, "c.beqz/c.bnez (6)"
  /* c.jal: ra = pc + 2 */
  c.jal 8f
9:c.j 10f
8:la a0, 9b
  c.mv a1, ra
  c.sub a1, a0
  OUT a1, "c.jal link-next (0)"
  c.jr ra
10:
  /* c.jalr: ra = pc + 2; c.jr */
  la t0, 11f
  c.jalr t0
12:c.j 13f
11:la a0, 12b
  c.mv a1, ra
  c.sub a1, a0
  OUT a1, "c.jalr link-next (0)"
  c.jr ra
13:
  /* c.nop does nothing; c.addi with rd=x0 is a hint too (use c.nop) */
  c.li a0, 9
  c.nop
  OUT a0, "c.nop"
  /* c.ebreak: the C hook records cause/tval/epc and skips it */
  .globl rvc_ebreak_at
rvc_ebreak_at:
  c.ebreak
  c.li a0, 1
  OUT a0, "after c.ebreak"
  /* mixing: 32-bit instruction at a 2-byte aligned address */
  .balign 4
  c.nop
  addi a0, zero, 0x123
  OUT a0, "32-bit insn at pc%4==2"

  c.mv a0, a5
  c.sub a0, s1
  c.srli a0, 2
  c.lwsp s0, 0(sp)
  c.lwsp s1, 4(sp)
  c.lwsp ra, 8(sp)
  c.addi16sp sp, 496
  c.addi16sp sp, 16
  c.jr ra
