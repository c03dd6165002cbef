/*
 * Guest for the debug adapter tests (test/dap/). Built at -O0 with frame pointers so that every
 * source line has its own instructions; the tests find lines by the LINE-* markers, not by number.
 */
#include "rt.h"

volatile int counter;   /* data breakpoint target */
int values[8];

static int square(int x) {
  int r = x * x;         /* LINE-SQUARE */
  return r;              /* LINE-SQUARE-RET */
}

int accumulate(int n) {
  int sum = 0;           /* LINE-ACC-START */
  for (int i = 0; i < n; i++) {
    sum += square(i);    /* LINE-CALL */
    counter = counter + 1; /* LINE-COUNTER */
  }
  return sum;            /* LINE-ACC-RET */
}

void spin(void) {
  for (;;) counter = counter + 1;  /* LINE-SPIN */
}

int main(void) {
  int total = accumulate(5);   /* LINE-MAIN-CALL */
  values[0] = total;           /* LINE-MAIN-STORE */
  printf("total %d\n", total);
  if (values[1] == 0x5a) spin(); /* LINE-MAIN-SPIN */
  return total == 30 ? 0 : 1;
}
