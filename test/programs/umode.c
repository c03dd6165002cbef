/*
 * umode: user mode, entered with mret from M (PMP NAPOT entry first), traps handled in M:
 *   - ecall from U (mcause 8) as a system call, results back in a0
 *   - CSR access from U: M/S CSRs are illegal (mtval = instruction bits); mret/sret/wfi are illegal
 *   - counters from U: cycle/time/instret need mcounteren AND scounteren bits (S is implemented)
 *   - instret delta measured in U
 *   - Sv32 from U (satp written by M): U=1 megapage for the program, 4 KiB pages at 0x40000000 with
 *     U set/clear, read-only and execute-only: load/store/fetch page faults with mcause/mtval
 * Exit code: number of failed self-checks (0).
 */
#include "rt.h"

static int failures;
static void check(const char *what, u32 got, u32 want) {
  if (got != want) {
    printf("FAIL %s: got 0x%08x want 0x%08x\n", what, got, want);
    failures++;
  }
}

static volatile u32 m_n, m_cause, m_tval, m_epc, m_mpp;

static int hook(struct trap_frame *f) {
  if (f->cause == 8 && f->x[17] == 1) { /* syscall 1: a0 = a0 * 3 */
    f->x[10] *= 3;
    f->epc += 4;
    return 1;
  }
  if (f->cause == 8 && f->x[17] == 0x5e7u) return 0; /* run_in_mode's return */
  m_n++;
  m_cause = f->cause;
  m_tval = f->tval;
  m_epc = f->epc;
  m_mpp = (f->status >> 11) & 3;
  if (f->cause == 12) f->epc = f->x[1]; /* fetch fault: back to the caller */
  else f->epc += insn_len_at(f->epc);
  return 1;
}

/* ---- code that runs in U-mode: results go to memory, M prints them ---- */
#define NRES 32
static volatile u32 res[NRES][3]; /* faults, cause, tval per probe */
static volatile u32 nres;

#define PROBE(asmtext)                                                          \
  do {                                                                          \
    m_n = m_cause = m_tval = 0;                                                 \
    __asm__ volatile(asmtext ::: "t0", "memory");                               \
    res[nres][0] = m_n;                                                         \
    res[nres][1] = m_cause;                                                     \
    res[nres][2] = m_tval;                                                      \
    nres++;                                                                     \
  } while (0)

static const char *const probe_names[] = {
    "csrr mstatus", "csrr sstatus", "csrw mscratch", "csrr satp", "mret", "sret", "wfi",
    "csrr cycle",   "csrr time",    "csrr instret",  "csrr cycleh", "ebreak", "csrr fcsr",
};

