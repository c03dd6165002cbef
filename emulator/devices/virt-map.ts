/**
 * The QEMU 7.2 `virt` machine's memory map for the devices vmscope models (hw/riscv/virt.c,
 * `virt_memmap[]`) and the PLIC source numbers it wires (include/hw/riscv/virt.h).
 */
export const VIRT_TEST = { base: 0x0010_0000, size: 0x1000 } as const;
export const VIRT_CLINT = { base: 0x0200_0000, size: 0x1_0000 } as const;
/** VIRT_PLIC_SIZE(VIRT_CPUS_MAX * 2) = 0x200000 + 1024 contexts * 0x1000. */
export const VIRT_PLIC = { base: 0x0c00_0000, size: 0x60_0000 } as const;
/** The memmap slot is 0x100 bytes; QEMU's 16550 region inside it is 8 bytes (see uart16550.ts). */
export const VIRT_UART0 = { base: 0x1000_0000, size: 0x100 } as const;
export const VIRT_DRAM_BASE = 0x8000_0000;

/** PLIC source of UART0 (virt.h `UART0_IRQ`). */
export const UART0_IRQ = 10;

/** mip bit numbers the devices drive (privileged spec 3.1.9). */
export const MIP_MSIP = 3;
export const MIP_MTIP = 7;
export const MIP_SEIP = 9;
export const MIP_MEIP = 11;

/** mtime ticks at QEMU virt's 10 MHz timebase (RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ): 100 ns each. */
export const NS_PER_TICK = 100n;
