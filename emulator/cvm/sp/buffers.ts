/**
 * Command buffer layouts: little-endian, after the kernel's packed `struct sev_data_*`
 * (include/linux/psp-sev.h). Fields marked "vmscope" have no counterpart there (see README.md).
 */

/** struct sev_data_launch_start, then host_data (SNP's, struct sev_data_snp_launch_finish). */
export const LaunchStartBuf = {
  handle: 0x00, policy: 0x04, dhCertAddress: 0x08, dhCertLen: 0x10, sessionAddress: 0x18, sessionLen: 0x20,
  /** vmscope: 32 bytes reported as host_data. */
  hostData: 0x28,
  size: 0x48,
} as const;

/** struct sev_data_launch_update_data / _vmsa, then the guest-physical address (vmscope). */
export const LaunchUpdateBuf = { handle: 0x00, address: 0x08, len: 0x10, gpa: 0x18, size: 0x20 } as const;

/** struct sev_data_launch_measure. */
export const LaunchMeasureBuf = { handle: 0x00, address: 0x08, len: 0x10, size: 0x18 } as const;

/** struct sev_data_launch_finish, sev_data_deactivate, sev_data_decommission. */
export const HandleBuf = { handle: 0x00, size: 0x04 } as const;

/** struct sev_data_activate. */
export const ActivateBuf = { handle: 0x00, asid: 0x04, size: 0x08 } as const;

/** struct sev_data_guest_status (packed: 13 bytes). */
export const GuestStatusBuf = { handle: 0x00, policy: 0x04, asid: 0x08, state: 0x0c, size: 0x0d } as const;

/**
 * struct sev_data_attestation_report with SNP's 64-byte report_data in place of SEV's 16-byte mnonce
 * (so len moves from 0x20 to 0x50).
 */
export const AttestationBuf = { handle: 0x00, address: 0x08, reportData: 0x10, len: 0x50, size: 0x58 } as const;

/** struct sev_data_dbg. */
export const DbgBuf = { handle: 0x00, srcAddr: 0x08, dstAddr: 0x10, len: 0x18, size: 0x20 } as const;

/** A command buffer's bytes, read from DRAM before the command and written back after it. */
export class CmdBuffer {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(off: number): number {
    return this.view.getUint8(off);
  }

  u32(off: number): number {
    return this.view.getUint32(off, true);
  }

  /** A u64 field as a number; exact below 2^53, and any larger value is out of every range anyway. */
  u64(off: number): number {
    return this.view.getUint32(off + 4, true) * 0x1_0000_0000 + this.view.getUint32(off, true);
  }

  bytesAt(off: number, len: number): Uint8Array {
    return this.bytes.slice(off, off + len);
  }

  setU8(off: number, v: number): void {
    this.view.setUint8(off, v);
  }

  setU32(off: number, v: number): void {
    this.view.setUint32(off, v >>> 0, true);
  }
}
