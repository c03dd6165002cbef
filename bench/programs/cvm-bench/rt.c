/*
 * cvm-bench: what bench.c needs from rt.h, in the cvm guest. printf knows the conversions bench.c
 * uses (%u, %x, and a zero-padded width: %08x) and prints numbers with the guest's own say()
 * (examples/cvm/guest/lib.c), over the SBI console.
 */
#include "rt.h"

void sbi_console_putchar(int c);        /* examples/cvm/guest/lib.c */
void say(const char *fmt, ...);

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      sbi_console_putchar(*fmt);
      continue;
    }
    int width = 0;
    while (*++fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt - '0');
    if (*fmt != 'u' && *fmt != 'x') break; /* not one of bench.c's: stop rather than misprint */
    u32 v = va_arg(ap, u32);
    unsigned base = *fmt == 'x' ? 16 : 10;
    int digits = 1;
    for (u32 t = v; t >= base; t /= base) digits++;
    for (; width > digits; width--) sbi_console_putchar('0');
    say(*fmt == 'x' ? "%x" : "%u", v);
  }
  va_end(ap);
  return 0;
}

void *memset(void *d, int c, size_t n) {
  uint8_t *p = d;
  while (n--) *p++ = (uint8_t)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  while (n--) *p++ = *q++;
  return d;
}
