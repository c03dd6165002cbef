/*
 * hello: the program of the walkthrough "Debug your first confidential VM". A bare-metal RV32 program
 * for QEMU's virt board: it writes to the UART (its output appears in the Debug Console) and ends
 * through the SiFive test finisher with main's return value as exit code.
 *
 * Try: a breakpoint on the line in square(), F5, then look at the Call Stack (square <- main),
 * the Registers in the Variables view, step with F10 and open the Disassembly view.
 */
#define UART0 ((volatile unsigned char *)0x10000000)        /* NS16550A: byte 0 is THR */
#define TEST_FINISHER ((volatile unsigned int *)0x00100000) /* SiFive test: pass/fail + code */

static void put_char(char c) {
  *UART0 = (unsigned char)c;
}

static void put_string(const char *s) {
  while (*s) put_char(*s++);
}

static void put_number(unsigned n) {
  char digits[10];
  int i = 0;
  do {
    digits[i++] = (char)('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (i > 0) put_char(digits[--i]);
}

static unsigned square(unsigned n) {
  unsigned result = n * n;
  return result;
}

void exit(int code) {
  /* 0x5555 = pass; (code << 16) | 0x3333 = fail with code. */
  *TEST_FINISHER = code == 0 ? 0x5555 : ((unsigned)code << 16) | 0x3333;
  for (;;) {
  }
}

int main(void) {
  put_string("Hello from RISC-V!\n");
  unsigned sum = 0;
  for (unsigned n = 1; n <= 4; n++) {
    unsigned sq = square(n);
    sum += sq;
    put_number(n);
    put_string(" squared is ");
    put_number(sq);
    put_char('\n');
  }
  put_string("sum of squares: ");
  put_number(sum);
  put_string("\nBye!\n");
  return sum == 30 ? 0 : 1;
}
