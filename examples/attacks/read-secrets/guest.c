/*
 * read-secrets guest: puts a secret into one of its private pages and makes one request. While it
 * waits, the hypervisor reads that page (hv.c).
 */
#include "guest.h"
#include "secret.h"

static char secret_page[4096] PRIVATE_PAGE;

int main(void) {
  memcpy(secret_page, SECRET, SECRET_LEN);
  say("my secret is in my private page at GPA %x", (u32)secret_page);
  step(1, (u32)secret_page, 0); /* the hypervisor acts now */
  say("bye");
  return 0;
}
