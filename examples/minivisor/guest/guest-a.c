/*
 * Guest a: says hello through both output paths, touches memory it has never used (the hypervisor
 * maps it on demand), then computes for many time slices without ever yielding: the timer tick is
 * what lets guest b run meanwhile.
 */
#include "guest.h"

#define HEAP ((volatile u32 *)0x80080000u) /* guest RAM no page of the image covers */
#define HEAP_WORDS (4 * 1024)               /* 16 KiB: 4 pages */
#define PRIME_LIMIT 30000u

static u32 count_primes(u32 limit) {
  u32 count = 0;
  for (u32 n = 2; n < limit; n++) {
    u32 d = 2;
    while (d * d <= n && n % d != 0) d++;
    if (d * d > n) count++;
  }
  return count;
}

int main(void) {
  say("hello from guest a (VS-mode, VMID 1)\n");
  dev_say("guest a writes this line to the virtual device, id %x\n", VDEV_ID);

  u32 pages_before = VDEV_PAGES;
  u32 sum = 0;
  for (u32 i = 0; i < HEAP_WORDS; i++) HEAP[i] = i * 3;
  for (u32 i = 0; i < HEAP_WORDS; i++) sum += HEAP[i];
  say("filled 16 KiB at 0x80080000 (sum %u): the hypervisor mapped %u more pages for it\n", sum,
      VDEV_PAGES - pages_before);

  yield(); /* let guest b say hello too */

  say("counting primes below %u without yielding...\n", PRIME_LIMIT);
  u32 n = count_primes(PRIME_LIMIT);
  say("%u primes below %u\n", n, PRIME_LIMIT);
  say("bye\n");
  return 0; /* crt0 calls sbi_shutdown */
}
