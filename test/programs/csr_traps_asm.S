/*
 * csr_traps helpers: a minimal trap handler for counting instret across a trap (4 instructions:
 * skip the 4-byte trapping instruction and mret) and a vectored mtvec table.
 */
  .option norvc
  .text

/* mtvec target for instret measurements: mepc += 4; mret. Exactly 4 instructions. */
  .balign 4
  .globl tiny_trap
tiny_trap:
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

/*
 * u32 instret_across(u32 which): instret delta over
 *   csrr a1, instret ; <trapping instruction or nop> ; csrr a2, instret
 * with mtvec = tiny_trap. which: 0 = nop (no trap), 1 = ecall, 2 = ebreak (32-bit), 3 = illegal
 * (32-bit 0), 4 = load access fault (lw from 0).
 */
  .globl instret_across
instret_across:
  csrr t5, mtvec
  la t0, tiny_trap
  csrw mtvec, t0
  li t1, 1
  li t2, 2
  li t3, 3
  li t4, 4
  beqz a0, 10f
  beq a0, t1, 11f
  beq a0, t2, 12f
  beq a0, t3, 13f
  beq a0, t4, 14f
  li a0, 0xffffffff
  j 19f
10:csrr a1, instret
  nop
  csrr a2, instret
  j 18f
11:csrr a1, instret
  ecall
  csrr a2, instret
  j 18f
12:csrr a1, instret
  ebreak
  csrr a2, instret
  j 18f
13:csrr a1, instret
  .word 0
  csrr a2, instret
  j 18f
14:csrr a1, instret
  lw t0, 0(zero)
  csrr a2, instret
18:sub a0, a2, a1
19:csrw mtvec, t5
  ret

/*
 * Vectored mtvec table: entry i (0..15) records i in vec_hit and jumps to the common tail, which
 * clears msip/mie bits of the interrupt and returns. Exceptions land on entry 0.
 */
  .balign 64
  .globl vec_table
vec_table:
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j vec_\i
  .endr
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
vec_\i:
  addi sp, sp, -16
  sw t0, 0(sp)
  sw t1, 4(sp)
  li t0, \i
  j vec_common
  .endr
vec_common:
  la t1, vec_hit
  sw t0, 0(t1)
  csrr t0, mcause
  la t1, vec_cause
  sw t0, 0(t1)
  bltz t0, 1f
  /* exception: skip the 4-byte instruction */
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  j 2f
1:/* interrupt: disable it in mie */
  li t1, 1
  sll t1, t1, t0
  csrc mie, t1
2:lw t0, 0(sp)
  lw t1, 4(sp)
  addi sp, sp, 16
  mret

  .data
  .balign 4
  .globl vec_hit, vec_cause
vec_hit: .word 0xffffffff
vec_cause: .word 0
