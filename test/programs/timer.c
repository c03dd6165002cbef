/*
 * timer: CLINT machine timer and software interrupts. Only what is deterministic on QEMU
 * (-icount shift=0,sleep=off) and on an exact emulator is printed: interrupt counts for loops that wait
 * for N interrupts, mcause values, pending bits, order of simultaneous interrupts -- never timestamps.
 *   - mtimecmp in the future: MTIP clear; wfi with MIE=0 wakes when it passes, no trap taken
 *   - a handler counting MTI ticks (re-arming mtimecmp), main waiting in wfi for 5 ticks
 *   - msip: MSIP pending bit, the interrupt, clearing it
 *   - MSI and MTI pending together: MSI is taken first (priority MEI > MSI > MTI)
 *   - mepc of an interrupt taken while in wfi points after the wfi
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

static u64 mtime(void) {
  u32 hi, lo;
  do {
    hi = MMIO32(CLINT_MTIME + 4);
    lo = MMIO32(CLINT_MTIME);
  } while (hi != MMIO32(CLINT_MTIME + 4));
  return ((u64)hi << 32) | lo;
}

static void set_mtimecmp(u64 t) {
  MMIO32(CLINT_MTIMECMP(0) + 4) = 0xffffffffu; /* no spurious interrupt while the halves change */
  MMIO32(CLINT_MTIMECMP(0)) = (u32)t;
  MMIO32(CLINT_MTIMECMP(0) + 4) = (u32)(t >> 32);
}

#define INTERVAL 5000u /* ticks of 100 ns: 0.5 ms, 50,000 instructions */

static volatile u32 mti, msi, order[8], norder, last_cause, last_epc;
static volatile u64 next_deadline;
static volatile int rearm;

static int hook(struct trap_frame *f) {
  if (!(f->cause & 0x80000000u)) return 0;
  last_cause = f->cause;
  last_epc = f->epc;
  u32 code = f->cause & 0x7fffffffu;
  if (norder < 8) order[norder++] = code;
  if (code == 7) {
    mti++;
    if (rearm) {
      next_deadline += INTERVAL;
      set_mtimecmp(next_deadline);
    } else {
      set_mtimecmp(~0ull);
    }
  } else if (code == 3) {
    msi++;
    MMIO32(CLINT_MSIP(0)) = 0;
  } else {
    return 0;
  }
  return 1;
}

int main(void) {
  printf("timer\n");
  m_trap_hook = hook;
  csr_write(mie, 0);
  printf("MTIP at boot (mtimecmp resets to 0): %u\n", (csr_read(mip) >> 7) & 1);

  /* mtimecmp in the future: not pending; wfi with MIE=0 and MTIE=1 wakes up once it passes */
  u64 t0 = mtime();
  set_mtimecmp(t0 + 1000);
  printf("mtimecmp = mtime + 1000: MTIP %u\n", (csr_read(mip) >> 7) & 1);
  csr_write(mie, MIP_MTIP);
  u32 wakeups = 0;
  while (!(csr_read(mip) & MIP_MTIP)) {
    __asm__ volatile("wfi");
    wakeups++;
  }
  u64 t1 = mtime();
  printf("after wfi (MIE=0): MTIP %u, handler calls %u, waited at least 1000 ticks: %s\n", (csr_read(mip) >> 7) & 1,
         mti, (t1 - t0) >= 1000 ? "yes" : "no");
  set_mtimecmp(~0ull);
  printf("mtimecmp = max: MTIP %u\n", (csr_read(mip) >> 7) & 1);
  printf("mtimecmp reads back: %08x %08x\n", MMIO32(CLINT_MTIMECMP(0) + 4), MMIO32(CLINT_MTIMECMP(0)));

  /* a ticking handler: wait in wfi for 5 ticks */
  mti = 0;
  norder = 0;
  rearm = 1;
  next_deadline = mtime() + INTERVAL;
  set_mtimecmp(next_deadline);
  csr_write(mie, MIP_MTIP);
  csr_set(mstatus, MSTATUS_MIE);
  u32 loops = 0;
  while (mti < 5) {
    __asm__ volatile("wfi");
    loops++;
  }
  csr_clear(mstatus, MSTATUS_MIE);
  rearm = 0;
  set_mtimecmp(~0ull);
  printf("waited for 5 ticks: mti=%u, mcause %08x, wfi loop ran 5 times: %s\n", mti, last_cause, loops == 5 ? "yes" : "no");
  check("ticks", mti, 5);

  /* mepc of an interrupt taken in wfi */
  mti = 0;
  u32 wfi_at;
  set_mtimecmp(mtime() + 100);
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile(".option push\n.option norvc\n la %0, 1f\n 1: wfi\n .option pop\n" : "=&r"(wfi_at)::"memory");
  csr_clear(mstatus, MSTATUS_MIE);
  printf("interrupt in wfi: mti=%u mepc-wfi=%d\n", mti, (i32)(last_epc - wfi_at));

  /* software interrupt */
  msi = 0;
  csr_write(mie, 0);
  MMIO32(CLINT_MSIP(0)) = 1;
  printf("msip=1: msip reg %u, mip.MSIP %u\n", MMIO32(CLINT_MSIP(0)), (csr_read(mip) >> 3) & 1);
  csr_write(mie, MIP_MSIP);
  printf("MSIE=1, MIE=0: taken %u\n", msi);
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop");
  csr_clear(mstatus, MSTATUS_MIE);
  printf("MIE=1: taken %u, mcause %08x, msip reg %u, mip.MSIP %u\n", msi, last_cause, MMIO32(CLINT_MSIP(0)),
         (csr_read(mip) >> 3) & 1);
  check("msi", msi, 1);
  MMIO32(CLINT_MSIP(0)) = 0xfffffffeu; /* only bit 0 is writable */
  printf("msip <- 0xfffffffe: reads %u\n", MMIO32(CLINT_MSIP(0)));

  /* both pending: MSI before MTI */
  norder = 0;
  mti = msi = 0;
  set_mtimecmp(0);
  MMIO32(CLINT_MSIP(0)) = 1;
  csr_write(mie, MIP_MSIP | MIP_MTIP);
  printf("pending together: mip & (MSIP|MTIP) = %03x\n", csr_read(mip) & (MIP_MSIP | MIP_MTIP));
  csr_set(mstatus, MSTATUS_MIE);
  __asm__ volatile("nop\n nop");
  csr_clear(mstatus, MSTATUS_MIE);
  printf("taken in order:");
  for (u32 i = 0; i < norder; i++) printf(" %u", order[i]);
  printf(" (msi=%u mti=%u)\n", msi, mti);
  check("priority", order[0], 3);
  csr_write(mie, 0);
  set_mtimecmp(~0ull);

  /* 20 ticks with a shorter interval while computing between wfi */
  mti = 0;
  rearm = 1;
  next_deadline = mtime() + 1000;
  set_mtimecmp(next_deadline);
  csr_write(mie, MIP_MTIP);
  csr_set(mstatus, MSTATUS_MIE);
  u32 acc = 1;
  while (mti < 20) {
    for (int i = 0; i < 50; i++) acc = acc * 1103515245u + 12345u;
    __asm__ volatile("wfi");
  }
  csr_clear(mstatus, MSTATUS_MIE);
  rearm = 0;
  set_mtimecmp(~0ull);
  csr_write(mie, 0);
  printf("20 ticks while computing: mti=%u\n", mti);
  printf("timer done, %d failures\n", failures);
  m_trap_hook = 0;
  return failures;
}
