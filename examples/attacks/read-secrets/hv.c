/*
 * read-secrets (cvm-model 7, row 1): the hypervisor reads a private page of its guest.
 *
 * The hypervisor owns the G-stage table, so it knows which host page backs any guest-physical page,
 * and in HS-mode it can load from any host page. What it gets is what DRAM holds: plaintext when no
 * key is bound to the guest's ASID (level none), AES-XEX ciphertext under the guest's key otherwise
 * (cvm-model 3.1). Encryption stops the attack at every level from enc up.
 */
#include "hv.h"
#include "secret.h"

#define NAME "read-secrets"

static int printable(const u8 *b, u32 n) {
  for (u32 i = 0; i < n; i++)
    if (b[i] != 0 && (b[i] < 0x20 || b[i] > 0x7e)) return 0;
  return 1;
}

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  if (guest_run_to_step(&g, 1) != 0) {
    result(NAME, level, "ERROR", "the guest did not reach its request");
    return;
  }
  u32 gpa = g.ghcb->arg[1];
  u32 pa = gpa_to_pa(&g, gpa);
  u8 got[SECRET_LEN];
  memcpy(got, (const void *)(uintptr_t)pa, SECRET_LEN); /* the attack: an ordinary load in HS-mode */
  hv_printf("[hv] the G-stage table maps GPA %x to host %x; 16 bytes there: ", gpa, pa);
  hv_hex(got, SECRET_LEN);
  hv_printf("\n");
  if (memcmp(got, SECRET, SECRET_LEN) == 0)
    result(NAME, level, "SUCCEEDED", "read the secret \"%s\" in plaintext at host %x", (const char *)got, pa);
  else if (!printable(got, SECRET_LEN))
    result(NAME, level, "STOPPED", "encryption: host %x holds ciphertext, not the secret", pa);
  else
    result(NAME, level, "ERROR", "read neither the secret nor ciphertext");
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor loads from a private page of its guest (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
