/*
 * muldiv: the M extension on edge values: mul/mulh/mulhsu/mulhu/div/divu/rem/remu over a value table
 * (incl. division by zero and INT_MIN / -1), plus self-checks of the spec's special cases
 * (unprivileged spec 13.2). Exit code: number of failed self-checks (0).
 */
#include "rt.h"

static const u32 V[] = {0,           1,          2,          3,           0xffffffffu, 0xfffffffeu,
                        0x80000000u, 0x7fffffffu, 0x80000001u, 0x12345678u, 0xfedcba98u, 0x0000ffffu,
                        0x00010000u, 7};
#define NV (sizeof V / sizeof V[0])

#define RR(op)                                                      \
  static u32 op##_rr(u32 a, u32 b) {                                \
    u32 r;                                                          \
    __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
    return r;                                                       \
  }
RR(mul) RR(mulh) RR(mulhsu) RR(mulhu) RR(div) RR(divu) RR(rem) RR(remu)

typedef u32 (*rr_fn)(u32, u32);
static const struct { const char *name; rr_fn fn; } OPS[] = {
    {"mul", mul_rr}, {"mulh", mulh_rr}, {"mulhsu", mulhsu_rr}, {"mulhu", mulhu_rr},
    {"div", div_rr}, {"divu", divu_rr}, {"rem", rem_rr},       {"remu", remu_rr},
};

static int failures;
static void check(const char *what, u32 got, u32 want) {
  if (got != want) {
    printf("FAIL %s: got 0x%08x want 0x%08x\n", what, got, want);
    failures++;
  }
}

int main(void) {
  printf("muldiv: rows a, columns b =");
  for (unsigned i = 0; i < NV; i++) printf(" %08x", V[i]);
  putchar('\n');
  for (unsigned op = 0; op < sizeof OPS / sizeof OPS[0]; op++) {
    u32 sum = 0;
    for (unsigned i = 0; i < NV; i++) {
      printf("%-6s %08x:", OPS[op].name, V[i]);
      for (unsigned j = 0; j < NV; j++) {
        u32 r = OPS[op].fn(V[i], V[j]);
        sum = sum * 31 + r;
        printf(" %08x", r);
      }
      putchar('\n');
    }
    printf("%-6s checksum %08x\n", OPS[op].name, sum);
  }

  /* the special cases, by name */
  check("div x/0", div_rr(12345, 0), 0xffffffffu);
  check("div -x/0", div_rr((u32)-12345, 0), 0xffffffffu);
  check("divu x/0", divu_rr(12345, 0), 0xffffffffu);
  check("rem x%0", rem_rr((u32)-12345, 0), (u32)-12345);
  check("remu x%0", remu_rr(12345, 0), 12345);
  check("div INT_MIN/-1", div_rr(0x80000000u, 0xffffffffu), 0x80000000u);
  check("rem INT_MIN%-1", rem_rr(0x80000000u, 0xffffffffu), 0);
  check("div -7/2", div_rr((u32)-7, 2), (u32)-3);
  check("rem -7%2", rem_rr((u32)-7, 2), (u32)-1);
  check("rem 7%-2", rem_rr(7, (u32)-2), 1);
  check("mulh -1*-1", mulh_rr(0xffffffffu, 0xffffffffu), 0);
  check("mulhu -1*-1", mulhu_rr(0xffffffffu, 0xffffffffu), 0xfffffffeu);
  check("mulhsu -1*-1", mulhsu_rr(0xffffffffu, 0xffffffffu), 0xffffffffu);
  check("mulhsu INT_MIN*2^31", mulhsu_rr(0x80000000u, 0x80000000u), 0xc0000000u);
  check("mulh INT_MIN*INT_MIN", mulh_rr(0x80000000u, 0x80000000u), 0x40000000u);
  check("mul low", mul_rr(0x12345678u, 0x9abcdef0u), 0x242d2080u);

  /* rd aliasing a source: the result must use the old source values */
  u32 a = 0x10001, b = 0x30003;
  __asm__ volatile("mulhu %0, %0, %1" : "+r"(a) : "r"(b));
  printf("mulhu rd==rs1: %08x\n", a);
  check("mulhu rd==rs1", a, 3);
  a = 100;
  __asm__ volatile("div %0, %1, %0" : "+r"(a) : "r"(1000));
  printf("div rd==rs2: %u\n", a);
  check("div rd==rs2", a, 10);

  /* a mixed loop: 64-bit products via libgcc-free mul/mulhu, then division back */
  u32 x = 0x9e3779b9u, acc = 0;
  for (int i = 0; i < 64; i++) {
    u32 lo = mul_rr(x, 0x85ebca6bu), hi = mulhu_rr(x, 0x85ebca6bu);
    acc ^= lo + hi;
    acc += divu_rr(acc | 1, (x >> 7) | 1) + remu_rr(acc, (hi | 3));
    acc ^= (u32)div_rr(acc, 0xfffffff9u) + (u32)rem_rr(acc, 13);
    x = x * 1664525u + 1013904223u;
  }
  printf("mixed loop: %08x\n", acc);
  printf("muldiv done, %d failures\n", failures);
  return failures;
}
