/*
 * ciphertext-side-channel guest: walks through the bits of a secret byte, one VM exit per bit, with the
 * current bit in register t3 (x28) at each exit (as a loop over key bits leaves a bit in some register
 * at some exit). t4..t6 are 0 at every exit. The first exit is a public one: t3 = 0 there, and
 * anyone reading the guest's (public) code knows that.
 */
#include "guest.h"
#include "secret.h"

static void exit_with_t3(u32 n, u32 t3) {
  ghcb()->arg[0] = n;
  ghcb()->req = REQ_STEP;
  __asm__ volatile("mv t3, %0\n\tli t4, 0\n\tli t5, 0\n\tli t6, 0\n\tecall" ::"r"(t3) : "t3", "t4", "t5", "t6", "memory");
}

int main(void) {
  say("one exit with t3 = 0, then one per bit of my secret byte, bit in t3");
  exit_with_t3(1, 0);
  for (u32 i = 0; i < 8; i++) exit_with_t3(2 + i, (SECRET_BYTE >> (7 - i)) & 1);
  say("done");
  return 0;
}
