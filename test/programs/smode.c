/*
 * smode: supervisor mode and Sv32.
 * M-mode: a NAPOT PMP entry over everything (QEMU 7.2 denies S/U all memory without a PMP entry that
 * grants it), medeleg (page faults, illegal instruction, U ecall) and mideleg, then mret to S.
 * S-mode: builds Sv32 tables (identity megapages for RAM, UART and the test finisher; a second-level
 * table with 4 KiB pages at VA 0x40000000), enables satp and
 *   - reads/writes through an alias mapping, runs code copied into a page mapped at another VA
 *   - takes load/store/fetch page faults (scause/stval/sepc), fixes the PTE in the handler, retries
 *   - remaps a page and uses sfence.vma
 *   - SUM (S access to U pages), S fetch from a U page, MXR (load from an execute-only page)
 *   - A/D bits: the PTE after a load and after a store (QEMU 7.2 sets A and D itself)
 *   - reserved PTE encodings (W without R), misaligned megapage, leaf missing at level 0
 *   - ecall from S handled by M (a7 = service), TVM, S access to an M CSR, sstatus.SPP/SPIE
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

#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PAGE 4096u

#define VA_BASE 0x40000000u /* 4 KiB pages through l0 */
#define VA(i) (VA_BASE + (i) * PAGE)

static u32 *root, *l0;
static u32 heap;
static u32 page_pa[16]; /* physical data pages */

