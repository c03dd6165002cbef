/*
 * cache-probing guest: one table lookup indexed by a secret, as a T-table AES round or a
 * secret-dependent branch table does. The table is public (it is in the guest's code); the index is
 * not. Which cache line the lookup touches is the leak.
 */
#include "guest.h"
#include "secret.h"

/* 16 entries, one cache line each, in the second half of a private page. */
static volatile u8 table_page[4096] PRIVATE_PAGE;
#define TABLE (&table_page[2048])

int main(void) {
  say("my lookup table is at GPA %x, 16 entries of 64 bytes", (u32)TABLE);
  step(1, (u32)TABLE, 0);              /* the hypervisor primes the cache now */
  (void)TABLE[SECRET_INDEX * TABLE_STRIDE]; /* the secret-dependent access */
  step(2, 0, 0);                       /* ... and probes it now */
  say("done");
  guest_done();
}
