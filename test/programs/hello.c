/* hello: the README demo. A banner, a table of squares and cubes, and the primes below 200. */
#include "rt.h"

static int is_prime(u32 n) {
  if (n < 2) return 0;
  for (u32 d = 2; d * d <= n; d++)
    if (n % d == 0) return 0;
  return 1;
}

int main(void) {
  printf("+----------------------------------------------+\n");
  printf("|  Hello from RISC-V!  rv32imac, machine mode  |\n");
  printf("+----------------------------------------------+\n");
  printf("hart %u, misa 0x%08x\n\n", csr_read(mhartid), csr_read(misa));

  printf("   n |   n^2 |     n^3 | fib(n)\n");
  printf("-----+-------+---------+-------\n");
  u32 a = 0, b = 1;
  for (u32 n = 1; n <= 12; n++) {
    u32 t = a + b;
    a = b;
    b = t;
    printf("%4u | %5u | %7u | %5u\n", n, n * n, n * n * n, a);
  }

  printf("\nprimes below 200:\n");
  u32 count = 0;
  for (u32 n = 2; n < 200; n++) {
    if (!is_prime(n)) continue;
    printf("%4u", n);
    if (++count % 10 == 0) putchar('\n');
  }
  printf("\n%u primes. Bye!\n", count);
  return 0;
}
