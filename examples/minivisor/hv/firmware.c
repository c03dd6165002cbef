/*
 * minivisor, part 1: the M-mode firmware (a tiny stand-in for OpenSBI).
 *
 * M-mode is the only mode that can program PMP, the trap delegation registers and the CLINT timer.
 * It does just enough to let the hypervisor run in HS-mode and then stays out of the way:
 *   1. PMP: one entry granting everything (QEMU 7.2 denies S/U-mode all memory without one).
 *   2. Delegation: the traps the hypervisor must see (VM exits: ecall from VS, guest page faults,
 *      virtual instruction) and the supervisor timer interrupt go straight to HS-mode.
 *   3. mret to hs_start (start.S, then hs_main) in HS-mode (MPP=S, MPV=0).
 * Afterwards it only serves one SBI call from the hypervisor, set_timer, and the machine timer
 * interrupt.
 *
 * Timer design (no Sstc, so only M-mode can program mtimecmp): the classic SBI scheme.
 *   - HS calls SBI set_timer(deadline): M writes mtimecmp, clears the forwarded STIP and enables MTIE.
 *   - When mtime reaches mtimecmp, MTIP interrupts whatever runs (HS or a guest: interrupts for M
 *     are always enabled below M). M sets mip.STIP (writable by M when Sstc is off) and disables
 *     MTIE so the still-pending MTIP does not fire again, then mrets. The pending STIP is delegated
 *     to HS (mideleg), so it traps into the hypervisor as soon as HS can take it: at once if a guest
 *     was running, or when the hypervisor next runs a guest or waits in wfi.
 *   - The hypervisor's next set_timer clears STIP again.
 * A supervisor timer interrupt (rather than a software one) is the simplest correct choice: it is
 * exactly the interrupt HS would get from the hardware with Sstc, and the same SBI call both
 * acknowledges it and arms the next one.
 */
#include "hv.h"

void m_trap(u32 *regs);

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_NAPOT 0x18

void firmware_main(void) {
  hv_printf("[fw] M-mode: PMP, delegation, timer; entering HS-mode\n");
  if (!(csr_read(misa) & (1u << ('h' - 'a')))) {
    /* Without H there is no HS-mode, no hgatp, no VS-mode: nothing below can work. */
    hv_printf("[fw] this hart has no hypervisor extension (misa bit 7 is clear); "
              "on QEMU use -cpu rv32,h=true\n");
    hv_exit(4);
  }

  /* 1. PMP entry 0: NAPOT over the whole address space, RWX, for S and U (and so for VS/VU). */
  csr_write(pmpaddr0, 0xffffffffu);
  csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);

  /* 2. Delegation to HS-mode. The VM exits the hypervisor handles; any other exception (a bug in
   *    the hypervisor) stays in M-mode and is reported by m_trap. */
  csr_write(medeleg, (1u << EXC_ECALL_VS) | (1u << EXC_INST_GUEST_PAGE) | (1u << EXC_LOAD_GUEST_PAGE) |
                         (1u << EXC_VIRTUAL_INSN) | (1u << EXC_STORE_GUEST_PAGE));
  /* Supervisor timer interrupt (forwarded by m_trap from MTIP). The VS-level interrupt bits of
   * mideleg are read-only ones when H is present. */
  csr_write(mideleg, MIP_STIP);
  csr_write(mie, 0);             /* MTIE is enabled by the first set_timer */
  csr_write(mcounteren, 1u << 1); /* the hypervisor may read `time` (rdtime) */

  /* 3. Drop to HS-mode: mret goes to privilege MPP=S with V=MPV=0, at mepc. */
  csr_clear(mstatus, MSTATUS_MPP | MSTATUS_MIE);
  csr_set(mstatus, MSTATUS_MPP_S);
  csr_clear(mstatush, MSTATUSH_MPV);
  csr_write(mepc, (u32)(uintptr_t)hs_start);
  __asm__ volatile("mret");
  __builtin_unreachable();
}

static void set_mtimecmp(u64 t) {
  /* RV32: write the high half last, with the low half first made the maximum, so that the 64-bit
   * comparand never passes through a value below both the old and the new deadline. */
  MMIO32(CLINT_MTIMECMP + 4) = 0xffffffffu;
  MMIO32(CLINT_MTIMECMP) = (u32)t;
  MMIO32(CLINT_MTIMECMP + 4) = (u32)(t >> 32);
}

/* Every trap that reaches M-mode. regs[i] = xi at the trap; changes are written back before mret. */
void m_trap(u32 *regs) {
  u32 cause = csr_read(mcause);

  if (cause == (CAUSE_INTERRUPT | IRQ_M_TIMER)) {
    /* The hardware: mtime >= mtimecmp with MTIE=1 interrupted HS or a guest (mepc = where).
     * We: forward it to the hypervisor as a supervisor timer interrupt, and mask MTIP until the
     * hypervisor asks for the next deadline. */
    csr_set(mip, MIP_STIP);
    csr_clear(mie, MIP_MTIP);
    return;
  }

  if (cause == EXC_ECALL_HS) {
    /* The hardware: the hypervisor executed ecall in HS-mode (mepc = the ecall).
     * We: serve the SBI call in a7 and return after the ecall. */
    u32 ext = regs[17];
    if (ext == SBI_SET_TIMER) {
      set_mtimecmp(((u64)regs[11] << 32) | regs[10]);
      csr_clear(mip, MIP_STIP); /* acknowledge the forwarded tick */
      csr_set(mie, MIP_MTIP);
      regs[10] = 0;
    } else {
      regs[10] = SBI_ERR_NOT_SUPPORTED;
    }
    csr_write(mepc, csr_read(mepc) + 4);
    return;
  }

  /* Anything else is a bug: say where it happened and power off with a failure code. */
  u32 mpv = (csr_read(mstatush) & MSTATUSH_MPV) ? 1 : 0;
  u32 mpp = (csr_read(mstatus) & MSTATUS_MPP) >> 11;
  hv_printf("[fw] unexpected trap in M-mode: mcause=%x mepc=%x mtval=%x MPP=%u MPV=%u\n", cause,
            csr_read(mepc), csr_read(mtval), mpp, mpv);
  hv_exit(3);
}
