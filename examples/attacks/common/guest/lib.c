/* examples/attacks guests: the VS-stage page table, requests through the shared page, output. */
#include "guest.h"

#define PTE_LEAF_RWX 0xcfu        /* V R W X A D (a supervisor page; A and D preset) */
#define CBIT_PPN (1u << 21)       /* GPA bit 33 in a PTE's PPN: the C-bit (cvm-model 2.1) */
#define MEGA_PTE(gpa, c) ((((gpa) >> 12 | ((c) ? CBIT_PPN : 0)) << 10) | PTE_LEAF_RWX)

/* Sv32 root: two 4 MiB megapages. Read by the hardware's VS-stage walk, which is always private. */
const u32 vs_root[1024] __attribute__((aligned(4096))) = {
  [GUEST_RAM_GPA >> 22] = MEGA_PTE(GUEST_RAM_GPA, 1), /* VA 0x80000000: private RAM, C = 1 */
  [GHCB_VA >> 22] = MEGA_PTE(GHCB_GPA, 0),            /* VA 0x80400000: the shared page, C = 0 */
};

void *memcpy(void *d, const void *s, unsigned n) {
  u8 *p = d;
  const u8 *q = s;
  while (n--) *p++ = *q++;
  return d;
}

int memcmp(const void *a, const void *b, unsigned n) {
  const u8 *p = a, *q = b;
  for (; n--; p++, q++)
    if (*p != *q) return *p < *q ? -1 : 1;
  return 0;
}

struct out {
  char *buf;
  u32 len;
};

static void put(struct out *o, char c) {
  if (o->len < GHCB_MSG - 1) o->buf[o->len++] = c;
}

static void put_num(struct out *o, u32 v, unsigned base) {
  char buf[12];
  int n = 0;
  do {
    buf[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  while (n) put(o, buf[--n]);
}

void say(const char *fmt, ...) {
  char line[GHCB_MSG];
  struct out o = {line, 0};
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(&o, *fmt);
      continue;
    }
    switch (*++fmt) {
      case 'c': put(&o, (char)va_arg(ap, int)); break;
      case 's':
        for (const char *s = va_arg(ap, const char *); *s; s++) put(&o, *s);
        break;
      case 'u': put_num(&o, va_arg(ap, u32), 10); break;
      case 'x': put_num(&o, va_arg(ap, u32), 16); break;
      case 0: fmt--; break;
      default: put(&o, *fmt); break;
    }
  }
  va_end(ap);
  line[o.len] = 0;
  for (u32 i = 0; i <= o.len; i++) ghcb()->msg[i] = line[i];
  vmgexit(REQ_PRINT);
}

void step(u32 n, u32 arg1, u32 arg2) {
  ghcb()->arg[0] = n;
  ghcb()->arg[1] = arg1;
  ghcb()->arg[2] = arg2;
  vmgexit(REQ_STEP);
}

void disclose(const void *p, u32 n) {
  const u8 *b = p;
  for (u32 i = 0; i < n && i < GHCB_DATA; i++) ghcb()->data[i] = b[i];
}

void guest_done(void) {
  for (;;) vmgexit(REQ_DONE);
}