static u32 syscall1(u32 x) {
  register u32 a0 __asm__("a0") = x;
  register u32 a7 __asm__("a7") = 1;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

/* U-mode (m_n etc. are written by M; U only reads them: plain memory, no paging here) */
static u32 u_csrs(u32 arg) {
  nres = 0;
  PROBE("csrr t0, mstatus");
  PROBE("csrr t0, sstatus");
  PROBE("csrw mscratch, zero");
  PROBE("csrr t0, satp");
  PROBE("mret");
  PROBE("sret");
  PROBE("wfi");
  PROBE("csrr t0, cycle");
  PROBE("csrr t0, time");
  PROBE("csrr t0, instret");
  PROBE("csrr t0, cycleh");
  PROBE(".option push\n.option norvc\n ebreak\n.option pop");
  PROBE("csrr t0, fcsr");
  return syscall1(arg);
}

static u32 u_counters(u32 which) {
  /* which = counteren bits that are set; returns the instret delta over 10 nops if IR, else 0 */
  nres = 0;
  PROBE("csrr t0, cycle");
  PROBE("csrr t0, time");
  PROBE("csrr t0, instret");
  if (!(which & 4)) return 0;
  u32 a, b;
  __asm__ volatile("csrr %0, instret\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n csrr %1, instret"
                   : "=&r"(a), "=&r"(b));
  return b - a;
}

/* ---- paging ---- */
#define PTE_V 1u
#define PTE_R 2u
#define PTE_W 4u
#define PTE_X 8u
#define PTE_U 16u
#define PTE_A 64u
#define PTE_D 128u
#define PAGE 4096u
#define VA(i) (0x40000000u + (i) * PAGE)
static u32 *root, *l0;
static u32 pte_leaf(u32 pa, u32 flags) { return ((pa >> 12) << 10) | flags | PTE_V; }

static u32 u_load(u32 va) {
  u32 v = 0xeeeeeeeeu;
  __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
  return v;
}
static void u_store(u32 va, u32 v) { __asm__ volatile("sw %0, 0(%1)" ::"r"(v), "r"(va) : "memory"); }

static volatile u32 pres[16][4];
static u32 u_paging(u32 arg) {
  (void)arg;
  u32 n = 0;
#define REC(v)                  \
  pres[n][0] = m_n;             \
  pres[n][1] = m_cause;         \
  pres[n][2] = m_tval;          \
  pres[n][3] = (v);             \
  n++;                          \
  m_n = m_cause = m_tval = 0;
  m_n = m_cause = m_tval = 0;
  u32 v = u_load(VA(0));
  REC(v);            /* U page: ok */
  v = u_load(VA(1));
  REC(v);            /* page without U */
  u_store(VA(0), 0x77);
  REC(0);            /* store to U RW page */
  u_store(VA(2), 0x77);
  REC(0);            /* store to U read-only page */
  v = u_load(VA(3));
  REC(v);            /* load from U execute-only page */
  v = ((u32(*)(void))(uintptr_t)VA(3))();
  REC(v);            /* fetch from U X page */
  v = ((u32(*)(void))(uintptr_t)VA(4))();
  REC(v);            /* fetch from non-U X page */
  v = u_load(VA(5));
  REC(v);            /* invalid */
  return n;
}

int main(void) {
  printf("umode\n");
  m_trap_hook = hook;
  pmp_allow_all();
  csr_write(medeleg, 0);
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);

  u32 r = run_in_mode(PRV_U, u_csrs, 14);
  printf("U syscall 1 (a0*3) with 14: %u\n", r);
  check("syscall", r, 42);
  printf("traps from U (counteren all 0):\n");
  for (u32 i = 0; i < nres; i++)
    printf("  %-14s traps=%u mcause=%u mtval=%08x\n", probe_names[i], res[i][0], res[i][1], res[i][2]);

  printf("counters from U: mcounteren/scounteren -> cycle time instret\n");
  static const u32 cfg[][2] = {{0, 7}, {7, 0}, {7, 7}, {1, 1}, {2, 2}, {4, 4}, {5, 4}};
  for (unsigned i = 0; i < sizeof cfg / sizeof cfg[0]; i++) {
    csr_write(mcounteren, cfg[i][0]);
    csr_write(scounteren, cfg[i][1]);
    u32 delta = run_in_mode(PRV_U, u_counters, cfg[i][0] & cfg[i][1]);
    printf("  m=%u s=%u: %s %s %s", cfg[i][0], cfg[i][1], res[0][0] ? "illegal" : "ok",
           res[1][0] ? "illegal" : "ok", res[2][0] ? "illegal" : "ok");
    if (delta) printf("  (instret delta over 10 nops in U: %u)", delta);
    putchar('\n');
  }
  csr_write(mcounteren, 0);
  csr_write(scounteren, 0);

  /* Sv32 for U */
  u32 heap = (u32)(uintptr_t)__heap_start;
  root = (u32 *)(uintptr_t)heap;
  l0 = (u32 *)(uintptr_t)(heap + PAGE);
  memset(root, 0, 2 * PAGE);
  u32 data = heap + 2 * PAGE;
  memset((void *)(uintptr_t)data, 0, 8 * PAGE);
  root[0x80000000u >> 22] = pte_leaf(0x80000000u, PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
  root[0x40000000u >> 22] = ((heap + PAGE) >> 12) << 10 | PTE_V;
  for (u32 i = 0; i < 6; i++) *(volatile u32 *)(uintptr_t)(data + i * PAGE) = 0x1000u * (i + 1);
  volatile u32 *code = (volatile u32 *)(uintptr_t)(data + 3 * PAGE);
  code[0] = 0x00b00513u; /* li a0, 11 */
  code[1] = 0x00008067u; /* ret */
  code = (volatile u32 *)(uintptr_t)(data + 4 * PAGE);
  code[0] = 0x00c00513u; /* li a0, 12 */
  code[1] = 0x00008067u;
  __asm__ volatile("fence.i" ::: "memory");
  l0[0] = pte_leaf(data + 0 * PAGE, PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  l0[1] = pte_leaf(data + 1 * PAGE, PTE_R | PTE_W | PTE_A | PTE_D);
  l0[2] = pte_leaf(data + 2 * PAGE, PTE_R | PTE_U | PTE_A);
  l0[3] = pte_leaf(data + 3 * PAGE, PTE_X | PTE_U | PTE_A);
  l0[4] = pte_leaf(data + 4 * PAGE, PTE_R | PTE_X | PTE_A);
  l0[5] = 0;
  csr_write(satp, (1u << 31) | (heap >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  u32 n = run_in_mode(PRV_U, u_paging, 0);
  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
  static const char *const pnames[] = {"load U page",     "load non-U page",   "store U RW page", "store U RO page",
                                       "load U X-only",   "fetch U X page",    "fetch non-U page", "load invalid"};
  printf("U-mode with Sv32:\n");
  for (u32 i = 0; i < n; i++)
    printf("  %-16s traps=%u mcause=%u mtval=%08x value=%08x\n", pnames[i], pres[i][0], pres[i][1], pres[i][2],
           pres[i][3]);
  printf("U RW page after store: %08x, RO page: %08x\n", *(volatile u32 *)(uintptr_t)data,
         *(volatile u32 *)(uintptr_t)(data + 2 * PAGE));
  m_trap_hook = 0;
  printf("umode done, %d failures\n", failures);
  return failures;
}
