/*
 * examples/attacks: the M-mode firmware. It prepares HS-mode and leaves (no timer, no SBI):
 *   1. PMP: one entry granting everything to S and U (QEMU and vmscope deny S/U all memory without one).
 *   2. Delegation: every exception a guest or the hypervisor can cause goes to HS-mode, including the
 *      integrity fault (cause 25, emulator/cvm/README.md: "can be delegated with medeleg bit 25").
 *   3. Counters: HS may read cycle, time and instret (the cache-probing attack times with rdcycle).
 *   4. Cache operations: menvcfg lets HS run cbo.clean / cbo.flush / cbo.inval (Zicbom, privileged
 *      spec 3.1.18).
 *   5. mret to hs_start in HS-mode.
 */
#include "hv.h"

#define PMP_NAPOT_RWX 0x1fu
#define MENVCFG_CBIE (3u << 4) /* cbo.inval invalidates */
#define MENVCFG_CBCFE (1u << 6)

static const u32 delegated[] = {
  0, 1, 2, 3, 4, 5, 6, 7,  /* misaligned, access faults, illegal instruction, breakpoint */
  8, 10,                   /* ecall from U and from VS (a guest's request = VM exit) */
  12, 13, 15,              /* page faults (the guest's own VS-stage table) */
  EXC_INST_GUEST_PAGE, EXC_LOAD_GUEST_PAGE, EXC_VIRTUAL_INSN, EXC_STORE_GUEST_PAGE,
  EXC_INTEGRITY,
};

void firmware_main(void) {
  csr_write(pmpaddr0, 0xffffffffu);
  csr_write(pmpcfg0, PMP_NAPOT_RWX);
  u32 medeleg = 0;
  for (u32 i = 0; i < sizeof delegated / sizeof delegated[0]; i++) medeleg |= 1u << delegated[i];
  csr_write(medeleg, medeleg);
  if (!(csr_read(medeleg) & (1u << EXC_INTEGRITY))) /* WARL: a hart without the cause keeps the bit 0 */
    hv_printf("[fw] medeleg bit 25 does not stick: integrity faults will stop in M-mode, not reach the hypervisor\n");
  csr_write(mideleg, 0);
  csr_write(mie, 0);
  csr_write(mcounteren, 7); /* CY, TM, IR */
  csr_write(menvcfg, MENVCFG_CBIE | MENVCFG_CBCFE);

  csr_clear(mstatus, MSTATUS_MPP);
  csr_set(mstatus, MSTATUS_MPP_S);
  csr_clear(mstatush, MSTATUSH_MPV);
  extern char hs_start[];
  csr_write(mepc, (u32)(uintptr_t)hs_start);
  __asm__ volatile("mret");
  __builtin_unreachable();
}

/* Nothing is meant to reach M-mode: say what did and power off with code 3. */
void m_trap(void) {
  hv_printf("[fw] unexpected trap in M-mode: mcause=%x mepc=%x mtval=%x\n", csr_read(mcause), csr_read(mepc),
            csr_read(mtval));
  hv_exit(3);
}
