/** CSR numbers and field masks (privileged spec 1.12, tables 2.2-2.5 and chapters 3-4). */

export const enum Priv {
  U = 0,
  S = 1,
  M = 3,
}

// mstatus / sstatus fields (3.1.6, figure 3.7 for RV32).
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_UBE = 1 << 6;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_VS = 3 << 9;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_FS = 3 << 13;
export const MSTATUS_XS = 3 << 15;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
export const MSTATUS_SD = 1 << 31;

/** Writable mstatus bits (QEMU 7.2 write_mstatus without F and without H on RV32: FS stays 0). */
export const MSTATUS_WRITABLE =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPRV | MSTATUS_SUM |
  MSTATUS_MPP | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TSR | MSTATUS_TW | MSTATUS_VS;

/** The sstatus view of mstatus (4.1.1): SIE SPIE UBE SPP VS FS XS SUM MXR SD. */
export const SSTATUS_MASK =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS |
  MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SD;

/** mstatus fields whose change alters address translation or protection (TLB flush). */
export const MSTATUS_VM_BITS = MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR;

// Interrupt numbers (3.1.9, table 3.6) and mip/mie bits.
export const IRQ_SSI = 1;
export const IRQ_MSI = 3;
export const IRQ_STI = 5;
export const IRQ_MTI = 7;
export const IRQ_SEI = 9;
export const IRQ_MEI = 11;
export const IRQ_LCOFI = 13;
export const MIP_SSIP = 1 << IRQ_SSI;
export const MIP_MSIP = 1 << IRQ_MSI;
export const MIP_STIP = 1 << IRQ_STI;
export const MIP_MTIP = 1 << IRQ_MTI;
export const MIP_SEIP = 1 << IRQ_SEI;
export const MIP_MEIP = 1 << IRQ_MEI;
export const MIP_LCOFIP = 1 << IRQ_LCOFI;

export const S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;
/** mie writable bits (QEMU 7.2: M and S interrupts plus LCOFI). */
export const MIE_WRITABLE = MIP_MSIP | MIP_MTIP | MIP_MEIP | S_INTERRUPTS | MIP_LCOFIP;
/** mideleg writable bits and mip bits software may write (QEMU 7.2 delegable_ints). */
export const DELEGABLE_INTS = S_INTERRUPTS | MIP_LCOFIP;
/** sip bits S-mode may write when delegated: SSIP, and LCOFIP as QEMU 7.2 allows (csr.c sip_writable_mask). */
export const SIP_WRITABLE = MIP_SSIP | MIP_LCOFIP;

/**
 * Priority order for simultaneous interrupts (3.1.9, 8.4.3 with H): MEI, MSI, MTI, SEI, SSI, STI, SGEI,
 * VSEI, VSSI, VSTI (then LCOFI).
 */
export const IRQ_PRIORITY: readonly number[] = [IRQ_MEI, IRQ_MSI, IRQ_MTI, IRQ_SEI, IRQ_SSI, IRQ_STI, 12, 10, 2, 6, IRQ_LCOFI];

// Exception causes (3.1.15, table 3.6).
export const enum Cause {
  InsnMisaligned = 0,
  InsnAccess = 1,
  Illegal = 2,
  Breakpoint = 3,
  LoadMisaligned = 4,
  LoadAccess = 5,
  StoreMisaligned = 6,
  StoreAccess = 7,
  EcallU = 8,
  EcallS = 9,
  EcallM = 11,
  InsnPage = 12,
  LoadPage = 13,
  StorePage = 15,
}

/**
 * medeleg writable bits: QEMU 7.2 DELEGABLE_EXCPS without the hypervisor causes (10, 20-23); note
 * QEMU lets M-mode ecall (11) be delegated although it can never be taken in S.
 */
export const DELEGABLE_EXCPS = 0xbbff;

// menvcfg / senvcfg (3.1.18, 4.1.10): FIOM, CBIE (2 bits), CBCFE, CBZE.
export const ENVCFG_FIOM = 1;
export const ENVCFG_CBIE_SHIFT = 4;
export const ENVCFG_CBIE = 3 << 4;
export const ENVCFG_CBCFE = 1 << 6;
export const ENVCFG_CBZE = 1 << 7;
export const ENVCFG_WRITABLE = ENVCFG_FIOM | ENVCFG_CBIE | ENVCFG_CBCFE | ENVCFG_CBZE;
/** menvcfgh: PBMTE (bit 62) and STCE (bit 63); QEMU 7.2 keeps both writable. */
export const MENVCFGH_WRITABLE = 0xc0000000 | 0;

/** marchid / mimpid: QEMU 7.2 reports its version there (the installed build reads 0x00070216). */
export const QEMU_MARCHID = 0x00070216;

