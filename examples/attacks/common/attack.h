/*
 * examples/attacks: what the hypervisor and its guests agree on. Included by both sides.
 *
 * Guest-physical memory (the same for every guest, at every level):
 *
 *   0x80000000  private RAM, GUEST_PRIVATE_SIZE bytes: the guest image (code, data, its VS-stage page
 *               table, stack). All of it is launch memory: the hypervisor gives every page to
 *               LAUNCH_UPDATE_DATA, so under SNP every page the guest uses is already validated.
 *   0x80400000  the shared page (GHCB-like): the only memory both sides read in plaintext. The guest
 *               maps it with the C-bit clear; requests to the hypervisor go through it.
 *   VMSA_GPA    where the VM save area is said to live (SEV-ES/SNP levels): recorded in the launch
 *               digest and the RMP, never mapped by the guest.
 *
 * The guest enables Sv32 at once (crt0.S): VA 0x80000000 maps GPA 0x80000000 | C (private, 4 MiB
 * megapage), VA 0x80400000 maps GPA 0x80400000 (shared). The C-bit is bit 33 of a GPA, so only a
 * VS-stage page table can set it (cvm-model 2.1).
 */
#ifndef ATTACKS_ATTACK_H
#define ATTACKS_ATTACK_H


#define GUEST_RAM_GPA 0x80000000u
#define GUEST_PRIVATE_SIZE 0x8000u /* 32 KiB: 8 launch pages */
#define GHCB_GPA 0x80400000u
#define GHCB_VA 0x80400000u
#define VMSA_GPA 0x8ffff000u

/* Requests: the guest writes one into ghcb.req, its arguments into ghcb.arg[], then executes ecall
 * (VM exit, cause 10). At SEV-ES/SNP levels the hardware clears the registers at that exit, so the
 * shared page is the only channel (cvm-model 6.1). */
#define REQ_NONE 0
#define REQ_PRINT 1 /* print ghcb.msg (one line, NUL-terminated) */
#define REQ_STEP 2  /* "I have reached step arg[0]": the attack acts between steps; arg[1..] per attack */
#define REQ_DONE 3  /* the guest is finished */
#define REQ_VC 4    /* from the #VC handler: arg[0] = vscause (24), arg[1] = vstval (the original cause), arg[2] = vsepc */

#define GHCB_MSG 120
#define GHCB_DATA 64

#ifndef __ASSEMBLER__
#include <stdint.h>

struct ghcb {
  uint32_t req;
  uint32_t arg[6];
  uint32_t ret;
  char msg[GHCB_MSG];
  uint8_t data[GHCB_DATA]; /* bytes a guest chooses to disclose */
};
#endif

#endif
