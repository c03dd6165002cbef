/*
 * replay (cvm-model 7, row 4): the hypervisor saves 16 bytes of ciphertext of a private page, lets
 * the guest write a new value, and writes the old ciphertext back.
 *
 * XEX is deterministic per (key, address) (cvm-model 3.2): old ciphertext at its own address decrypts
 * to the old plaintext, so encryption alone cannot tell a replayed block from a fresh one, and
 * register protection is about registers. Integrity stops it at the hypervisor's write: the page is
 * assigned to the guest in the RMP, and a host store to an assigned page faults (cause 25, 6.2).
 */
#include "hv.h"

#define NAME "replay"
#define BLOCK 16

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 1");
    return;
  }
  u32 pa = gpa_to_pa(&g, g.ghcb->arg[1]);
  u32 saved[BLOCK / 4];
  memcpy(saved, (const void *)(uintptr_t)pa, BLOCK); /* record (a load: allowed at every level) */
  hv_printf("[hv] saved 16 bytes at host %x: ", pa);
  hv_hex(saved, BLOCK);
  hv_printf("\n");

  if (guest_run_to_step(&g, 2) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 2");
    return;
  }
  hv_printf("[hv] now host %x holds:      ", pa);
  hv_hex((const void *)(uintptr_t)pa, BLOCK);
  hv_printf("\n");
  u32 fault = 0, fault_addr = 0;
  for (u32 i = 0; i < BLOCK / 4 && !fault; i++) { /* the attack: replay, one word at a time */
    fault = hs_try_sw(pa + 4 * i, saved[i]);
    if (fault) fault_addr = csr_read(stval);
  }
  if (fault == EXC_INTEGRITY)
    hv_printf("[hv] writing them back faulted: cause %u at host %x\n", fault, fault_addr);
  else if (fault)
    hv_printf("[hv] writing them back faulted: cause %u at host %x (not an integrity fault)\n", fault, fault_addr);
  else
    hv_printf("[hv] wrote the saved 16 bytes back\n");

  if (guest_run_to_step(&g, 3) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 3");
    return;
  }
  u32 balance = g.ghcb->arg[1];
  if (fault == EXC_INTEGRITY && balance == 0)
    result(NAME, level, "STOPPED", "integrity fault (cause 25) on the hypervisor's write to host %x; the guest read its new balance 0",
           fault_addr);
  else if (!fault && balance == 100)
    result(NAME, level, "SUCCEEDED", "the guest read its old balance 100 after writing 0");
  else
    result(NAME, level, "ERROR", "fault %u, the guest read balance %u", fault, balance);
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor writes old ciphertext back over a private page (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
