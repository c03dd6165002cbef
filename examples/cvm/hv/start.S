/*
 * cvm: the assembly around the C code (as examples/minivisor/hv/start.S, with one guest and an M-mode
 * trap vector that only reports).
 *
 *   _start         reset entry, M-mode: stack, trap vector, .bss, then firmware_main() (firmware.c)
 *   hs_start       HS-mode entry (the firmware mrets here): hypervisor stack, then hs_main()
 *   m_trap_entry   M-mode trap vector: every trap that reaches M-mode is a bug (or a missing secure
 *                  processor); m_trap() (firmware.c) says which and powers off.
 *   hs_trap_entry  HS-mode trap vector = the VM-exit path: saves the guest's registers into its
 *                  struct vcpu (sscratch points at it while the guest runs), switches to the
 *                  hypervisor stack and calls hs_handle_exit(vcpu) (hv.c), which returns the vcpu to
 *                  run next.
 *   vcpu_enter     VM entry: loads a vcpu's registers and pc and srets into it.
 *   guest_image    cvm-guest.bin (objcopy -O binary of cvm-guest.elf), in plaintext: the hypervisor
 *                  has the image the guest owner gave it, and must; it is public and measured.
 */
#ifndef GUEST_BIN
#define GUEST_BIN "cvm-guest.bin"
#endif
#define VCPU_PC 128     /* offsetof(struct vcpu, pc) */
#define VCPU_HV_SP 132  /* offsetof(struct vcpu, hv_sp) */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr t0, mhartid              /* one hart is enough; any other parks (QEMU -smp 1 has none) */
  bnez t0, park
  la sp, m_stack_top
  csrw mscratch, sp             /* m_trap_entry takes this stack */
  la t0, m_trap_entry
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:li s0, 0                      /* frame pointer 0: the end of the call chain for a debugger */
  li ra, 0
  call firmware_main            /* does not return: it mrets to hs_main */
park:
  wfi
  j park

/* HS-mode entry: the firmware mrets here. The hypervisor gets its own stack (the M stack belongs to
 * m_trap_entry from now on) and starts in hs_main (hv.c). */
  .globl hs_start
hs_start:
  la sp, hs_stack_top
  li s0, 0
  li ra, 0
  tail hs_main

/* ------------------------------------------------------------------------------------------------
 * M-mode trap vector (mtvec, direct mode). Nothing is expected to reach M-mode after the drop to HS:
 * m_trap reports what did and powers off, so no registers need saving.
 * ------------------------------------------------------------------------------------------------ */
  .text
  .align 2
  .globl m_trap_entry
m_trap_entry:
  csrr sp, mscratch             /* the M stack */
  .option push
  .option norelax
  la gp, __global_pointer$      /* the interrupted code may be the guest with its own gp */
  .option pop
  li s0, 0
  li ra, 0
  call m_trap                   /* does not return */
1:j 1b

/* ------------------------------------------------------------------------------------------------
 * HS-mode trap vector (stvec) = every VM exit.
 *
 * The hardware has just: set V=0 (we are in HS-mode now), saved the guest pc in sepc, the reason in
 * scause/stval/htval/htinst, set hstatus.SPV=1 (the trap came from a guest) and hstatus.SPVP (its
 * privilege), and cleared sstatus.SIE. All 31 registers still hold the guest's values, so the first
 * thing to do is to park them: sscratch holds the running vcpu's address (vcpu_enter put it there).
 * ------------------------------------------------------------------------------------------------ */
  .align 2
  .globl hs_trap_entry
hs_trap_entry:
  csrrw sp, sscratch, sp        /* sp = struct vcpu *, sscratch = the guest's sp */
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
  sw t0, 8(sp)                  /* guest sp */
  csrr t0, sepc
  sw t0, VCPU_PC(sp)            /* guest pc: the instruction that trapped (or was interrupted) */
  mv a0, sp                     /* hs_handle_exit(vcpu) */
  lw sp, VCPU_HV_SP(a0)         /* the hypervisor stack: empty at every exit (nothing is nested) */
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  li s0, 0                      /* end of the call chain for a debugger's unwinder */
  li ra, 0
  call hs_handle_exit           /* returns the vcpu to run next in a0 */
  /* fall through */

/* void vcpu_enter(struct vcpu *v): VM entry. The caller has already set hgatp, hstatus.SPV=1 and
 * sstatus.SPP=1, so sret goes to VS-mode (V=1) at sepc with the guest's G-stage tables. */
  .globl vcpu_enter
vcpu_enter:
  csrw sscratch, a0             /* found again by hs_trap_entry at the next exit */
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

/* ------------------------------------------------------------------------------------------------
 * The guest's image, as a flat binary (its first byte belongs at guest-physical 0x80000000). The
 * hypervisor copies it into guest pages, where the secure processor encrypts and measures it.
 * ------------------------------------------------------------------------------------------------ */
  .section .rodata.guest, "a", @progbits
  .balign 4096
  .globl guest_image, guest_image_end
guest_image:
  .incbin GUEST_BIN             /* "cvm-guest.bin" in the build directory (Makefile: -DGUEST_BIN) */
guest_image_end:
