/*
 * Guest b: says hello through both output paths, builds a table in memory it has never used (the
 * hypervisor maps it on demand), then prints a line per time slice, yielding (wfi) in between.
 * Guest a computes all that time without yielding, so every one of these lines means the timer
 * took the CPU away from guest a.
 */
#include "guest.h"

#define TABLE ((volatile u32 *)0x800c0ffcu) /* straddles two pages: two lazy mappings */
#define TICKS 5

int main(void) {
  say("hello from guest b (VS-mode, VMID 2)\n");
  dev_say("guest b has its own copy of the device, id %x\n", VDEV_ID);

  u32 pages_before = VDEV_PAGES;
  TABLE[0] = 0;
  TABLE[1] = 1;
  for (u32 i = 2; i < 40; i++) TABLE[i] = TABLE[i - 1] + TABLE[i - 2];
  say("fib(39) = %u from a table across 2 fresh pages (%u mapped)\n", TABLE[39], VDEV_PAGES - pages_before);

  yield();

  for (u32 i = 1; i <= TICKS; i++) {
    say("slice %u: guest a is busy, but the timer gave me the CPU\n", i);
    yield(); /* sleep until the next tick */
  }
  say("bye\n");
  return 0;
}
