/*
 * replay guest: keeps a balance in a private page, spends it, and reads it back. Between its steps
 * the hypervisor records and replays the page's ciphertext (hv.c).
 */
#include "guest.h"

static volatile u32 wallet[1024] PRIVATE_PAGE;

int main(void) {
  u32 gpa = (u32)&wallet[0];
  wallet[0] = 100;
  say("balance = %u, in my private page at GPA %x", wallet[0], gpa);
  step(1, gpa, 0);
  wallet[0] = 0;
  say("spent it all: balance = %u", wallet[0]);
  step(2, gpa, 0);
  u32 balance = wallet[0];
  say("balance = %u", balance);
  step(3, balance, 0);
  return 0;
}
