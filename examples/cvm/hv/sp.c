/*
 * cvm, part 3: the secure processor driver. Linux: drivers/crypto/ccp/sev-dev.c, where
 * __sev_do_cmd_locked writes the command buffer's physical address into two mailbox registers,
 * writes the command id into the command register and waits for the firmware to answer.
 *
 * The secure processor (cvm-model 5) is a separate processor with its own firmware: it holds the
 * guests' keys, and the hypervisor can only ask it to do things through this mailbox. The buffers are
 * ordinary host memory; the firmware reads and writes them in DRAM (they are not encrypted: the host
 * has no key of its own here, cvm-model 1.3).
 */
#include "sev.h"

#define SP_REG(off) MMIO32(SP_BASE + (off))

/* enum sev_ret_code, include/uapi/linux/psp-sev.h */
static const char *const status_names[] = {
  "SUCCESS", "INVALID_PLATFORM_STATE", "INVALID_GUEST_STATE", "INVALID_CONFIG", "INVALID_LEN",
  "ALREADY_OWNED", "INVALID_CERTIFICATE", "POLICY_FAILURE", "INACTIVE", "INVALID_ADDRESS",
  "BAD_SIGNATURE", "BAD_MEASUREMENT", "ASID_OWNED", "INVALID_ASID", "WBINVD_REQUIRED",
  "DFFLUSH_REQUIRED", "INVALID_GUEST", "INVALID_COMMAND", "ACTIVE", "HWSEV_RET_PLATFORM",
  "HWSEV_RET_UNSAFE", "UNSUPPORTED", "INVALID_PARAM",
};

const char *sp_status_name(u32 status) {
  return status < sizeof status_names / sizeof status_names[0] ? status_names[status] : "(unknown status)";
}

void sp_probe(void) {
  /* On a machine without the device this load faults; the firmware (m_trap) explains. */
  u32 magic = SP_REG(SP_MAGIC);
  if (magic != SP_MAGIC_VALUE) {
    hv_printf("[hv] no secure processor at %x (magic %x)\n", SP_BASE, magic);
    hv_exit(5);
  }
  hv_printf("[hv] secure processor at %x: magic VPSP, interface version %u\n", SP_BASE, SP_REG(SP_VERSION));
}

u32 sp_do_cmd(u32 cmd, void *data) {
  /* Hardware: the buffer address is a 34-bit system physical address; ours are below 4 GiB. */
  SP_REG(SP_BUF_LO) = (u32)(uintptr_t)data;
  SP_REG(SP_BUF_HI) = 0;
  /* The store runs the command. vmscope's firmware completes it inside the store; a real PSP takes
   * milliseconds and interrupts when done (sev_wait_cmd_ioc), so wait for the done bit anyway. */
  SP_REG(SP_CMDRESP) = cmd << 16;
  u32 resp;
  do {
    resp = SP_REG(SP_CMDRESP);
  } while (!(resp & SP_CMDRESP_DONE));
  if (((resp >> 16) & 0xff) != cmd) {
    hv_printf("[hv] PANIC: the secure processor answered command %x, not %x\n", (resp >> 16) & 0xff, cmd);
    hv_exit(2);
  }
  return resp & 0xffff;
}
