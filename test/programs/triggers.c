/*
 * triggers: Sdtrig trigger CSRs as QEMU 7.2 implements them (-cpu rv32 default debug=true):
 *   - tselect (2 triggers: writes >= 2 are ignored), tinfo, tdata1 reset value and WARL (type 2
 *     mcontrol keeps only type/sizelo/M/S/U/execute/store/load; other types), tdata2, tdata3
 *   - execute triggers: breakpoint exception (cause 3) before the instruction, mepc/mtval, in M with
 *     mstatus.MIE 0 and 1, in U with and without the U bit
 *   - load/store triggers: which accesses near tdata2 fire, the access not performed, mtval
 * Only offsets from the trigger address are printed, never code addresses.
 * Exit code: 0.
 */
#include "rt.h"

#define tselect 0x7a0
#define tdata1 0x7a1
#define tdata2 0x7a2
#define tdata3 0x7a3
#define tinfo 0x7a4

#define T_TYPE2 (2u << 28)
#define T_M (1u << 6)
#define T_S (1u << 4)
#define T_U (1u << 3)
#define T_EXEC (1u << 2)
#define T_STORE (1u << 1)
#define T_LOAD (1u << 0)

static volatile u32 hits, last_cause, last_epc, last_tval, illegal;
static volatile u32 disarm_on_hit = 1;

static void disarm_all(void) {
  for (u32 i = 0; i < 2; i++) {
    csr_write(tselect, i);
    csr_write(tdata1, T_TYPE2);
    csr_write(tdata2, 0);
  }
  csr_write(tselect, 0);
}

static int hook(struct trap_frame *f) {
  if (f->cause == 2) { /* illegal CSR probe: skip it, note it */
    illegal++;
    f->epc += insn_len_at(f->epc);
    f->x[10] = 0xdead;
    return 1;
  }
  if (f->cause != 3) return 0;
  hits++;
  last_cause = f->cause;
  last_epc = f->epc;
  last_tval = f->tval;
  if (disarm_on_hit) disarm_all(); /* retry the instruction with the trigger gone */
  return 1;
}

/* CSR probe that survives an illegal instruction (a0 = 0xdead then). */
#define PROBE(csr) ({ register u32 a0_ __asm__("a0") = 0; \
  __asm__ volatile("csrr a0, " STR(csr) : "+r"(a0_)::"memory"); a0_; })

static volatile u32 target_calls;
__attribute__((noinline, aligned(4))) static u32 target_fn(u32 x) { target_calls++; return x * 3 + 1; }
__attribute__((noinline, aligned(4))) static u32 other_fn(u32 x) { return x + 7; }

static volatile u32 data[8] __attribute__((aligned(16)));

static void report(const char *what, u32 base) {
  if (hits == 0) {
    printf("%s: no trigger\n", what);
  } else {
    printf("%s: hits %u cause %u epc%s tval %s%d\n", what, hits, last_cause,
           last_epc == base ? "=addr" : "!=addr",
           last_tval == 0 ? "0 " : "addr", last_tval == 0 ? 0 : (int)(last_tval - base));
  }
  hits = 0;
  last_cause = last_epc = last_tval = 0;
}

static u32 u_call(u32 x) { return target_fn(x); }

