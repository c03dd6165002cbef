/*
 * examples/attacks: the assembly around the C code (trimmed from examples/minivisor/hv/start.S).
 *
 *   _start         reset entry, M-mode: stack, trap vector, .bss, then firmware_main() (firmware.c)
 *   hs_start       HS-mode entry (the firmware mrets here): hypervisor stack, then hs_main()
 *   m_trap_entry   M-mode trap vector: nothing should arrive there; m_trap() says what did
 *   vcpu_run       VM entry as a call: saves the hypervisor's callee-saved registers, loads the
 *                  guest's and srets into it; returns scause at the next VM exit
 *   hs_trap_entry  HS-mode trap vector = VM exit: parks the guest's registers in its struct vcpu
 *                  and returns from vcpu_run. A trap from HS-mode itself (sscratch = 0) goes to
 *                  hs_trap() (guest.c), which reports it and powers off.
 *   hs_try_sw      one store with a temporary trap vector: a fault becomes a return value
 */
#define VCPU_PC 128
#define VCPU_HV_SP 132
#define HV_FRAME 64   /* ra, s0..s11, gp, tp */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr t0, mhartid
  bnez t0, park
  la sp, m_stack_top
  la t0, m_trap_entry
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:li s0, 0
  li ra, 0
  call firmware_main            /* does not return: it mrets to hs_start */
park:
  wfi
  j park

  .globl hs_start
hs_start:
  la sp, hs_stack_top
  csrw sscratch, zero           /* 0 while HS runs: hs_trap_entry tells HS traps from VM exits by it */
  li s0, 0
  li ra, 0
  tail hs_main

  .text
  .align 2
  .globl m_trap_entry
m_trap_entry:
  la sp, m_stack_top            /* M-mode never returns from here: any stack will do */
  li s0, 0
  li ra, 0
  tail m_trap

/* u32 vcpu_run(struct vcpu *v): the caller has set hgatp, hstatus.SPV and sstatus.SPP, so sret enters
 * the guest (V=1, VS-mode) at v->pc with the registers in v->regs. (For an ES guest the hardware takes
 * pc and registers from the VMSA instead: cvm-model 6.1.) */
  .globl vcpu_run
vcpu_run:
  addi sp, sp, -HV_FRAME
  sw ra, 0(sp)
  sw s0, 4(sp)
  sw s1, 8(sp)
  sw s2, 12(sp)
  sw s3, 16(sp)
  sw s4, 20(sp)
  sw s5, 24(sp)
  sw s6, 28(sp)
  sw s7, 32(sp)
  sw s8, 36(sp)
  sw s9, 40(sp)
  sw s10, 44(sp)
  sw s11, 48(sp)
  sw gp, 52(sp)
  sw tp, 56(sp)
  sw sp, VCPU_HV_SP(a0)
  csrw sscratch, a0             /* found again by hs_trap_entry at the exit */
  lw t0, VCPU_PC(a0)
  csrw sepc, t0
  lw x1, 4(a0)
  lw x2, 8(a0)
  lw x3, 12(a0)
  lw x4, 16(a0)
  lw x5, 20(a0)
  lw x6, 24(a0)
  lw x7, 28(a0)
  lw x8, 32(a0)
  lw x9, 36(a0)
  lw x11, 44(a0)
  lw x12, 48(a0)
  lw x13, 52(a0)
  lw x14, 56(a0)
  lw x15, 60(a0)
  lw x16, 64(a0)
  lw x17, 68(a0)
  lw x18, 72(a0)
  lw x19, 76(a0)
  lw x20, 80(a0)
  lw x21, 84(a0)
  lw x22, 88(a0)
  lw x23, 92(a0)
  lw x24, 96(a0)
  lw x25, 100(a0)
  lw x26, 104(a0)
  lw x27, 108(a0)
  lw x28, 112(a0)
  lw x29, 116(a0)
  lw x30, 120(a0)
  lw x31, 124(a0)
  lw x10, 40(a0)                /* a0 last: it was the base register */
  sret

/* Every VM exit, and any trap of HS-mode itself. */
  .align 2
  .globl hs_trap_entry
hs_trap_entry:
  csrrw sp, sscratch, sp        /* sp = struct vcpu * (0 when the trap came from HS-mode) */
  bnez sp, 1f
  csrrw sp, sscratch, sp        /* HS-mode trapped: sp back, sscratch 0 again */
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  tail hs_trap                  /* guest.c: report and power off */
1:
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
  sw t0, 8(sp)                  /* the guest's sp */
  csrw sscratch, zero
  csrr t0, sepc
  sw t0, VCPU_PC(sp)            /* the guest's pc (0 for an ES guest: the hardware hides it) */
  lw sp, VCPU_HV_SP(sp)
  lw ra, 0(sp)
  lw s0, 4(sp)
  lw s1, 8(sp)
  lw s2, 12(sp)
  lw s3, 16(sp)
  lw s4, 20(sp)
  lw s5, 24(sp)
  lw s6, 28(sp)
  lw s7, 32(sp)
  lw s8, 36(sp)
  lw s9, 40(sp)
  lw s10, 44(sp)
  lw s11, 48(sp)
  lw gp, 52(sp)
  lw tp, 56(sp)
  addi sp, sp, HV_FRAME
  csrr a0, scause
  ret                           /* from vcpu_run */

/* u32 hs_try_sw(u32 pa, u32 value): `sw value, 0(pa)` with stvec pointed at 1f for its duration. A
 * fault (an integrity fault, cause 25, on a page the RMP assigns to a guest) then lands at 1f, which
 * returns the cause; stval still says the address. The registers are as the trap left them. */
  .globl hs_try_sw
hs_try_sw:
  la t0, 1f
  csrrw t1, stvec, t0
  sw a1, 0(a0)
  li a0, 0
  csrw stvec, t1
  ret
  .align 2
1:csrr a0, scause
  csrw stvec, t1
  ret

/* The guest image (objcopy -O binary of guest.elf). */
  .section .rodata.guest, "a", @progbits
  .balign 4096
  .globl guest_image, guest_image_end
guest_image:
  .incbin GUEST_BIN
guest_image_end:
