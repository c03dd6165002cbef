/*
 * vmscope test guests: entry point, per-hart stacks and the trap entry/exit stubs.
 *
 * Every hart starts here (QEMU virt's reset ROM jumps to the ELF entry on all harts; our emulator
 * starts every hart at the entry too). The hart id comes from mhartid, never from a0.
 * Hart 0 clears .bss, then runs main() and exit(main's return value). Other harts wait until .bss
 * is clear and call hart_main(hartid) (weak: parks in wfi unless the program defines it).
 *
 * Per hart h, at __stacks_start + h * 24 KiB: 16 KiB main stack, 4 KiB M trap stack (its top is kept
 * in mscratch), 4 KiB S trap stack (its top goes in sscratch when a test enters S-mode).
 *
 * Trap frame (struct trap_frame in rt.h): x0..x31 at 4*i (x0 slot unused, x2 = the interrupted sp),
 * then epc (128), cause (132), tval (136), status (140); 144 bytes. The C handler may change any of
 * them; epc and status (and all registers) are written back before mret/sret.
 */
#define FRAME 144
#define HART_AREA (24 * 1024)
#define MAX_HARTS 4

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr a0, mhartid
  li t0, MAX_HARTS
  bgeu a0, t0, park
  la t2, __stacks_start
  li t1, HART_AREA
  mv t0, a0                   /* t2 += hartid * HART_AREA (no mul: works for every -march) */
3:beqz t0, 4f
  add t2, t2, t1
  addi t0, t0, -1
  j 3b
4:li t1, 16 * 1024
  add sp, t2, t1
  li t1, 20 * 1024
  add t3, t2, t1
  csrw mscratch, t3
  la t0, m_trap_entry
  csrw mtvec, t0
  bnez a0, secondary

  la t0, __bss_start
  la t1, __bss_end
5:bgeu t0, t1, 6f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 5b
6:fence
  la t0, rt_boot_done
  li t1, 1
  sw t1, 0(t0)
  call main
  call exit

secondary:
  la t0, rt_boot_done
7:lw t1, 0(t0)
  beqz t1, 7b
  fence
  csrr a0, mhartid
  call hart_main
park:
  wfi
  j park

/* S trap stack top of the calling hart (for sscratch). */
  .globl rt_s_trap_stack_top
rt_s_trap_stack_top:
  csrr a0, mscratch           /* M trap stack top; the S trap stack sits right above it */
  li t0, 4 * 1024
  add a0, a0, t0
  ret

  .data
  .align 2
rt_boot_done:
  .word 0

  .text
/* ---------------- M-mode trap entry (mtvec direct mode points here at boot) ---------------- */
  .align 2
  .globl m_trap_entry
m_trap_entry:
  csrrw sp, mscratch, sp
  addi sp, sp, -FRAME
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  csrr t0, mscratch
  sw t0, 8(sp)
  csrr t0, mepc
  sw t0, 128(sp)
  csrr t0, mcause
  sw t0, 132(sp)
  csrr t0, mtval
  sw t0, 136(sp)
  csrr t0, mstatus
  sw t0, 140(sp)
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  mv a0, sp
  call m_trap_handler
  lw t0, 128(sp)
  csrw mepc, t0
  lw t0, 140(sp)
  csrw mstatus, t0
  addi t0, sp, FRAME
  csrw mscratch, t0
  lw x1, 4(sp)
  lw x3, 12(sp)
  lw x4, 16(sp)
  lw x5, 20(sp)
  lw x6, 24(sp)
  lw x7, 28(sp)
  lw x8, 32(sp)
  lw x9, 36(sp)
  lw x10, 40(sp)
  lw x11, 44(sp)
  lw x12, 48(sp)
  lw x13, 52(sp)
  lw x14, 56(sp)
  lw x15, 60(sp)
  lw x16, 64(sp)
  lw x17, 68(sp)
  lw x18, 72(sp)
  lw x19, 76(sp)
  lw x20, 80(sp)
  lw x21, 84(sp)
  lw x22, 88(sp)
  lw x23, 92(sp)
  lw x24, 96(sp)
  lw x25, 100(sp)
  lw x26, 104(sp)
  lw x27, 108(sp)
  lw x28, 112(sp)
  lw x29, 116(sp)
  lw x30, 120(sp)
  lw x31, 124(sp)
  lw sp, 8(sp)
  mret

