/* examples/attacks: the hypervisor's console (the UART is the hypervisor's alone), exit, mem*. */
#include "hv.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

void hv_putc(int c) {
  while (!(MMIO8(UART0_BASE + UART_LSR) & LSR_THRE)) {
  }
  MMIO8(UART0_BASE + UART_THR) = (u8)c;
}

void hv_puts(const char *s) {
  while (*s) hv_putc(*s++);
}

static void put_num(u32 v, unsigned base, int width, int zero) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  for (int len = n; len < width; len++) hv_putc(zero ? '0' : ' ');
  while (n) hv_putc(buf[--n]);
}

static void hv_vprintf(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      hv_putc(*fmt);
      continue;
    }
    fmt++;
    int zero = 0, width = 0;
    if (*fmt == '0') {
      zero = 1;
      fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    switch (*fmt) {
      case 'c': hv_putc(va_arg(ap, int)); break;
      case 's': hv_puts(va_arg(ap, const char *)); break;
      case 'd': {
        int v = va_arg(ap, int);
        if (v < 0) {
          hv_putc('-');
          v = -v;
        }
        put_num((u32)v, 10, width, zero);
        break;
      }
      case 'u': put_num(va_arg(ap, u32), 10, width, zero); break;
      case 'x': put_num(va_arg(ap, u32), 16, width, zero); break;
      case 0: return;
      default: hv_putc(*fmt); break;
    }
  }
}

int hv_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hv_vprintf(fmt, ap);
  va_end(ap);
  return 0;
}

void hv_hex(const void *p, u32 n) {
  const u8 *b = p;
  for (u32 i = 0; i < n; i++) put_num(b[i], 16, 2, 1);
}

void result(const char *attack, enum level level, const char *outcome, const char *fmt, ...) {
  hv_printf("[attack] %s level=%s: %s: ", attack, level_name[level], outcome);
  va_list ap;
  va_start(ap, fmt);
  hv_vprintf(fmt, ap);
  va_end(ap);
  hv_putc('\n');
}

/* Power off through the SiFive test finisher. */
void hv_exit(int code) {
  MMIO32(TEST_FINISHER) = code == 0 ? 0x5555u : ((u32)code << 16) | 0x3333u;
  for (;;) {
  }
}

void *memset(void *d, int c, size_t n) {
  u8 *p = d;
  while (n--) *p++ = (u8)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const u8 *p = a, *q = b;
  for (; n--; p++, q++)
    if (*p != *q) return *p < *q ? -1 : 1;
  return 0;
}
