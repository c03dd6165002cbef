/*
 * remapping (cvm-model 7, row 3; SEVered, Morbitzer et al. 2018): the hypervisor re-points the
 * G-stage PTE of the guest's public page A to the host page behind its private page B, and asks the
 * guest's own service for page A.
 *
 * The encryption tweak is the system physical address (cvm-model 3.2), and the G-stage walk ends at
 * B's host page: the guest's load decrypts B's ciphertext at B's own address, with its own key, into
 * B's plaintext. Encryption and register protection do not notice. Integrity does: the RMP entry of
 * B's host page says "GPA of page B", the walk says "GPA of page A", and the access faults (cause 25)
 * before any byte moves (cvm-model 6.2).
 */
#include "hv.h"
#include "pages.h"

#define NAME "remapping"

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 1");
    return;
  }
  u32 gpa_a = g.ghcb->arg[1], gpa_b = g.ghcb->arg[2];
  u32 *pte_a = gstage_pte(&g, gpa_a);
  u32 saved = *pte_a;
  *pte_a = *gstage_pte(&g, gpa_b); /* the attack: page A now maps B's host page */
  cache_flush_range((u32)(uintptr_t)pte_a, 4);
  gstage_fence();
  hv_printf("[hv] G-stage PTE of GPA %x: host %x -> host %x (the page behind GPA %x)\n", gpa_a,
            PTE_PPN(saved) << 12, PTE_PPN(*pte_a) << 12, gpa_b);

  u32 cause = guest_run_to_step(&g, 2);
  if (cause == 0) {
    const char *served = (const char *)g.ghcb->data;
    if (memcmp(served, PAGE_B_TEXT, TEXT_LEN) == 0)
      result(NAME, level, "SUCCEEDED", "the guest served page B's plaintext \"%s\" as page A", served);
    else
      result(NAME, level, "ERROR", "the guest served something else");
  } else if (cause == EXC_INTEGRITY) {
    result(NAME, level, "STOPPED", "integrity fault (cause 25) on the guest's access to GPA %x: the RMP binds host %x to GPA %x",
           csr_read(htval) << 2, PTE_PPN(*pte_a) << 12, gpa_b);
    /* Put the mapping back: the guest retries its load and goes on, unharmed. */
    *pte_a = saved;
    cache_flush_range((u32)(uintptr_t)pte_a, 4);
    gstage_fence();
    if (guest_run_to_step(&g, 2) != 0) result(NAME, level, "ERROR", "the guest did not recover");
  } else {
    result(NAME, level, "ERROR", "unexpected VM exit");
    return;
  }
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor maps one private page of its guest in place of another (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