/* ---------------- S-mode trap entry (tests point stvec here; sscratch = S trap stack top) ------- */
  .align 2
  .globl s_trap_entry
s_trap_entry:
  csrrw sp, sscratch, sp
  addi sp, sp, -FRAME
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  csrr t0, sscratch
  sw t0, 8(sp)
  csrr t0, sepc
  sw t0, 128(sp)
  csrr t0, scause
  sw t0, 132(sp)
  csrr t0, stval
  sw t0, 136(sp)
  csrr t0, sstatus
  sw t0, 140(sp)
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  mv a0, sp
  call s_trap_handler
  lw t0, 128(sp)
  csrw sepc, t0
  lw t0, 140(sp)
  csrw sstatus, t0
  addi t0, sp, FRAME
  csrw sscratch, t0
  lw x1, 4(sp)
  lw x3, 12(sp)
  lw x4, 16(sp)
  lw x5, 20(sp)
  lw x6, 24(sp)
  lw x7, 28(sp)
  lw x8, 32(sp)
  lw x9, 36(sp)
  lw x10, 40(sp)
  lw x11, 44(sp)
  lw x12, 48(sp)
  lw x13, 52(sp)
  lw x14, 56(sp)
  lw x15, 60(sp)
  lw x16, 64(sp)
  lw x17, 68(sp)
  lw x18, 72(sp)
  lw x19, 76(sp)
  lw x20, 80(sp)
  lw x21, 84(sp)
  lw x22, 88(sp)
  lw x23, 92(sp)
  lw x24, 96(sp)
  lw x25, 100(sp)
  lw x26, 104(sp)
  lw x27, 108(sp)
  lw x28, 112(sp)
  lw x29, 116(sp)
  lw x30, 120(sp)
  lw x31, 124(sp)
  lw sp, 8(sp)
  sret

/*
 * u32 run_in_mode(u32 prv, u32 (*fn)(u32), u32 arg): mret to fn(arg) in mode prv with ra pointing
 * at an `ecall` (a7 = 0x5e7); the default M handler turns that ecall into a return to rt_mode_resume
 * with sp restored and fn's a0 as the result.
 */
  .globl run_in_mode
run_in_mode:
  addi sp, sp, -64
  sw ra, 60(sp)
  sw s0, 0(sp)
  sw s1, 4(sp)
  sw s2, 8(sp)
  sw s3, 12(sp)
  sw s4, 16(sp)
  sw s5, 20(sp)
  sw s6, 24(sp)
  sw s7, 28(sp)
  sw s8, 32(sp)
  sw s9, 36(sp)
  sw s10, 40(sp)
  sw s11, 44(sp)
  la t0, rt_saved_sp
  sw sp, 0(t0)
  li t0, 3 << 11
  csrc mstatus, t0
  slli t1, a0, 11
  csrs mstatus, t1
  csrw mepc, a1
  mv a0, a2
  la ra, rt_mode_exit
  mret
rt_mode_exit:
  li a7, 0x5e7
  ecall
8:j 8b
  .globl rt_mode_resume
rt_mode_resume:
  lw ra, 60(sp)
  lw s0, 0(sp)
  lw s1, 4(sp)
  lw s2, 8(sp)
  lw s3, 12(sp)
  lw s4, 16(sp)
  lw s5, 20(sp)
  lw s6, 24(sp)
  lw s7, 28(sp)
  lw s8, 32(sp)
  lw s9, 36(sp)
  lw s10, 40(sp)
  lw s11, 44(sp)
  addi sp, sp, 64
  ret

  .data
  .align 2
  .globl rt_saved_sp
rt_saved_sp:
  .word 0