// CSR numbers (2.2).
export const CSR = {
  // Unprivileged counters (Zicntr).
  cycle: 0xc00, time: 0xc01, instret: 0xc02, hpmcounter3: 0xc03,
  cycleh: 0xc80, timeh: 0xc81, instreth: 0xc82, hpmcounter3h: 0xc83,
  // Supervisor.
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144, satp: 0x180,
  // Machine.
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mstatush: 0x310, menvcfgh: 0x31a, mcountinhibit: 0x320,
  mhpmevent3: 0x323, mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  pmpcfg0: 0x3a0, pmpaddr0: 0x3b0,
  // Sdtrig (debug spec 5.7; QEMU 7.2 debug=true).
  tselect: 0x7a0, tdata1: 0x7a1, tdata2: 0x7a2, tdata3: 0x7a3, tinfo: 0x7a4,
  mcycle: 0xb00, minstret: 0xb02, mhpmcounter3: 0xb03, mcycleh: 0xb80, minstreth: 0xb82, mhpmcounter3h: 0xb83,
} as const;

/** Number of implemented programmable counters (QEMU 7.2 default pmu-num = 16: hpmcounter3..18). */
export const PMU_COUNTERS = 16;

// --- Hypervisor extension (privileged spec 1.12 ch. 8).

/** mstatush (8.4.1 / 3.1.6, RV32): MPV (mstatus bit 39) and GVA (bit 38). */
export const MSTATUSH_GVA = 1 << 6;
export const MSTATUSH_MPV = 1 << 7;

// hstatus (8.2.1), RV32 fields.
export const HSTATUS_VSBE = 1 << 5;
export const HSTATUS_GVA = 1 << 6;
export const HSTATUS_SPV = 1 << 7;
export const HSTATUS_SPVP = 1 << 8;
export const HSTATUS_HU = 1 << 9;
export const HSTATUS_VGEIN = 0x3f << 12;
export const HSTATUS_VTVM = 1 << 20;
export const HSTATUS_VTW = 1 << 21;
export const HSTATUS_VTSR = 1 << 22;
/** Writable hstatus bits (VSBE reads 0: little-endian only, as QEMU 7.2; VGEIN is 0 with GEILEN = 0). */
export const HSTATUS_WRITABLE = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;

// VS-level and guest-external interrupts (8.2.3 / 8.2.4 / 8.4.3).
export const IRQ_VSSI = 2;
export const IRQ_VSTI = 6;
export const IRQ_VSEI = 10;
export const IRQ_SGEI = 12;
export const MIP_VSSIP = 1 << IRQ_VSSI;
export const MIP_VSTIP = 1 << IRQ_VSTI;
export const MIP_VSEIP = 1 << IRQ_VSEI;
export const MIP_SGEIP = 1 << IRQ_SGEI;
export const VS_INTERRUPTS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
/** mideleg bits read-only one with H (8.4.2 / QEMU 7.2 HS_MODE_INTERRUPTS). */
export const HS_INTERRUPTS = VS_INTERRUPTS | MIP_SGEIP;

/** Exception causes added by H (8.6.1, table 8.7). */
export const CAUSE_ECALL_VS = 10;
export const CAUSE_INSN_GUEST_PAGE = 20;
export const CAUSE_LOAD_GUEST_PAGE = 21;
export const CAUSE_VIRTUAL_INSN = 22;
/**
 * vmscope's confidential-VM exceptions, in the range privileged spec table 3.6 designates for custom
 * use (emulator/cvm/README.md): #VC, delivered to the guest (register protection), and the integrity
 * fault of a reverse-map-table check.
 */
export const CAUSE_VC = 24;
export const CAUSE_INTEGRITY = 25;
export const CAUSE_STORE_GUEST_PAGE = 23;
/** medeleg writable bits with H (QEMU 7.2 DELEGABLE_EXCPS with the hypervisor causes). */
export const DELEGABLE_EXCPS_H = 0xf0bfff;
/** hedeleg writable bits (8.2.2: no ecall from HS/VS/M, no guest-page faults, no virtual instruction). */
export const HEDELEG_WRITABLE = 0xb1ff;

/** The H CSR numbers (table 2.3). */
export const HCSR = {
  hstatus: 0x600, hedeleg: 0x602, hideleg: 0x603, hie: 0x604, htimedelta: 0x605, hcounteren: 0x606,
  hgeie: 0x607, henvcfg: 0x60a, htimedeltah: 0x615, henvcfgh: 0x61a, htval: 0x643, hip: 0x644, hvip: 0x645,
  htinst: 0x64a, hgatp: 0x680, hgeip: 0xe12,
  vsstatus: 0x200, vsie: 0x204, vstvec: 0x205, vsscratch: 0x240, vsepc: 0x241, vscause: 0x242,
  vstval: 0x243, vsip: 0x244, vsatp: 0x280,
  mtinst: 0x34a, mtval2: 0x34b,
} as const;

/** CSR guard / access-check result: allowed (otherwise the exception cause). */
export const CSR_OK = 0;
