/*
 * alu: RV32I integer instructions on edge values: register-register and register-immediate ALU ops,
 * shift amounts 0/31/32(masked)/33/-1, slt/sltu signedness, every branch on every value pair,
 * lui/auipc, jal/jalr link values (jalr clears bit 0 of the target), loads with sign/zero
 * extension, partial stores, writes to x0. Exit code: number of failed self-checks (0).
 */
#include "rt.h"

static const u32 V[] = {0, 1, 0xffffffffu, 0x80000000u, 0x7fffffffu, 0x12345678u, 31, 32, 0xfffff800u, 0x55555555u};
#define NV (sizeof V / sizeof V[0])

static int failures;
static void check(const char *what, u32 got, u32 want) {
  if (got != want) {
    printf("FAIL %s: got 0x%08x want 0x%08x\n", what, got, want);
    failures++;
  }
}

#define RR(op)                                                             \
  static u32 op##_rr(u32 a, u32 b) {                                       \
    u32 r;                                                                 \
    __asm__ volatile(#op " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));        \
    return r;                                                              \
  }
RR(add) RR(sub) RR(sll) RR(slt) RR(sltu) RR(xor) RR(srl) RR(sra) RR(or) RR(and)

typedef u32 (*rr_fn)(u32, u32);
static const struct { const char *name; rr_fn fn; } RROPS[] = {
    {"add", add_rr}, {"sub", sub_rr}, {"sll", sll_rr}, {"slt", slt_rr}, {"sltu", sltu_rr},
    {"xor", xor_rr}, {"srl", srl_rr}, {"sra", sra_rr}, {"or", or_rr},   {"and", and_rr},
};

#define RI(op, imm) ({ u32 r_; __asm__ volatile(#op " %0, %1, " #imm : "=r"(r_) : "r"(a)); r_; })

static void imm_ops(u32 a) {
  printf("imm a=%08x: addi %08x %08x %08x %08x %08x", a, RI(addi, 0), RI(addi, 1), RI(addi, -1),
         RI(addi, 2047), RI(addi, -2048));
  printf(" slti %u%u%u%u%u", RI(slti, 0), RI(slti, 1), RI(slti, -1), RI(slti, 2047), RI(slti, -2048));
  printf(" sltiu %u%u%u%u%u", RI(sltiu, 0), RI(sltiu, 1), RI(sltiu, -1), RI(sltiu, 2047),
         RI(sltiu, -2048));
  printf("\n    xori %08x %08x %08x ori %08x %08x %08x andi %08x %08x %08x\n", RI(xori, -1),
         RI(xori, 2047), RI(xori, -2048), RI(ori, 0), RI(ori, 1), RI(ori, -2048), RI(andi, -1),
         RI(andi, 2047), RI(andi, -2048));
  printf("    slli %08x %08x %08x srli %08x %08x %08x srai %08x %08x %08x\n", RI(slli, 0), RI(slli, 1),
         RI(slli, 31), RI(srli, 0), RI(srli, 1), RI(srli, 31), RI(srai, 0), RI(srai, 1), RI(srai, 31));
}

