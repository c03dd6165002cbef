/* vmscope test guests: UART output, printf, exit, default trap handlers, mode switching. */
#include "rt.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

void putchar(int c) {
  while (!(MMIO8(UART0_BASE + UART_LSR) & LSR_THRE)) {
  }
  MMIO8(UART0_BASE + UART_THR) = (uint8_t)c;
}

void puts(const char *s) {
  while (*s) putchar(*s++);
}

static void put_num(u32 v, unsigned base, int upper, int neg, int width, int zero, int left) {
  char buf[12];
  int n = 0;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    buf[n++] = digits[v % base];
    v /= base;
  } while (v);
  int len = n + (neg ? 1 : 0);
  if (!left && !zero)
    for (; len < width; len++) putchar(' ');
  if (neg) putchar('-');
  if (!left && zero)
    for (; len < width; len++) putchar('0');
  while (n) putchar(buf[--n]);
  if (left)
    for (; len < width; len++) putchar(' ');
}

int vprintf(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      putchar(*fmt);
      continue;
    }
    fmt++;
    int zero = 0, left = 0, width = 0;
    for (;; fmt++) {
      if (*fmt == '0') zero = 1;
      else if (*fmt == '-') left = 1;
      else break;
    }
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') fmt++;
    switch (*fmt) {
      case '%': putchar('%'); break;
      case 'c': putchar(va_arg(ap, int)); break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        int len = (int)strlen(s);
        if (!left)
          for (; len < width; len++) putchar(' ');
        puts(s);
        if (left)
          for (; len < width; len++) putchar(' ');
        break;
      }
      case 'd':
      case 'i': {
        i32 v = va_arg(ap, i32);
        put_num(v < 0 ? (u32)0 - (u32)v : (u32)v, 10, 0, v < 0, width, zero, left);
        break;
      }
      case 'u': put_num(va_arg(ap, u32), 10, 0, 0, width, zero, left); break;
      case 'x': put_num(va_arg(ap, u32), 16, 0, 0, width, zero, left); break;
      case 'X': put_num(va_arg(ap, u32), 16, 1, 0, width, zero, left); break;
      case 'p':
        puts("0x");
        put_num(va_arg(ap, u32), 16, 0, 0, 8, 1, 0);
        break;
      case 0: return 0;
      default: putchar('%'); putchar(*fmt); break;
    }
  }
  return 0;
}

int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  return 0;
}

void print_hex(u32 v) { printf("0x%08x", v); }
void print_dec(i32 v) { printf("%d", v); }

void exit(int code) {
  MMIO32(TEST_FINISHER) = code == 0 ? 0x5555u : (((u32)code << 16) | 0x3333u);
  for (;;) __asm__ volatile("wfi");
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

void *memmove(void *d, const void *s, size_t n) {
  uint8_t *p = d;
  const uint8_t *q = s;
  if (p < q) {
    while (n--) *p++ = *q++;
  } else {
    while (n--) p[n] = q[n];
  }
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *p = a, *q = b;
  for (; n; n--, p++, q++)
    if (*p != *q) return *p - *q;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* ---- traps ---- */

int (*m_trap_hook)(struct trap_frame *f);
extern u32 rt_saved_sp;   /* crt0.S: sp of the M-mode caller of run_in_mode */

static void unexpected(const char *who, struct trap_frame *f) {
  printf("\n!! unexpected %s trap: cause=0x%08x epc=0x%08x tval=0x%08x status=0x%08x\n", who, f->cause,
         f->epc, f->tval, f->status);
}

__attribute__((weak)) void m_trap_handler(struct trap_frame *f) {
  u32 cause = f->cause;
  u32 mpp = (f->status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
  if (m_trap_hook && m_trap_hook(f)) return;
  if ((cause == 8 || cause == 9) && f->x[17] == ECALL_RETURN && mpp != PRV_M) {
    /* back from run_in_mode: result in a0; resume M-mode after the mret in run_in_mode */
    /* back from run_in_mode: the result stays in a0; resume M-mode at rt_mode_resume */
    extern char rt_mode_resume[];
    f->epc = (u32)(uintptr_t)rt_mode_resume;
    f->status = (f->status & ~MSTATUS_MPP) | (PRV_M << MSTATUS_MPP_SHIFT);
    f->x[2] = rt_saved_sp;
    return;
  }
  unexpected("M", f);
  exit(99);
}

__attribute__((weak)) void s_trap_handler(struct trap_frame *f) {
  unexpected("S", f);
  /* S cannot exit by itself on all machines? It can: the test finisher is plain MMIO (PMP allows). */
  exit(98);
}

__attribute__((weak)) void hart_main(u32 hartid) {
  (void)hartid;
  for (;;) __asm__ volatile("wfi");
}

void pmp_allow_all(void) {
  /* pmpaddr0 = all ones with NAPOT: covers 2^34 bytes (the whole space); pmpcfg0.entry0 = NAPOT|RWX */
  csr_write(pmpaddr0, 0xffffffffu);
  csr_write(pmpcfg0, 0x1fu);
}
