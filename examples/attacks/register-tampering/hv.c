/*
 * register-tampering (cvm-model 7, row 2; Hetzelt and Buhren, VEE 2017, the reason for SEV-ES):
 * at a VM exit the hypervisor reads the guest's registers and patches one before resuming it.
 *
 * Without register protection the guest's registers are simply there at the exit (hs_trap_entry
 * saves them into struct vcpu, vcpu_run loads them back), so reading and patching them works. With it
 * (6.1) the hardware has saved them into the encrypted VMSA and cleared them before HS runs, and VM
 * entry restores them from the VMSA: the hypervisor reads zeros and its patch is ignored.
 */
#include "hv.h"

#define NAME "register-tampering"
#define REG_S1 9
#define PATCH 1000000u

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 1");
    return;
  }
  u32 seen = g.vcpu.regs[REG_S1];
  hv_printf("[hv] at the exit: sepc = %x, sp = %x, s1 = %u; setting s1 = %u\n", g.exit_pc, g.vcpu.regs[2],
            seen, PATCH);
  g.vcpu.regs[REG_S1] = PATCH; /* the attack */

  if (guest_run_to_step(&g, 2) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach step 2");
    return;
  }
  u32 after = g.ghcb->arg[1];
  if (seen == 100 && after == PATCH)
    result(NAME, level, "SUCCEEDED", "read s1 = 100 at the exit; the guest resumed with s1 = %u", after);
  else if (seen == 0 && after == 100)
    result(NAME, level, "STOPPED", "register protection: s1 read 0 at the exit (cleared) and the patch was ignored: the guest still has %u",
           after);
  else
    result(NAME, level, "ERROR", "read s1 = %u, the guest then had %u", seen, after);
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor reads and patches a guest register at a VM exit (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