#define BR(op, a, b)                                                                    \
  ({                                                                                    \
    u32 t_;                                                                             \
    __asm__ volatile("li %0, 1\n " #op " %1, %2, 1f\n li %0, 0\n1:" : "=&r"(t_) : "r"(a), "r"(b)); \
    t_;                                                                                 \
  })

static void branches(void) {
  static const char *names[] = {"beq", "bne", "blt", "bge", "bltu", "bgeu"};
  for (unsigned op = 0; op < 6; op++) {
    printf("%-4s", names[op]);
    for (unsigned i = 0; i < NV; i++) {
      putchar(' ');
      for (unsigned j = 0; j < NV; j++) {
        u32 a = V[i], b = V[j], t = 0;
        switch (op) {
          case 0: t = BR(beq, a, b); break;
          case 1: t = BR(bne, a, b); break;
          case 2: t = BR(blt, a, b); break;
          case 3: t = BR(bge, a, b); break;
          case 4: t = BR(bltu, a, b); break;
          case 5: t = BR(bgeu, a, b); break;
        }
        putchar('0' + t);
      }
    }
    putchar('\n');
  }
}

static void upper_and_jumps(void) {
  u32 r1, r2, r3, pc, off, link, target;
  __asm__ volatile("lui %0, 0xfffff\n lui %1, 0x80000\n lui %2, 0x1" : "=r"(r1), "=r"(r2), "=r"(r3));
  printf("lui 0xfffff=%08x 0x80000=%08x 0x1=%08x\n", r1, r2, r3);
  check("lui", r1, 0xfffff000u);
  __asm__ volatile("1: auipc %0, 0x12345\n la %1, 1b\n sub %0, %0, %1\n" : "=&r"(off), "=&r"(pc));
  printf("auipc 0x12345 - pc = %08x\n", off);
  check("auipc", off, 0x12345000u);
  __asm__ volatile("1: auipc %0, 0xfffff\n la %1, 1b\n sub %0, %0, %1\n" : "=&r"(off), "=&r"(pc));
  printf("auipc 0xfffff - pc = %08x\n", off);
  /* jal: link = address of the next instruction */
  __asm__ volatile(".option push\n .option norvc\n jal %0, 1f\n 2: nop\n 1: la %1, 2b\n .option pop\n"
                   : "=&r"(link), "=&r"(target));
  printf("jal link - next = %d\n", (i32)(link - target));
  check("jal link", link, target);
  /* jalr with an odd target: bit 0 is cleared, so we land on the label (no misaligned fetch) */
  u32 landed;
  __asm__ volatile(
      ".option push\n .option norvc\n"
      " la t0, 1f\n addi t0, t0, 1\n li %0, 0\n jalr %1, 0(t0)\n li %0, 99\n"
      "1: addi %0, %0, 7\n"
      " .option pop\n"
      : "=&r"(landed), "=&r"(link)
      :
      : "t0");
  printf("jalr to odd address: landed=%u\n", landed);
  check("jalr odd", landed, 7);
  /* jalr rd == rs1: target computed from the old value */
  u32 v;
  __asm__ volatile(".option push\n .option norvc\n la %0, 1f\n jalr %0, 0(%0)\n nop\n 1: la t1, 1b\n"
                   " sub %0, %0, t1\n .option pop\n"
                   : "=&r"(v)
                   :
                   : "t1");
  printf("jalr rd==rs1: link - target = %d\n", (i32)v);
  check("jalr rd==rs1", v, (u32)-4);
  /* writes to x0 are discarded */
  __asm__ volatile("addi x0, x0, 5\n lui x0, 0x12345\n mv %0, x0" : "=r"(v));
  printf("x0 after writes = %u\n", v);
  check("x0", v, 0);
}

static u32 mem[4] __attribute__((aligned(16)));

static void loads_stores(void) {
  mem[0] = 0x8081f0ffu;
  mem[1] = 0x7f017ffeu;
  volatile uint8_t *b = (volatile uint8_t *)mem;
  printf("lb  ");
  for (int i = 0; i < 8; i++) {
    i32 r;
    __asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(b + i));
    printf(" %08x", (u32)r);
  }
  printf("\nlbu ");
  for (int i = 0; i < 8; i++) {
    u32 r;
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(b + i));
    printf(" %08x", r);
  }
  printf("\nlh  ");
  for (int i = 0; i < 8; i += 2) {
    u32 r;
    __asm__ volatile("lh %0, 0(%1)" : "=r"(r) : "r"(b + i));
    printf(" %08x", r);
  }
  printf("\nlhu ");
  for (int i = 0; i < 8; i += 2) {
    u32 r;
    __asm__ volatile("lhu %0, 0(%1)" : "=r"(r) : "r"(b + i));
    printf(" %08x", r);
  }
  /* negative offsets */
  u32 r;
  __asm__ volatile("lw %0, -4(%1)" : "=r"(r) : "r"(&mem[2]));
  printf("\nlw -4(&mem[2]) = %08x\n", r);
  check("lw neg offset", r, 0x7f017ffeu);
  mem[2] = 0;
  __asm__ volatile("sb %1, 1(%0)\n sh %1, 2(%0)" ::"r"(&mem[2]), "r"(0xdeadbeefu) : "memory");
  printf("sb+sh -> %08x\n", mem[2]);
  check("sb+sh", mem[2], 0xbeefef00u);
  mem[3] = 0x11111111u;
  __asm__ volatile("sw %1, 0(%0)" ::"r"(&mem[3]), "r"(0xcafef00du) : "memory");
  printf("sw -> %08x\n", mem[3]);
}

int main(void) {
  printf("alu: register-register ops (rows: a, columns: b = values below)\n");
  printf("values:");
  for (unsigned i = 0; i < NV; i++) printf(" %08x", V[i]);
  putchar('\n');
  for (unsigned op = 0; op < sizeof RROPS / sizeof RROPS[0]; op++) {
    for (unsigned i = 0; i < NV; i++) {
      printf("%-4s %08x:", RROPS[op].name, V[i]);
      for (unsigned j = 0; j < NV; j++) printf(" %08x", RROPS[op].fn(V[i], V[j]));
      putchar('\n');
    }
  }
  for (unsigned i = 0; i < NV; i++) imm_ops(V[i]);
  printf("shift amounts 0/31/32/33/-1 of 0x87654321:\n");
  static const u32 amounts[] = {0, 31, 32, 33, 0xffffffffu};
  for (unsigned k = 0; k < 5; k++)
    printf("  sh=%08x sll %08x srl %08x sra %08x\n", amounts[k], sll_rr(0x87654321u, amounts[k]),
           srl_rr(0x87654321u, amounts[k]), sra_rr(0x87654321u, amounts[k]));
  check("sll by 32", sll_rr(0x87654321u, 32), 0x87654321u);
  check("sra by -1", sra_rr(0x87654321u, 0xffffffffu), 0xffffffffu);
  check("slt signed", slt_rr(0xffffffffu, 1), 1);
  check("sltu unsigned", sltu_rr(0xffffffffu, 1), 0);
  check("sub wrap", sub_rr(0x80000000u, 1), 0x7fffffffu);
  printf("branches (per op: for each a, the taken bit for each b)\n");
  branches();
  upper_and_jumps();
  loads_stores();
  printf("alu done, %d failures\n", failures);
  return failures;
}