static u32 pte_leaf(u32 pa, u32 flags) { return ((pa >> 12) << 10) | flags | PTE_V; }
static u32 pte_table(u32 *t) { return (((u32)(uintptr_t)t >> 12) << 10) | PTE_V; }
static void map_mega(u32 va, u32 pa, u32 flags) { root[va >> 22] = pte_leaf(pa, flags); }
static void map4k(unsigned i, u32 pa, u32 flags) { l0[i] = flags ? pte_leaf(pa, flags) : 0; }
static inline void sfence_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline void sfence_va(u32 va) { __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory"); }
#define PA_WORD(pa) (*(volatile u32 *)(uintptr_t)(pa))
#define VA_WORD(va) (*(volatile u32 *)(uintptr_t)(va))

/* ---- S-mode trap handler: record, let the current fixer repair the PTE and retry, else skip ---- */
static volatile u32 s_n, s_cause, s_tval, s_epc, s_status;
static int (*volatile fixer)(u32 cause, u32 tval);

void s_trap_handler(struct trap_frame *f) {
  s_n++;
  s_cause = f->cause;
  s_tval = f->tval;
  s_epc = f->epc;
  s_status = f->status;
  if (fixer && fixer(f->cause, f->tval)) {
    sfence_all();
    return; /* retry the instruction */
  }
  if (f->cause == 12) f->epc = f->x[1]; /* fetch fault: back to the caller */
  else f->epc += insn_len_at(f->epc);
}

static void reset(void) { s_n = s_cause = s_tval = s_epc = 0; }
static void report(const char *what) {
  if (s_n)
    printf("  %-34s faults=%u scause=%u stval=%08x\n", what, s_n, s_cause, s_tval);
  else
    printf("  %-34s no fault\n", what);
}

/* load/store through inline asm so the compiler keeps exactly one access */
static u32 load(u32 va) {
  u32 v = 0xeeeeeeeeu;
  __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(va) : "memory");
  return v;
}
static void store(u32 va, u32 v) { __asm__ volatile("sw %0, 0(%1)" ::"r"(v), "r"(va) : "memory"); }
static u32 ecall_m(u32 service, u32 arg) {
  register u32 a0 __asm__("a0") = arg;
  register u32 a7 __asm__("a7") = service;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

/* fixers */
static int fix_map_page3(u32 cause, u32 tval) {
  if (cause != 13 || tval != VA(3)) return 0;
  map4k(3, page_pa[3], PTE_R | PTE_W | PTE_A | PTE_D);
  return 1;
}
static int fix_allow_write(u32 cause, u32 tval) {
  if (cause != 15 || (tval & ~0xfffu) != VA(4)) return 0;
  l0[4] |= PTE_W | PTE_D;
  return 1;
}
static int fix_allow_exec(u32 cause, u32 tval) {
  if (cause != 12 || tval != VA(5)) return 0;
  l0[5] |= PTE_X;
  return 1;
}

static u32 s_main(u32 arg) {
  (void)arg;
  u32 sstatus = csr_read(sstatus);
  printf("in S-mode: sstatus.SPP=%u SIE=%u, satp=%08x\n", (sstatus >> 8) & 1, (sstatus >> 1) & 1, csr_read(satp));

  /* page tables */
  root = (u32 *)(uintptr_t)heap;
  l0 = (u32 *)(uintptr_t)(heap + PAGE);
  memset(root, 0, PAGE);
  memset(l0, 0, PAGE);
  for (int i = 0; i < 16; i++) {
    page_pa[i] = heap + (2 + i) * PAGE;
    memset((void *)(uintptr_t)page_pa[i], 0, PAGE);
  }
  u32 rwx = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  map_mega(0x80000000u, 0x80000000u, rwx | PTE_G);
  map_mega(0x80400000u, 0x80400000u, rwx | PTE_G);
  map_mega(0x10000000u, 0x10000000u, PTE_R | PTE_W | PTE_A | PTE_D); /* UART */
  map_mega(0x00000000u, 0x00000000u, PTE_R | PTE_W | PTE_A | PTE_D); /* test finisher */
  root[VA_BASE >> 22] = pte_table(l0);
  map4k(0, page_pa[0], PTE_R | PTE_W | PTE_A | PTE_D);
  PA_WORD(page_pa[0]) = 0x11110000u;
  PA_WORD(page_pa[1]) = 0x22220000u;
  PA_WORD(page_pa[2]) = 0x33330000u;
  PA_WORD(page_pa[3]) = 0x44440000u;

  u32 satp = (1u << 31) | (heap >> 12);
  csr_write(satp, satp);
  sfence_all();
  printf("satp on: MODE=%u PPN matches: %s\n", csr_read(satp) >> 31, (csr_read(satp) & 0x3fffffu) == (heap >> 12) ? "yes" : "no");

  printf("translation:\n");
  printf("  read VA %08x -> %08x\n", VA(0), load(VA(0)));
  store(VA(0) + 8, 0xabcd0123u);
  printf("  write via VA, read via identity PA: %08x\n", PA_WORD(page_pa[0] + 8));
  check("alias", PA_WORD(page_pa[0] + 8), 0xabcd0123u);

  /* code in a page mapped at VA(1) */
  volatile u32 *code = (volatile u32 *)(uintptr_t)page_pa[1];
  code[0] = 0x02a00513u; /* li a0, 42 */
  code[1] = 0x00008067u; /* ret */
  __asm__ volatile("fence.i" ::: "memory");
  map4k(1, page_pa[1], PTE_R | PTE_X | PTE_A);
  sfence_all();
  u32 (*fn)(void) = (u32(*)(void))(uintptr_t)VA(1);
  printf("  call code at VA %08x: %u\n", VA(1), fn());

  printf("page faults:\n");
  reset();
  u32 v = load(VA(2));
  report("load from invalid PTE (skipped)");
  printf("    sepc==load: %s, rd unchanged: %s\n", s_epc != 0 ? "yes" : "no", v == 0xeeeeeeeeu ? "yes" : "no");
  reset();
  store(VA(2), 1);
  report("store to invalid PTE (skipped)");
  reset();
  fixer = fix_map_page3;
  v = load(VA(3));
  fixer = 0;
  report("load, handler maps page, retry");
  printf("    value after retry %08x\n", v);
  check("retry load", v, 0x44440000u);

  map4k(4, page_pa[4], PTE_R | PTE_A);
  sfence_all();
  reset();
  fixer = fix_allow_write;
  store(VA(4) + 12, 0x5555aaaau);
  fixer = 0;
  report("store to read-only page, fix, retry");
  printf("    memory %08x, PTE flags %02x\n", PA_WORD(page_pa[4] + 12), l0[4] & 0xff);

  code = (volatile u32 *)(uintptr_t)page_pa[5];
  code[0] = 0x00700513u; /* li a0, 7 */
  code[1] = 0x00008067u;
  __asm__ volatile("fence.i" ::: "memory");
  map4k(5, page_pa[5], PTE_R | PTE_A);
  sfence_all();
  reset();
  fixer = fix_allow_exec;
  fn = (u32(*)(void))(uintptr_t)VA(5);
  v = fn();
  fixer = 0;
  report("fetch from non-X page, fix, retry");
  printf("    sepc %08x, result %u\n", s_epc, v);
  reset();
  map4k(6, page_pa[5], PTE_X | PTE_R | PTE_A);
  l0[6] &= ~PTE_V;
  sfence_all();
  fn = (u32(*)(void))(uintptr_t)VA(6);
  v = fn();
  report("fetch from invalid page");
  printf("    sepc==stval: %s\n", s_epc == s_tval ? "yes" : "no");

  printf("sfence.vma:\n");
  map4k(7, page_pa[0], PTE_R | PTE_W | PTE_A | PTE_D);
  sfence_va(VA(7));
  u32 before = load(VA(7));
  map4k(7, page_pa[2], PTE_R | PTE_W | PTE_A | PTE_D);
  sfence_va(VA(7));
  printf("  VA(7) before remap %08x, after remap + sfence.vma va %08x\n", before, load(VA(7)));
  map4k(7, page_pa[1], PTE_R | PTE_W | PTE_A | PTE_D);
  sfence_all();
  printf("  after remap + sfence.vma (all) %08x\n", load(VA(7)) & 0xfff);

  printf("SUM / MXR / U pages:\n");
  PA_WORD(page_pa[8]) = 0x88880000u;
  map4k(8, page_pa[8], PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  sfence_all();
  csr_clear(sstatus, MSTATUS_SUM);
  reset();
  v = load(VA(8));
  report("S load from U page, SUM=0");
  reset();
  store(VA(8), 1);
  report("S store to U page, SUM=0");
  csr_set(sstatus, MSTATUS_SUM);
  reset();
  v = load(VA(8));
  report("S load from U page, SUM=1");
  printf("    value %08x\n", v);
  code = (volatile u32 *)(uintptr_t)page_pa[9];
  code[0] = 0x00900513u; /* li a0, 9 */
  code[1] = 0x00008067u;
  __asm__ volatile("fence.i" ::: "memory");
  map4k(9, page_pa[9], PTE_R | PTE_X | PTE_U | PTE_A);
  sfence_all();
  reset();
  fn = (u32(*)(void))(uintptr_t)VA(9);
  v = fn();
  report("S fetch from U page, SUM=1");
  csr_clear(sstatus, MSTATUS_SUM);
  PA_WORD(page_pa[10]) = 0xaaaa0000u;
  map4k(10, page_pa[10], PTE_X | PTE_A);
  sfence_all();
  reset();
  v = load(VA(10));
  report("load from execute-only page, MXR=0");
  csr_set(sstatus, MSTATUS_MXR);
  reset();
  v = load(VA(10));
  report("load from execute-only page, MXR=1");
  printf("    value %08x\n", v);
  csr_clear(sstatus, MSTATUS_MXR);

  printf("A/D bits (PTE low byte after each access):\n");
  map4k(11, page_pa[11], PTE_R | PTE_W);
  sfence_all();
  printf("  initial %02x\n", l0[11] & 0xff);
  reset();
  v = load(VA(11));
  printf("  after load %02x (faults %u)\n", l0[11] & 0xff, s_n);
  reset();
  store(VA(11), 3);
  printf("  after store %02x (faults %u)\n", l0[11] & 0xff, s_n);
  map4k(12, page_pa[12], PTE_R | PTE_W | PTE_A);
  sfence_all();
  reset();
  store(VA(12), 4);
  printf("  A=1 D=0 page after store %02x (faults %u)\n", l0[12] & 0xff, s_n);
  map4k(13, page_pa[13], PTE_R | PTE_W);
  sfence_all();
  reset();
  store(VA(13), 5);
  printf("  A=0 D=0 page after store %02x (faults %u)\n", l0[13] & 0xff, s_n);

  printf("malformed PTEs:\n");
  map4k(14, page_pa[14], PTE_W | PTE_A | PTE_D); /* W without R: reserved */
  sfence_all();
  reset();
  load(VA(14));
  report("load, PTE W=1 R=0");
  reset();
  store(VA(14), 1);
  report("store, PTE W=1 R=0");
  root[0x41] = pte_leaf(0x80001000u, PTE_R | PTE_W | PTE_A | PTE_D); /* megapage with PPN[0] != 0 */
  sfence_all();
  reset();
  load(0x41000000u + 0x10);
  report("load, misaligned megapage");
  map4k(15, 0, 0);
  l0[15] = pte_table(l0); /* a pointer where a leaf must be */
  sfence_all();
  reset();
  load(VA(15));
  report("load, non-leaf PTE at level 0");
  reset();
  load(0x7ffff000u);
  report("load, no level-1 entry");

  printf("S-mode and M:\n");
  printf("  ecall to M service 1 (a0*2+1) with 20: %u\n", ecall_m(1, 20));
  reset();
  v = csr_read(mstatus);
  report("csrr mstatus in S");
  ecall_m(2, 0); /* M sets mstatus.TVM */
  reset();
  v = csr_read(satp);
  report("csrr satp with TVM=1");
  reset();
  sfence_all();
  report("sfence.vma with TVM=1");
  ecall_m(3, 0); /* clear TVM */
  reset();
  v = csr_read(satp);
  report("csrr satp with TVM=0");
  reset();
  __asm__ volatile("ebreak");
  report("ebreak in S (delegated)");
  printf("    sstatus.SPP in handler: %u\n", (s_status >> 8) & 1);
  reset();
  __asm__ volatile("csrr %0, cycle" : "=r"(v));
  report("csrr cycle, mcounteren.CY=1");
  reset();
  __asm__ volatile("csrr %0, instret" : "=r"(v));
  report("csrr instret, mcounteren.IR=0");

  csr_write(satp, 0);
  sfence_all();
  return 0x5a;
}

static int m_hook(struct trap_frame *f) {
  if (f->cause == 9 && f->x[17] >= 1 && f->x[17] <= 3) {
    switch (f->x[17]) {
      case 1: f->x[10] = f->x[10] * 2 + 1; break;
      case 2: f->status |= MSTATUS_TVM; break;
      case 3: f->status &= ~MSTATUS_TVM; break;
    }
    f->epc += 4;
    return 1;
  }
  return 0;
}

int main(void) {
  printf("smode\n");
  heap = (u32)(uintptr_t)__heap_start;
  pmp_allow_all();
  csr_write(medeleg, (1u << 2) | (1u << 3) | (1u << 8) | (1u << 12) | (1u << 13) | (1u << 15));
  csr_write(mideleg, MIP_SSIP | MIP_STIP | MIP_SEIP);
  csr_write(mcounteren, 1); /* CY only */
  csr_write(stvec, (u32)(uintptr_t)s_trap_entry);
  csr_write(sscratch, rt_s_trap_stack_top());
  printf("medeleg %08x mideleg %08x\n", csr_read(medeleg), csr_read(mideleg));
  m_trap_hook = m_hook;
  u32 r = run_in_mode(PRV_S, s_main, 0);
  m_trap_hook = 0;
  printf("back in M: s_main returned %x, mstatus.MPP=%u\n", r, (csr_read(mstatus) >> 11) & 3);
  printf("smode done, %d failures\n", failures);
  return failures;
}
