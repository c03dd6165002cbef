/*
 * exitcode: exits with a non-zero code on purpose, to check that the guest's exit code reaches the
 * host (SiFive test finisher: (42 << 16) | 0x3333). Called from a nested function; main never returns.
 */
#include "rt.h"

#pragma GCC diagnostic ignored "-Winfinite-recursion"

static void __attribute__((noinline)) fail_deeply(int depth, int code) {
  if (depth > 0) {
    fail_deeply(depth - 1, code);
    return;
  }
  printf("exiting with code %d from depth 5\n", code);
  exit(code);
}

int main(void) {
  printf("exitcode: this program fails on purpose\n");
  fail_deeply(5, 42);
  printf("not reached\n");
  return 0;
}
