/*
 * cvm: the secure processor's interface (sp.c) and the launch and attestation steps built on it
 * (sev.c). Names follow Linux, so that each piece can be looked up there:
 *   command ids     enum sev_cmd             include/linux/psp-sev.h
 *   status codes    enum sev_ret_code        include/uapi/linux/psp-sev.h
 *   buffers         struct sev_data_*        include/linux/psp-sev.h (packed, little-endian)
 *   the mailbox     __sev_do_cmd_locked      drivers/crypto/ccp/sev-dev.c
 *   launch steps    sev_launch_start, ...    arch/x86/kvm/svm/sev.c
 * vmscope's device: emulator/cvm/sp/README.md (registers, commands, buffer layouts, the report).
 */
#ifndef CVM_SEV_H
#define CVM_SEV_H

#include "hv.h"

/* ---- The mailbox registers (32-bit, aligned accesses only) ---- */
#define SP_CMDRESP 0x00 /* W: cmd << 16 runs a command. R: bit 31 done, 23:16 last command, 15:0 status */
#define SP_BUF_LO 0x04  /* command buffer system physical address, bits 31:0 */
#define SP_BUF_HI 0x08  /* ... bits 33:32 */
#define SP_MAGIC 0x0c   /* reads 0x50535056, 'VPSP' */
#define SP_VERSION 0x10
#define SP_MAGIC_VALUE 0x50535056u
#define SP_CMDRESP_DONE (1u << 31)

/* ---- Commands used here (enum sev_cmd) ---- */
#define SEV_CMD_ACTIVATE 0x21
#define SEV_CMD_LAUNCH_START 0x30
#define SEV_CMD_LAUNCH_UPDATE_DATA 0x31
#define SEV_CMD_LAUNCH_MEASURE 0x33
#define SEV_CMD_LAUNCH_FINISH 0x35
#define SEV_CMD_ATTESTATION_REPORT 0x36

#define SEV_RET_SUCCESS 0

/* Guest policy bits (SEV_POLICY_MASK_*): 0 NODBG, 2 ES; vmscope: 16 SNP. 0 = encryption only. */
#define SEV_POLICY_NODBG (1u << 0)
#define SEV_POLICY_ES (1u << 2)
#define SEV_POLICY_SNP (1u << 16)

#define SEV_DIGEST_SIZE 48   /* SHA-384 launch digest */
#define SEV_REPORT_SIZE 0x4a0 /* attestation report, SEV-SNP layout */
#define SEV_REPORT_DATA_SIZE 64

/* ---- Command buffers (struct sev_data_*; RV32's natural alignment gives the packed offsets) ---- */
struct sev_data_launch_start { /* LAUNCH_START */
  u32 handle;                  /* in: 0 (a new key); out: the new guest's handle */
  u32 policy;
  u64 dh_cert_address;         /* the guest owner's key exchange: not modelled, 0 */
  u32 dh_cert_len;
  u32 reserved;
  u64 session_address;         /* the launch session blob: not modelled, 0 */
  u32 session_len;
  u32 reserved2;
  u8 host_data[32];            /* vmscope: echoed in the report's host_data (SNP's LAUNCH_FINISH has it) */
};

struct sev_data_launch_update_data { /* LAUNCH_UPDATE_DATA */
  u32 handle;
  u32 reserved;
  u64 address;                       /* system physical address of the (plaintext) range */
  u32 len;                           /* a multiple of 16 */
  u32 reserved2;
  u64 gpa;                           /* vmscope: where the guest will see it (the digest records it, as SNP) */
};

struct sev_data_launch_measure { /* LAUNCH_MEASURE */
  u32 handle;
  u32 reserved;
  u64 address;                   /* where the firmware writes the 48-byte digest */
  u32 len;                       /* in: room at address; out: 48 */
  u32 reserved2;
};

struct sev_data_activate { /* ACTIVATE */
  u32 handle;
  u32 asid;
};

struct sev_data_launch_finish { /* LAUNCH_FINISH */
  u32 handle;
};

struct sev_data_attestation_report { /* ATTESTATION_REPORT */
  u32 handle;
  u32 reserved;
  u64 address;                       /* where the firmware writes the signed report */
  u8 report_data[SEV_REPORT_DATA_SIZE]; /* vmscope: SNP's 64-byte report_data (SEV has a 16-byte mnonce) */
  u32 len;                           /* in: room at address; out: 0x4a0 */
  u32 reserved2;
};

_Static_assert(sizeof(struct sev_data_launch_start) == 0x48, "LAUNCH_START buffer");
_Static_assert(offsetof(struct sev_data_launch_update_data, gpa) == 0x18, "LAUNCH_UPDATE_DATA buffer");
_Static_assert(sizeof(struct sev_data_launch_measure) == 0x18, "LAUNCH_MEASURE buffer");
_Static_assert(offsetof(struct sev_data_attestation_report, len) == 0x50, "ATTESTATION_REPORT buffer");

/* ---- sp.c: the driver (Linux: drivers/crypto/ccp/sev-dev.c) ---- */
void sp_probe(void);                    /* checks the magic; prints the interface version */
u32 sp_do_cmd(u32 cmd, void *data);     /* runs one command, returns its status */
const char *sp_status_name(u32 status); /* "SUCCESS", "INVALID_GUEST_STATE", ... */

/* ---- sev.c: launching and attesting one guest (Linux: arch/x86/kvm/svm/sev.c) ---- */
struct sev_info {   /* KVM: struct kvm_sev_info */
  u32 handle;       /* the firmware's name for the guest (LAUNCH_START) */
  u32 asid;         /* its encryption identity: hgatp.VMID (cvm-model 1.1) */
  u32 policy;
};

void sev_clflush_pages(u32 hpa, u32 len);                          /* cbo.flush over a range */
void sev_launch_start(struct sev_info *sev, u32 policy, u32 asid); /* LAUNCH_START + ACTIVATE */
void sev_launch_update_data(struct sev_info *sev, u32 hpa, u32 gpa, u32 len);
void sev_launch_measure(struct sev_info *sev, u8 digest[SEV_DIGEST_SIZE]);
void sev_launch_finish(struct sev_info *sev);
u32 sev_get_attestation_report(struct sev_info *sev, const u8 report_data[SEV_REPORT_DATA_SIZE], u32 dst_hpa);

#endif
