/* The cvm guest: SBI calls and printf-style output (as examples/minivisor/guest/lib.c). Every
 * character goes to the hypervisor in a0: at this protection level, registers are not protected. */
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

struct sbiret sbi_vmscope(u32 fid, u32 arg) {
  register u32 a0 __asm__("a0") = arg;
  register u32 a1 __asm__("a1");
  register u32 a6 __asm__("a6") = fid;
  register u32 a7 __asm__("a7") = SBI_EXT_VMSCOPE;
  __asm__ volatile("ecall" : "+r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
  return (struct sbiret){a0, a1};
}

static void put_num(u32 v, unsigned base) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n) sbi_console_putchar(buf[--n]);
}

void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      sbi_console_putchar(*fmt);
      continue;
    }
    switch (*++fmt) {
      case 'c': sbi_console_putchar(va_arg(ap, int)); break;
      case 's':
        for (const char *s = va_arg(ap, const char *); *s; s++) sbi_console_putchar(*s);
        break;
      case 'd': {
        int v = va_arg(ap, int);
        if (v < 0) sbi_console_putchar('-');
        put_num(v < 0 ? (u32)0 - (u32)v : (u32)v, 10);
        break;
      }
      case 'u': put_num(va_arg(ap, u32), 10); break;
      case 'x': put_num(va_arg(ap, u32), 16); break;
      case 0: va_end(ap); return;
      default: sbi_console_putchar(*fmt); break;
    }
  }
  va_end(ap);
}

void say_hex(const volatile u8 *p, u32 n) {
  while (n--) {
    u8 b = *p++;
    sbi_console_putchar("0123456789abcdef"[b >> 4]);
    sbi_console_putchar("0123456789abcdef"[b & 15]);
  }
}
