/*
 * register-tampering guest: keeps its balance in register s1 across a VM exit, as any compiled code
 * keeps values in callee-saved registers across calls, then reports what s1 holds afterwards.
 */
#include "guest.h"

int main(void) {
  register u32 balance __asm__("s1") = 100;
  say("balance = %u, in register s1", balance);
  ghcb()->arg[0] = 1;
  ghcb()->req = REQ_STEP;
  __asm__ volatile("ecall" : "+r"(balance)::"memory"); /* step 1: the hypervisor acts now */
  say("after the exit: balance = %u", balance);
  step(2, balance, 0);
  return 0;
}