int main(void) {
  printf("triggers\n");
  m_trap_hook = hook;
  pmp_allow_all();

  /* --- CSRs --- */
  illegal = 0;
  printf("tselect reset %u\n", PROBE(tselect));
  printf("tinfo %x (illegal %u)\n", PROBE(tinfo), illegal);
  illegal = 0;
  (void)PROBE(0x7a5);
  printf("tcontrol 7a5 illegal %u\n", illegal);
  illegal = 0;
  (void)PROBE(0x7a8);
  printf("mcontext 7a8 illegal %u\n", illegal);
  illegal = 0;
  (void)PROBE(0x7aa);
  printf("mscontext 7aa illegal %u\n", illegal);
  illegal = 0;
  (void)PROBE(0x6a8);
  printf("hcontext 6a8 illegal %u\n", illegal);
  illegal = 0;
  csr_write(tinfo, 0);
  printf("tinfo after write 0: %x\n", csr_read(tinfo));
  for (u32 i = 0; i < 2; i++) {
    csr_write(tselect, i);
    printf("trigger %u: tselect %u tdata1 %x tdata2 %x tdata3 %x\n", i, csr_read(tselect), csr_read(tdata1),
           csr_read(tdata2), csr_read(tdata3));
  }
  static const u32 tsel[] = {0, 1, 2, 3, 5, 0xffffffffu, 1};
  for (u32 i = 0; i < sizeof tsel / sizeof tsel[0]; i++) {
    csr_write(tselect, tsel[i]);
    printf("tselect <- %x: %u\n", tsel[i], csr_read(tselect));
  }
  csr_write(tselect, 0);
  static const u32 t1[] = {
    0xffffffffu, 0x2fffffffu, 0x20000000u, 0x2000005fu, 0x28000000u, 0x20010044u, 0x20020044u,
    0x20030044u, 0x2000f000u, 0x20080044u, 0x20000800u, 0x20001000u, 0x00000044u,
    0x30000044u, 0x40000044u, 0x50000044u, 0x60000044u, 0x6fffffffu, 0xf0000044u, 0x20000047u,
  };
  for (u32 i = 0; i < sizeof t1 / sizeof t1[0]; i++) {
    csr_write(tdata1, 0x20000000u);
    csr_write(tdata1, t1[i]);
    u32 v = csr_read(tdata1);
    printf("tdata1 <- %x: %x\n", t1[i], v);
    csr_write(tdata1, 0x20000000u);
  }
  static const u32 t3[] = {0xffffffffu, 0x12345678u, 0x80000000u, 0x00000001u};
  for (u32 i = 0; i < sizeof t3 / sizeof t3[0]; i++) {
    csr_write(tdata3, t3[i]);
    printf("tdata3 <- %x: %x\n", t3[i], csr_read(tdata3));
    csr_write(tdata3, 0);
  }
  csr_write(tdata2, 0xdeadbeefu);
  printf("tdata2 <- deadbeef: %x\n", csr_read(tdata2));
  csr_write(tselect, 1);
  printf("trigger 1 tdata2 %x (separate)\n", csr_read(tdata2));
  disarm_all();
  printf("illegal %u\n", illegal);

  /* --- execute triggers --- */
  u32 fa = (u32)(uintptr_t)target_fn;
  csr_clear(mstatus, MSTATUS_MIE);
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_M | T_EXEC);
  u32 r = target_fn(5);
  report("exec M, MIE=0", fa);
  printf("  result %u\n", r);

  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_M | T_EXEC);
  csr_set(mstatus, MSTATUS_MIE);
  r = target_fn(6);
  csr_clear(mstatus, MSTATUS_MIE);
  report("exec M, MIE=1", fa);
  printf("  result %u\n", r);

  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_S | T_U | T_EXEC);
  csr_set(mstatus, MSTATUS_MIE);
  r = target_fn(7);
  csr_clear(mstatus, MSTATUS_MIE);
  report("exec S|U only, in M", fa);
  disarm_all();

  csr_write(tselect, 1);
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_M | T_EXEC);
  csr_set(mstatus, MSTATUS_MIE);
  r = other_fn(1);
  r += target_fn(8);
  csr_clear(mstatus, MSTATUS_MIE);
  report("exec trigger 1, M", fa);
  printf("  result %u\n", r);

  /* trigger armed but only load/store: no exec hit */
  csr_write(tselect, 0);
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_M | T_LOAD | T_STORE);
  csr_set(mstatus, MSTATUS_MIE);
  r = target_fn(9);
  csr_clear(mstatus, MSTATUS_MIE);
  report("load/store trigger on code, executed", fa);
  disarm_all();

  /* U-mode */
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_U | T_EXEC);
  r = run_in_mode(PRV_U, u_call, 10);
  report("exec U bit, in U", fa);
  printf("  result %u\n", r);
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_M | T_S | T_EXEC);
  r = run_in_mode(PRV_U, u_call, 11);
  report("exec M|S bits, in U", fa);
  disarm_all();
  csr_write(tdata2, fa);
  csr_write(tdata1, T_TYPE2 | T_S | T_EXEC);
  r = run_in_mode(PRV_S, u_call, 12);
  report("exec S bit, in S", fa);
  disarm_all();

  /* --- load/store triggers --- */
  u32 da = (u32)(uintptr_t)&data[2];
  static const struct { const char *name; int off; int size; int store; } acc[] = {
    {"lw +0", 0, 4, 0}, {"lb +0", 0, 1, 0}, {"lb +3", 3, 1, 0}, {"lb +4", 4, 1, 0}, {"lw -4", -4, 4, 0},
    {"lh -1", -1, 2, 0}, {"lw +2", 2, 4, 0}, {"sw +0", 0, 4, 1}, {"sb +1", 1, 1, 1}, {"sh +4", 4, 2, 1},
    {"sw -2", -2, 4, 1},
  };
  static const u32 modes[] = {T_LOAD, T_STORE, T_LOAD | T_STORE};
  static const char *mname[] = {"load", "store", "load|store"};
  for (u32 m = 0; m < 3; m++) {
    for (u32 i = 0; i < sizeof acc / sizeof acc[0]; i++) {
      for (u32 k = 0; k < 8; k++) data[k] = 0x11111111u * (k + 1);
      csr_write(tdata2, da);
      csr_write(tdata1, T_TYPE2 | T_M | modes[m]);
      csr_set(mstatus, MSTATUS_MIE);
      disarm_on_hit = 0;
      hits = 0;
      u32 a = da + acc[i].off;
      u32 v = 0;
      /* without disarming, the access traps once and is then skipped by the hook? no: retried */
      disarm_on_hit = 1;
      if (acc[i].store) {
        if (acc[i].size == 4) *(volatile u32 *)(uintptr_t)a = 0xa5a5a5a5u;
        else if (acc[i].size == 2) *(volatile uint16_t *)(uintptr_t)a = 0xa5a5;
        else *(volatile uint8_t *)(uintptr_t)a = 0xa5;
      } else {
        if (acc[i].size == 4) v = *(volatile u32 *)(uintptr_t)a;
        else if (acc[i].size == 2) v = *(volatile uint16_t *)(uintptr_t)a;
        else v = *(volatile uint8_t *)(uintptr_t)a;
      }
      csr_clear(mstatus, MSTATUS_MIE);
      printf("%s %s: ", mname[m], acc[i].name);
      report("", da);
      (void)v;
      disarm_all();
    }
  }

  /* sizelo: 1-byte trigger */
  csr_write(tdata2, da);
  csr_write(tdata1, T_TYPE2 | (1u << 16) | T_M | T_LOAD);
  csr_set(mstatus, MSTATUS_MIE);
  (void)*(volatile uint8_t *)(uintptr_t)(da + 1);
  csr_clear(mstatus, MSTATUS_MIE);
  report("sizelo=1, lb +1", da);
  csr_write(tdata2, da);
  csr_write(tdata1, T_TYPE2 | (1u << 16) | T_M | T_LOAD);
  csr_set(mstatus, MSTATUS_MIE);
  (void)*(volatile uint8_t *)(uintptr_t)(da);
  csr_clear(mstatus, MSTATUS_MIE);
  report("sizelo=1, lb +0", da);
  disarm_all();

  /* load trigger in M with MIE=0 */
  csr_write(tdata2, da);
  csr_write(tdata1, T_TYPE2 | T_M | T_LOAD);
  (void)data[2];
  report("load M, MIE=0", da);
  disarm_all();

  /* store not performed when the trigger fires (store value checked after the retry) */
  data[2] = 1;
  csr_write(tdata2, da);
  csr_write(tdata1, T_TYPE2 | T_M | T_STORE);
  csr_set(mstatus, MSTATUS_MIE);
  disarm_on_hit = 1;
  data[2] = 2;
  csr_clear(mstatus, MSTATUS_MIE);
  report("store, retried", da);
  printf("  data %u\n", data[2]);
  disarm_all();

  /* sizelo=3: QEMU 7.2 watches 3 bytes (it passes the encoding as the length) */
  static const int off3[] = {2, 3};
  for (u32 i = 0; i < 2; i++) {
    csr_write(tdata2, da);
    csr_write(tdata1, T_TYPE2 | (3u << 16) | T_M | T_LOAD);
    (void)*(volatile uint8_t *)(uintptr_t)(da + off3[i]);
    printf("sizelo=3, lb +%d: ", off3[i]);
    report("", da);
    disarm_all();
  }

  /* AMOs and LR/SC against load-only and store-only triggers */
  for (u32 m = 0; m < 2; m++) {
    u32 kind = m == 0 ? T_LOAD : T_STORE;
    u32 old;
    csr_write(tdata2, da);
    csr_write(tdata1, T_TYPE2 | T_M | kind);
    __asm__ volatile("amoadd.w %0, %1, (%2)" : "=r"(old) : "r"(1), "r"(da) : "memory");
    printf("amoadd.w vs %s: ", mname[m]);
    report("", da);
    csr_write(tdata2, da);
    csr_write(tdata1, T_TYPE2 | T_M | kind);
    __asm__ volatile("lr.w %0, (%1)" : "=r"(old) : "r"(da) : "memory");
    printf("lr.w vs %s: ", mname[m]);
    report("", da);
    u32 fail;
    csr_write(tdata2, da);
    csr_write(tdata1, T_TYPE2 | T_M | kind);
    __asm__ volatile("lr.w %0, (%2)\n sc.w %1, %0, (%2)" : "=&r"(old), "=&r"(fail) : "r"(da) : "memory");
    printf("lr.w/sc.w vs %s: ", mname[m]);
    report("", da);
    disarm_all();
  }

  /* type 6 (mcontrol6) execute trigger in M */
  csr_write(tdata2, fa);
  csr_write(tdata1, (6u << 28) | T_M | T_EXEC);
  printf("type 6 tdata1 %x\n", csr_read(tdata1));
  r = target_fn(13);
  report("type 6 exec M", fa);
  printf("  result %u\n", r);
  disarm_all();

  /* an execute trigger in the middle of straight-line code, and one armed on a hot loop */
  extern char mid_label[];
  u32 ma = (u32)(uintptr_t)mid_label;
  csr_write(tdata2, ma);
  csr_write(tdata1, T_TYPE2 | T_M | T_EXEC);
  u32 acc_v = 0;
  __asm__ volatile("addi %0, %0, 1\n addi %0, %0, 2\n .global mid_label\nmid_label:\n addi %0, %0, 4\n addi %0, %0, 8"
                   : "+r"(acc_v));
  report("exec mid-block", ma);
  printf("  value %u\n", acc_v);
  u32 sum = 0, at = 0;
  for (u32 i = 0; i < 400; i++) {
    if (i == 300) {
      csr_write(tdata2, fa);
      csr_write(tdata1, T_TYPE2 | T_M | T_EXEC);
    }
    u32 before = hits;
    sum += target_fn(i);
    if (hits != before) at = i;
  }
  report("exec armed in a hot loop", fa);
  printf("  at %u sum %u\n", at, sum);
  disarm_all();

  printf("illegal %u\n", illegal);
  printf("done\n");
  return 0;
}
