/**
 * The secure processor's mailbox protocol (cvm-model section 5): where it sits, its registers, the
 * command ids and status codes (Linux include/linux/psp-sev.h `enum sev_cmd`,
 * include/uapi/linux/psp-sev.h `sev_ret_code`), guest policy bits and guest states.
 */

/** Free in QEMU virt's memory map (hw/riscv/virt.c virt_memmap[]: after fw_cfg at 0x1010_0000, below flash at 0x2000_0000). */
export const SP_BASE = 0x1020_0000;
export const SP_SIZE = 0x1000;

/** Register offsets (32-bit, little-endian). */
export const SP_REG = {
  /** W: (cmd << 16) runs the command. R: bit 31 done, bits 23:16 last command, bits 15:0 status. */
  CMDRESP: 0x00,
  /** Command buffer address bits 31:0. */
  BUF_LO: 0x04,
  /** Command buffer address bits 33:32 in bits 1:0. */
  BUF_HI: 0x08,
  /** Read-only 'VPSP'. */
  MAGIC: 0x0c,
  /** Read-only interface version. */
  VERSION: 0x10,
} as const;

export const SP_MAGIC = 0x5053_5056;
export const SP_VERSION = 1;
export const CMDRESP_DONE = 0x8000_0000;

/** Command ids, as `enum sev_cmd` (include/linux/psp-sev.h). */
export const SpCmd = {
  DECOMMISSION: 0x20,
  ACTIVATE: 0x21,
  DEACTIVATE: 0x22,
  GUEST_STATUS: 0x23,
  LAUNCH_START: 0x30,
  LAUNCH_UPDATE_DATA: 0x31,
  LAUNCH_UPDATE_VMSA: 0x32,
  LAUNCH_MEASURE: 0x33,
  LAUNCH_FINISH: 0x35,
  ATTESTATION_REPORT: 0x36,
  DBG_DECRYPT: 0x60,
  DBG_ENCRYPT: 0x61,
} as const;

/** Firmware status codes, as `sev_ret_code` (include/uapi/linux/psp-sev.h, SEV_RET_*). */
export const SpStatus = {
  SUCCESS: 0,
  INVALID_PLATFORM_STATE: 1,
  INVALID_GUEST_STATE: 2,
  INVALID_CONFIG: 3,
  INVALID_LEN: 4,
  ALREADY_OWNED: 5,
  INVALID_CERTIFICATE: 6,
  POLICY_FAILURE: 7,
  INACTIVE: 8,
  INVALID_ADDRESS: 9,
  BAD_SIGNATURE: 10,
  BAD_MEASUREMENT: 11,
  ASID_OWNED: 12,
  INVALID_ASID: 13,
  WBINVD_REQUIRED: 14,
  DFFLUSH_REQUIRED: 15,
  INVALID_GUEST: 16,
  INVALID_COMMAND: 17,
  ACTIVE: 18,
  HWSEV_RET_PLATFORM: 19,
  HWSEV_RET_UNSAFE: 20,
  UNSUPPORTED: 21,
  INVALID_PARAM: 22,
} as const;

const STATUS_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SpStatus).map(([k, v]) => [v, k]));

/** 'INVALID_GUEST_STATE' for 2; 'status 0x..' for codes vmscope never returns. */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? `status 0x${code.toString(16)}`;
}

/**
 * Guest policy bits. NODBG and ES are SEV's (psp-sev.h SEV_POLICY_MASK_NODBG = BIT(0),
 * SEV_POLICY_MASK_ES = BIT(2)); SNP at bit 16 is vmscope's choice (SEV puts API_MAJOR there, which
 * vmscope does not check), selecting the integrity level of cvm-model 6.2.
 */
export const POLICY_NODBG = 1 << 0;
export const POLICY_ES = 1 << 2;
export const POLICY_SNP = 1 << 16;

const POLICY_FLAGS: readonly [number, string][] = [[POLICY_NODBG, 'NODBG'], [POLICY_ES, 'ES'], [POLICY_SNP, 'SNP']];

/** Names of the known bits set in `policy`, plus `other 0x..` for the rest (kept, not interpreted). */
export function decodePolicy(policy: number): string[] {
  const out = POLICY_FLAGS.filter(([bit]) => (policy & bit) !== 0).map(([, name]) => name);
  const other = (policy & ~(POLICY_NODBG | POLICY_ES | POLICY_SNP)) >>> 0;
  if (other !== 0) out.push(`other 0x${other.toString(16)}`);
  return out;
}

/**
 * Guest states as GUEST_STATUS reports them: the SEV API's GSTATE numbering (SEV API spec, "Guest
 * States": UNINIT 0, LUPDATE 1, LSECRET 2, RUNNING 3, ...). vmscope's LAUNCHING is LUPDATE (it has no
 * LSECRET: LAUNCH_MEASURE leaves the guest in LAUNCHING). DECOMMISSIONED is vmscope's, for the view.
 */
export const GuestState = {
  UNINIT: 0,
  LAUNCHING: 1,
  RUNNING: 3,
  DECOMMISSIONED: 0xff,
} as const;
export type GuestState = (typeof GuestState)[keyof typeof GuestState];

const STATE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GuestState).map(([k, v]) => [v, k]));

export function guestStateName(s: number): string {
  return STATE_NAMES[s] ?? `state ${s}`;
}

/** Encryption identities a guest may be activated with (cvm-model 1.1: hgatp.VMID, 0 is the host). */
export const ASID_MIN = 1;
export const ASID_MAX = 127;
