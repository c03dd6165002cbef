/*
 * cvm, part 4: launching an encrypted guest and getting it attested, one secure processor command
 * at a time. Each function is named after its counterpart in Linux arch/x86/kvm/svm/sev.c, which
 * QEMU drives through the KVM_SEV_* ioctls (Documentation/virt/kvm/x86/amd-memory-encryption.rst):
 *
 *   KVM_SEV_LAUNCH_START        sev_launch_start          LAUNCH_START, then ACTIVATE (sev_bind_asid)
 *   KVM_SEV_LAUNCH_UPDATE_DATA  sev_launch_update_data    encrypt a range in place, extend the digest
 *   KVM_SEV_LAUNCH_MEASURE      sev_launch_measure        read the launch digest
 *   KVM_SEV_LAUNCH_FINISH       sev_launch_finish         the guest may run
 *   KVM_SEV_GET_ATTESTATION_REPORT  sev_get_attestation_report  a signed report
 *
 * Every command prints one line: its arguments, then "->" and the status by name.
 */
#include "sev.h"

/* Zicbom's cache block size. A real hypervisor reads it from the device tree
 * (riscv,cbom-block-size); 64 is the size of vmscope's cache model and of most cores. */
#define CBO_BLOCK 64u

static void print_policy(u32 policy) {
  static const struct {
    u32 bit;
    const char *name;
  } flags[] = {{SEV_POLICY_NODBG, "NODBG"}, {SEV_POLICY_ES, "ES"}, {SEV_POLICY_SNP, "SNP"}};
  hv_printf("%x (", policy);
  if (!policy) hv_printf("encryption only: no NODBG, no ES, no SNP");
  const char *sep = "";
  for (u32 i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    if (policy & flags[i].bit) {
      hv_printf("%s%s", sep, flags[i].name);
      sep = ", ";
    }
  }
  hv_printf(")");
}

static void check(u32 status) {
  if (status != SEV_RET_SUCCESS) {
    hv_printf("[hv] the secure processor refused: %s; giving up\n", sp_status_name(status));
    hv_exit(2);
  }
}

/*
 * KVM: sev_launch_start. The firmware creates a guest context with a fresh memory encryption key (the
 * VEK, which never leaves the secure processor, cvm-model 1.2) and an empty launch digest, and returns
 * a handle that names the guest in every later command. KVM then binds the key to the guest's ASID
 * right away (sev_bind_asid -> ACTIVATE), before any page is encrypted, and so do we. (KVM chose the
 * ASID earlier, in sev_guest_init -> sev_asid_new; here it is the guest's VMID, cvm-model 1.1.)
 */
void sev_launch_start(struct sev_info *sev, u32 policy, u32 asid) {
  struct sev_data_launch_start start;
  memset(&start, 0, sizeof start); /* handle 0: a new key; no DH certificate or session blob */
  start.policy = policy;
  u32 status = sp_do_cmd(SEV_CMD_LAUNCH_START, &start);
  hv_printf("[hv] SP LAUNCH_START policy ");
  print_policy(policy);
  hv_printf(" -> %s, handle %u\n", sp_status_name(status), start.handle);
  check(status);
  sev->handle = start.handle;
  sev->policy = policy;

  /* KVM: sev_bind_asid. From now on, a private access by a guest running with this ASID (hgatp.VMID)
   * is encrypted and decrypted with the guest's key by the memory controller (cvm-model 3). A reused
   * ASID would first need its old lines flushed (KVM: WBINVD + DF_FLUSH); this one is fresh. */
  struct sev_data_activate activate = {.handle = sev->handle, .asid = asid};
  status = sp_do_cmd(SEV_CMD_ACTIVATE, &activate);
  hv_printf("[hv] SP ACTIVATE handle %u, ASID %u -> %s: the guest's key now belongs to ASID %u\n", sev->handle, asid,
            sp_status_name(status), asid);
  check(status);
  sev->asid = asid;
}

/*
 * KVM: sev_clflush_pages. Write the caches' lines of [hpa, hpa + len) back to DRAM and drop them. The
 * hypervisor's own writes (copying the image, zeroing RAM) sit in the caches tagged (address, ASID 0,
 * shared). Once the page is the guest's, such a stale dirty line, written back later, would land on top
 * of the guest's ciphertext (cvm-model 4.4); and the firmware encrypts in place in DRAM, where it must
 * find the plaintext. KVM flushes when QEMU registers guest memory as encrypted
 * (svm_register_enc_region) and again before LAUNCH_UPDATE_DATA.
 */
