/*
 * examples/attacks: the secure-processor driver (emulator/cvm/sp/README.md). A command is a buffer in
 * DRAM (the packed `struct sev_data_*` of Linux include/linux/psp-sev.h, plus vmscope's gpa field),
 * its address in BUF_LO/BUF_HI, and the command id written to CMDRESP; the command completes inside
 * that store, so the next load of CMDRESP has the status.
 */
#include "hv.h"

#define SP_CMDRESP 0x00u
#define SP_BUF_LO 0x04u
#define SP_BUF_HI 0x08u
#define CMDRESP_DONE (1u << 31)

#define CMD_ACTIVATE 0x21u
#define CMD_LAUNCH_START 0x30u
#define CMD_LAUNCH_UPDATE_DATA 0x31u
#define CMD_LAUNCH_UPDATE_VMSA 0x32u
#define CMD_LAUNCH_FINISH 0x35u

/* One buffer for every command, big enough for the largest used here (LAUNCH_START, 0x48 bytes). */
static u32 buf[0x48 / 4] __attribute__((aligned(64)));

static u32 sp_cmd(u32 cmd) {
  /* The firmware reads DRAM, not our cache: write the buffer back (and drop it, so that we read the
   * firmware's answer from DRAM afterwards). */
  cache_flush_range((u32)(uintptr_t)buf, sizeof buf);
  MMIO32(SP_BASE + SP_BUF_LO) = (u32)(uintptr_t)buf;
  MMIO32(SP_BASE + SP_BUF_HI) = 0;
  MMIO32(SP_BASE + SP_CMDRESP) = cmd << 16;
  u32 r = MMIO32(SP_BASE + SP_CMDRESP);
  return (r & CMDRESP_DONE) ? (r & 0xffffu) : 0xffffu;
}

const char *sp_status_name(u32 status) {
  switch (status) {
    case 0: return "SUCCESS";
    case 2: return "INVALID_GUEST_STATE";
    case 4: return "INVALID_LEN";
    case 9: return "INVALID_ADDRESS";
    case 12: return "ASID_OWNED";
    case 13: return "INVALID_ASID";
    case 16: return "INVALID_GUEST";
    case 18: return "ACTIVE";
    case 21: return "UNSUPPORTED";
    case 22: return "INVALID_PARAM";
    case 0xffff: return "no answer (is the secure processor there?)";
    default: return "error";
  }
}

u32 sp_launch_start(u32 policy, u32 *handle) {
  memset(buf, 0, sizeof buf);
  buf[1] = policy; /* handle @0 = 0 (no key sharing), policy @4, no DH/session, host_data 0 */
  u32 st = sp_cmd(CMD_LAUNCH_START);
  *handle = buf[0];
  return st;
}

u32 sp_activate(u32 handle, u32 asid) {
  memset(buf, 0, sizeof buf);
  buf[0] = handle;
  buf[1] = asid;
  return sp_cmd(CMD_ACTIVATE);
}

u32 sp_launch_update(u32 handle, u32 pa, u32 len, u32 gpa, int vmsa) {
  memset(buf, 0, sizeof buf);
  buf[0] = handle;
  buf[2] = pa; /* address u64 @8 */
  buf[4] = len; /* len u32 @0x10 */
  buf[6] = gpa; /* gpa u64 @0x18 */
  return sp_cmd(vmsa ? CMD_LAUNCH_UPDATE_VMSA : CMD_LAUNCH_UPDATE_DATA);
}

u32 sp_launch_finish(u32 handle) {
  memset(buf, 0, sizeof buf);
  buf[0] = handle;
  return sp_cmd(CMD_LAUNCH_FINISH);
}
