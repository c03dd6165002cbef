/*
 * remapping guest: a tiny "service" that hands out the content of its public page A to anyone who
 * asks, and keeps a key in its private page B. Both are private (encrypted) launch pages; A is public
 * only in the sense that the guest chooses to disclose it (SEVered: a web server serving a file).
 */
#include "guest.h"
#include "pages.h"

static char page_a[4096] PRIVATE_PAGE;
static char page_b[4096] PRIVATE_PAGE;

int main(void) {
  memcpy(page_a, PAGE_A_TEXT, TEXT_LEN);
  memcpy(page_b, PAGE_B_TEXT, TEXT_LEN);
  say("page A (GPA %x) is public, page B (GPA %x) holds my key", (u32)page_a, (u32)page_b);
  step(1, (u32)page_a, (u32)page_b); /* the hypervisor acts now */

  /* A request comes in: serve page A. */
  char served[TEXT_LEN];
  memcpy(served, page_a, TEXT_LEN);
  served[TEXT_LEN - 1] = 0;
  disclose(served, TEXT_LEN);
  say("serving page A: \"%s\"", served);
  step(2, 0, 0);
  return 0;
}