void sev_clflush_pages(u32 hpa, u32 len) {
  for (u32 a = hpa; a < hpa + len; a += CBO_BLOCK)
    __asm__ volatile(".option push\n\t.option arch, +zicbom\n\tcbo.flush (%0)\n\t.option pop" ::"r"(a) : "memory");
}

/*
 * KVM: sev_launch_update_data. The range [hpa, hpa + len) holds plaintext the hypervisor put there (the
 * guest image). The firmware hashes it into the launch digest, page by page with its guest-physical
 * address (cvm-model 5.5), then encrypts it in place with the guest's key. The hypervisor keeps the
 * pages but from now on sees only ciphertext in them.
 */
void sev_launch_update_data(struct sev_info *sev, u32 hpa, u32 gpa, u32 len) {
  sev_clflush_pages(hpa, len); /* the plaintext to DRAM, where the firmware encrypts it */

  struct sev_data_launch_update_data update;
  memset(&update, 0, sizeof update);
  update.handle = sev->handle;
  update.address = hpa;
  update.len = len;
  update.gpa = gpa;
  u32 status = sp_do_cmd(SEV_CMD_LAUNCH_UPDATE_DATA, &update);
  hv_printf("[hv] SP LAUNCH_UPDATE_DATA handle %u, GPA %x = host %x, %u bytes -> %s\n", sev->handle, gpa, hpa, len,
            sp_status_name(status));
  check(status);
}

/*
 * KVM: sev_launch_measure. The launch digest covers every page given to LAUNCH_UPDATE_DATA, in
 * order, with its contents and guest-physical address. The guest owner computes the same digest from
 * the image it built and compares it with the one in the attestation report. (SEV's LAUNCH_MEASURE
 * returns an HMAC of the digest for the guest owner's remote-launch protocol; vmscope returns the
 * digest itself, the value an SEV-SNP report carries.)
 */
void sev_launch_measure(struct sev_info *sev, u8 digest[SEV_DIGEST_SIZE]) {
  struct sev_data_launch_measure measure;
  memset(&measure, 0, sizeof measure);
  measure.handle = sev->handle;
  measure.address = (u32)(uintptr_t)digest;
  measure.len = SEV_DIGEST_SIZE;
  u32 status = sp_do_cmd(SEV_CMD_LAUNCH_MEASURE, &measure);
  hv_printf("[hv] SP LAUNCH_MEASURE handle %u -> %s, %u-byte launch digest:\n", sev->handle, sp_status_name(status),
            measure.len);
  check(status);
  hv_printf("[hv]   measurement ");
  hv_hex(digest, SEV_DIGEST_SIZE);
  hv_printf("\n");
}

/* KVM: sev_launch_finish. No more LAUNCH_UPDATE_*: the measured image is final and the guest may run. */
void sev_launch_finish(struct sev_info *sev) {
  struct sev_data_launch_finish finish = {.handle = sev->handle};
  u32 status = sp_do_cmd(SEV_CMD_LAUNCH_FINISH, &finish);
  hv_printf("[hv] SP LAUNCH_FINISH handle %u -> %s: the guest is RUNNING\n", sev->handle, sp_status_name(status));
  check(status);
}

/*
 * KVM: sev_get_attestation_report (KVM_SEV_GET_ATTESTATION_REPORT). The firmware writes a report signed
 * with the chip's key (ECDSA P-384): the policy, the launch digest, the caller's 64 bytes of
 * report_data, the chip id. Here the guest chose report_data and we only relay it. (On SEV-SNP the guest
 * asks the firmware itself, through messages encrypted with a key the hypervisor does not have:
 * SNP_GUEST_REQUEST, Linux drivers/virt/coco/sev-guest.)
 */
u32 sev_get_attestation_report(struct sev_info *sev, const u8 report_data[SEV_REPORT_DATA_SIZE], u32 dst_hpa) {
  struct sev_data_attestation_report report;
  memset(&report, 0, sizeof report);
  report.handle = sev->handle;
  report.address = dst_hpa;
  memcpy(report.report_data, report_data, SEV_REPORT_DATA_SIZE);
  report.len = SEV_REPORT_SIZE;
  u32 status = sp_do_cmd(SEV_CMD_ATTESTATION_REPORT, &report);
  hv_printf("[hv] SP ATTESTATION_REPORT handle %u, to host %x -> %s, %u bytes\n", sev->handle, dst_hpa,
            sp_status_name(status), report.len);
  return status;
}
