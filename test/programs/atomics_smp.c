/*
 * atomics_smp: two harts (run with 2 harts: QEMU -smp 2, vmscope --harts 2) share counters:
 * amoadd, an lr/sc increment loop, and a test-and-set spinlock (amoswap.w.aq / amoswap.w.rl) around
 * plain read-modify-write. Whatever the interleaving, only final totals are printed.
 * Hart 0 waits in wfi (woken by an msip IPI from hart 1): QEMU's round-robin TCG under -icount only
 * switches harts when one halts or every 100 ms of virtual time (= 10^8 instructions).
 * Exit code: 0 when the totals are right, 3 if hart 1 never shows up (1 s of mtime).
 */
#include "rt.h"

#define N 20000

static volatile u32 amo_counter, lrsc_counter, locked_counter, lock, done, started;
static volatile u32 per_hart[2];

static void spin_lock(volatile u32 *l) {
  u32 old;
  do {
    __asm__ volatile("amoswap.w.aq %0, %2, (%1)" : "=&r"(old) : "r"(l), "r"(1) : "memory");
  } while (old);
}
static void spin_unlock(volatile u32 *l) { __asm__ volatile("amoswap.w.rl x0, x0, (%0)" ::"r"(l) : "memory"); }

static void work(u32 hart) {
  __asm__ volatile("amoadd.w x0, %1, (%0)" ::"r"(&started), "r"(1) : "memory");
  for (u32 i = 0; i < N; i++) {
    __asm__ volatile("amoadd.w x0, %1, (%0)" ::"r"(&amo_counter), "r"(1) : "memory");
    u32 t, r;
    __asm__ volatile(
        "1: lr.w %0, (%2)\n"
        "   addi %0, %0, 2\n"
        "   sc.w %1, %0, (%2)\n"
        "   bnez %1, 1b\n"
        : "=&r"(t), "=&r"(r)
        : "r"(&lrsc_counter)
        : "memory");
    spin_lock(&lock);
    locked_counter = locked_counter + 3; /* plain load/add/store, protected by the lock */
    per_hart[hart]++;
    spin_unlock(&lock);
  }
  __asm__ volatile("amoadd.w x0, %1, (%0)" ::"r"(&done), "r"(1) : "memory");
  if (hart == 1) MMIO32(CLINT_MSIP(0)) = 1; /* wake hart 0 */
}

static u64 mtime(void) {
  u32 hi, lo;
  do {
    hi = MMIO32(CLINT_MTIME + 4);
    lo = MMIO32(CLINT_MTIME);
  } while (hi != MMIO32(CLINT_MTIME + 4));
  return ((u64)hi << 32) | lo;
}

/* Sleep until *v == want (woken by msip from hart 1) or mtime passes the deadline. */
static int wait_for(volatile u32 *v, u32 want) {
  u64 deadline = mtime() + 10000000u; /* 1 s at 10 MHz */
  MMIO32(CLINT_MTIMECMP(0) + 4) = 0xffffffffu;
  MMIO32(CLINT_MTIMECMP(0)) = (u32)deadline;
  MMIO32(CLINT_MTIMECMP(0) + 4) = (u32)(deadline >> 32);
  csr_write(mie, MIP_MSIP | MIP_MTIP); /* wfi wakes on these even with mstatus.MIE = 0 */
  while (*v != want) {
    if (mtime() >= deadline) return 0;
    __asm__ volatile("wfi");
    MMIO32(CLINT_MSIP(0)) = 0;
  }
  csr_write(mie, 0);
  return 1;
}

void hart_main(u32 hartid) {
  if (hartid == 1) work(1);
  MMIO32(CLINT_MSIP(1)) = 0;
  for (;;) __asm__ volatile("wfi");
}

int main(void) {
  printf("atomics_smp: 2 harts x %u iterations\n", N);
  work(0);
  if (!wait_for(&done, 2)) {
    printf("hart 1 never finished (started: %u)\n", started);
    return 3;
  }
  printf("amoadd counter: %u\n", amo_counter);
  printf("lr/sc counter:  %u\n", lrsc_counter);
  printf("locked counter: %u\n", locked_counter);
  printf("per hart: %u + %u\n", per_hart[0], per_hart[1]);
  int ok = amo_counter == 2 * N && lrsc_counter == 4 * N && locked_counter == 6 * N &&
           per_hart[0] == N && per_hart[1] == N;
  printf("%s\n", ok ? "totals OK" : "totals WRONG");
  return ok ? 0 : 1;
}
