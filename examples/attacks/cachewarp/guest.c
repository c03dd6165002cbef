/*
 * cachewarp guest: a PIN check with a limited number of attempts. The counter starts at 3 (launch
 * data, so it is in DRAM) and goes down by one on every wrong PIN.
 */
#include "guest.h"

static volatile u32 attempts_page[1024] PRIVATE_PAGE = {3};
#define ATTEMPTS attempts_page[0]

int main(void) {
  say("PIN attempts left: %u (GPA %x)", ATTEMPTS, (u32)&ATTEMPTS);
  /* A wrong PIN: one attempt fewer, then the hypervisor is told (and acts). The store and the exit are
   * one asm block so that nothing else the guest writes is in flight. */
  u32 left = ATTEMPTS - 1;
  ghcb()->arg[0] = 1;
  ghcb()->arg[1] = left;
  ghcb()->req = REQ_STEP;
  __asm__ volatile("sw %0, 0(%1)\n\tecall" ::"r"(left), "r"(&ATTEMPTS) : "memory");
  u32 now = ATTEMPTS;
  say("wrong PIN: attempts left: %u", now);
  step(2, now, 0);
  guest_done();
}
