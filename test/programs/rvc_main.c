/* rvc: driver for rvc.S (every RV32C form): prints each result by name, and the c.ebreak trap. */
#include "rt.h"

u32 rvc_run(u32 *out);
extern const char *const rvc_names[];
extern char rvc_ebreak_at[];

static volatile u32 ebreak_cause, ebreak_tval, ebreak_epc_off, traps;
static int hook(struct trap_frame *f) {
  ebreak_cause = f->cause;
  ebreak_tval = f->tval;
  ebreak_epc_off = f->epc - (u32)(uintptr_t)rvc_ebreak_at;
  traps++;
  f->epc += insn_len_at(f->epc);
  return 1;
}

int main(void) {
  static u32 out[128];
  m_trap_hook = hook;
  u32 n = rvc_run(out);
  m_trap_hook = 0;
  printf("rvc: %u results\n", n);
  for (u32 i = 0; i < n; i++) printf("%-28s %08x\n", rvc_names[i], out[i]);
  printf("c.ebreak: traps=%u mcause=%u mtval=%08x epc-label=%u len=%u\n", traps, ebreak_cause, ebreak_tval,
         ebreak_epc_off, insn_len_at((u32)(uintptr_t)rvc_ebreak_at));
  return 0;
}
