/*
 * cachewarp (cvm-model 7, row 6; CacheWarp, Zhang et al. USENIX Security 2024): the hypervisor drops
 * every cache line without write-back (cinval.all, INVD-like, cvm-model 4.3) while the guest has a
 * dirty line: the guest's last store is lost and it reads the older value from DRAM.
 *
 * Caches hold plaintext and write back through the encryption engine (cvm-model 3.1); an INVD drops
 * the plaintext before it is written, so the DRAM ciphertext is the old, valid one. Encryption has
 * nothing to object to, register protection is about registers, and the RMP checks accesses, not
 * lost write-backs. Nothing in the base model stops it: a fix is a feature to prototype (AMD's is a
 * microcode patch making INVD a WBINVD while SEV-SNP guests run).
 */
#include "hv.h"

#define NAME "cachewarp"

static inline void cinval_all(void) {
  __asm__ volatile(".insn r 0x0b, 0, 2, x0, x0, x0" ::: "memory"); /* cinval.all (custom-0, funct7 2) */
}

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 1");
    return;
  }
  u32 wrote = g.ghcb->arg[1];
  hv_printf("[hv] the guest wrote %u; dropping every cache line without write-back (cinval.all)\n", wrote);
  cache_writeback_hv(); /* the hypervisor keeps its own dirty data: it writes it back first */
  cinval_all();         /* the attack */
  if (guest_run_to_step(&g, 2) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 2");
    return;
  }
  u32 now = g.ghcb->arg[1];
  if (now == wrote + 1)
    result(NAME, level, level == LEVEL_NONE ? "SUCCEEDED" : "NOT-STOPPED",
           "the guest's store of %u was dropped with its dirty line: it reads %u again", wrote, now);
  else if (now == wrote)
    result(NAME, level, "ERROR", "the guest's store of %u survived", wrote);
  else
    result(NAME, level, "ERROR", "the guest read %u", now);
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor drops the guest's dirty cache lines (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
