/* minivisor guests: SBI calls and printf-style output. */
#include "guest.h"

static u32 sbi_call(u32 ext, u32 arg0) {
  register u32 a0 __asm__("a0") = arg0;
  register u32 a7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

void sbi_console_putchar(int c) { sbi_call(0x01, (u32)c); }

void sbi_shutdown(void) {
  sbi_call(0x08, 0);
  for (;;) {
  }
}

static void dev_putchar(int c) { VDEV_TX = (uint8_t)c; }

static void put_num(void (*put)(int), u32 v, unsigned base) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n) put(buf[--n]);
}

static void vformat(void (*put)(int), const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(*fmt);
      continue;
    }
    switch (*++fmt) {
      case 'c': put(va_arg(ap, int)); break;
      case 's':
        for (const char *s = va_arg(ap, const char *); *s; s++) put(*s);
        break;
      case 'd': {
        int v = va_arg(ap, int);
        if (v < 0) put('-');
        put_num(put, v < 0 ? (u32)0 - (u32)v : (u32)v, 10);
        break;
      }
      case 'u': put_num(put, va_arg(ap, u32), 10); break;
      case 'x': put_num(put, va_arg(ap, u32), 16); break;
      case 0: return;
      default: put(*fmt); break;
    }
  }
}

void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(sbi_console_putchar, fmt, ap);
  va_end(ap);
}

void dev_say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(dev_putchar, fmt, ap);
  va_end(ap);
}
