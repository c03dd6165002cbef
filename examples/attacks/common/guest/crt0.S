/*
 * examples/attacks guests: entry. At levels none and enc the hypervisor enters here with pc = 0x80000000;
 * at levels es and snp the hardware does, from the pc in the VMSA (cvm-model 6.1). Either way the
 * guest starts with translation off: a fetch is private whatever the C-bit says (2.3), so the code
 * runs; its data accesses are shared until the page table below is on.
 */
#include "../attack.h"
#define SATP_SV32 (1 << 31)
#define SATP_CBIT (1 << 21) /* bit 33 of the root's GPA: the top bit of satp.PPN (cvm-model 2.1) */

  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, vc_entry
  csrw stvec, t0                /* (VS-mode: this is vstvec) */
  la t0, vs_root                /* lib.c: VA 0x80000000 private, VA 0x80400000 shared */
  srli t0, t0, 12
  li t1, SATP_SV32 | SATP_CBIT
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  li s0, 0                      /* end of the call chain for a debugger */
  li ra, 0
  call main
  call guest_done

/* Every trap the guest takes itself. At levels es and snp that is #VC (cause 24): an exception the
 * hardware reflects into the guest instead of showing it to the hypervisor (6.1), or an access to a
 * page not validated (6.2, vstval = 25). The guest tells the hypervisor through the shared page, as a
 * SEV-ES guest's #VC handler does through its GHCB, and stops. (These guests never cause one.) */
  .align 2
  .globl vc_entry
vc_entry:
  li t0, GHCB_VA
  li t1, REQ_VC
  sw t1, 0(t0)
  csrr t1, scause
  sw t1, 4(t0)
  csrr t1, stval
  sw t1, 8(t0)
  csrr t1, sepc
  sw t1, 12(t0)
1:ecall
  j 1b
