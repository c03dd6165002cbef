/*
 * cvm, part 1: the M-mode firmware (a tiny stand-in for OpenSBI), trimmed from
 * examples/minivisor/hv/firmware.c: one guest that never waits needs no timer.
 *
 * M-mode is the only mode that can program PMP, the trap delegation registers and menvcfg. It does
 * just enough to let the hypervisor run in HS-mode and then stays out of the way:
 *   1. PMP: one entry granting everything (QEMU 7.2 denies S/U-mode all memory without one).
 *   2. Delegation: the traps the hypervisor must see (VM exits) go straight to HS-mode.
 *   3. menvcfg.CBCFE: the hypervisor may flush cache lines (cbo.flush) before the secure processor
 *      encrypts a page in place (sev.c, sev_clflush_pages).
 *   4. mret to hs_start (start.S, then hs_main) in HS-mode (MPP=S, MPV=0).
 * Afterwards M-mode only reports unexpected traps.
 */
#include "hv.h"

void m_trap(void) __attribute__((noreturn));

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_NAPOT 0x18

void firmware_main(void) {
  hv_printf("[fw] M-mode: PMP, delegation, cache-block ops for HS; entering HS-mode\n");
  if (!(csr_read(misa) & (1u << ('h' - 'a')))) {
    /* Without H there is no HS-mode, no hgatp, no VS-mode: nothing below can work. */
    hv_printf("[fw] this hart has no hypervisor extension (misa bit 7 is clear)\n");
    hv_exit(4);
  }

  /* 1. PMP entry 0: NAPOT over the whole address space, RWX, for S and U (and so for VS/VU). */
  csr_write(pmpaddr0, 0xffffffffu);
  csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);

  /* 2. Delegation to HS-mode: the VM exits the hypervisor handles (ecall from VS, guest-page faults,
   *    virtual instruction) and the guest's own page faults (a bug in its page table: the hypervisor
   *    reports it). Any other exception (a bug in the hypervisor) stays in M-mode, see m_trap. */
  csr_write(medeleg, (1u << EXC_ECALL_VS) | (1u << EXC_INST_GUEST_PAGE) | (1u << EXC_LOAD_GUEST_PAGE) |
                         (1u << EXC_VIRTUAL_INSN) | (1u << EXC_STORE_GUEST_PAGE) | (1u << EXC_INST_PAGE) |
                         (1u << EXC_LOAD_PAGE) | (1u << EXC_STORE_PAGE));
  csr_write(mideleg, 0);
  csr_write(mie, 0);

  /* 3. Zicbom for HS-mode: without menvcfg.CBCFE, cbo.flush below M is an illegal instruction. */
  csr_write(menvcfg, MENVCFG_CBCFE);

  /* 4. Drop to HS-mode: mret goes to privilege MPP=S with V=MPV=0, at mepc. */
  csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MIE);
  csr_set(mstatus, MSTATUS_MPP_S);
  csr_clear(mstatush, MSTATUSH_MPV);
  csr_write(mepc, (u32)(uintptr_t)hs_start);
  __asm__ volatile("mret");
  __builtin_unreachable();
}

/* Every trap that reaches M-mode is a bug or a missing device. */
void m_trap(void) {
  u32 cause = csr_read(mcause), tval = csr_read(mtval);

  if ((cause == EXC_LOAD_ACCESS || cause == EXC_STORE_ACCESS) && tval - SP_BASE < PAGE) {
    /* The hypervisor's first look at the secure processor (sp_probe) found no device there: QEMU's
     * virt board has none, and vmscope has one only when asked for. */
    hv_printf("[fw] no secure processor at %x: run this on vmscope with the secure-processor feature:\n"
              "[fw]   vmscope run cvm.elf --config cvm.vmscope.json\n", SP_BASE);
    hv_exit(5);
  }

  /* Anything else: say where it happened and power off with a failure code. */
  u32 mpv = (csr_read(mstatush) & MSTATUSH_MPV) ? 1 : 0;
  u32 mpp = (csr_read(mstatus) & MSTATUS_MPP) >> 11;
  hv_printf("[fw] unexpected trap in M-mode: mcause=%x mepc=%x mtval=%x MPP=%u MPV=%u\n", cause,
            csr_read(mepc), tval, mpp, mpv);
  hv_exit(3);
}
