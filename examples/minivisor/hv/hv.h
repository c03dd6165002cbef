/*
 * minivisor: definitions shared by the M-mode firmware (firmware.c), the hypervisor (minivisor.c)
 * and the console (console.c). Everything here is plain C99 + GCC inline assembly.
 */
#ifndef MINIVISOR_HV_H
#define MINIVISOR_HV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- Host physical memory map (QEMU virt; vmscope has the same) ---- */
#define TEST_FINISHER 0x00100000u  /* SiFive test finisher: write 0x5555 = pass, (code << 16) | 0x3333 = fail */
#define CLINT_BASE 0x02000000u
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000u) /* hart 0 */
#define CLINT_MTIME (CLINT_BASE + 0xbff8u)
#define UART0_BASE 0x10000000u     /* NS16550A; only the hypervisor touches it */
#define RAM_BASE 0x80000000u

#define MMIO8(a) (*(volatile u8 *)(uintptr_t)(a))
#define MMIO32(a) (*(volatile u32 *)(uintptr_t)(a))

/* ---- Time slicing ---- */
/* mtime runs at 10 MHz on QEMU virt; with -icount shift=0 (and on vmscope) that is 1 tick per 100
 * instructions, so one slice is about 300,000 guest instructions. */
#ifndef SLICE_TICKS
#define SLICE_TICKS 3000u
#endif

/* ---- CSR access ----
 * GCC 12 does not accept `h` in -march, so every instruction or CSR name that belongs to the
 * hypervisor extension is assembled inside `.option arch, +h` (binutils 2.40 then knows hgatp,
 * hstatus, vsatp, hlvx.hu, hfence.gvma, ...). Enabling H for a few lines is harmless: the code only
 * ever runs on a hart that has it. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define H_BEGIN ".option push\n\t.option arch, +h\n\t"
#define H_END "\n\t.option pop"
#define csr_read(csr) ({ u32 v_; __asm__ volatile(H_BEGIN "csrr %0, " STR(csr) H_END : "=r"(v_)::"memory"); v_; })
#define csr_write(csr, val) ({ __asm__ volatile(H_BEGIN "csrw " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_set(csr, val) ({ __asm__ volatile(H_BEGIN "csrs " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_clear(csr, val) ({ __asm__ volatile(H_BEGIN "csrc " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })

/* mstatus / sstatus */
#define MSTATUS_SIE (1u << 1)
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_SPIE (1u << 5)
#define MSTATUS_SPP (1u << 8)
#define MSTATUS_MPP (3u << 11)
#define MSTATUS_MPP_S (1u << 11)
#define MSTATUSH_MPV (1u << 7) /* mstatush: the trap came from V=1 (and mret returns to V=1) */

/* mip / mie / sip / sie */
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define MIP_STIP (1u << IRQ_S_TIMER)
#define MIP_MTIP (1u << IRQ_M_TIMER)

/* hstatus (hypervisor spec 8.2.1) */
#define HSTATUS_GVA (1u << 6)   /* stval holds a guest virtual address */
#define HSTATUS_SPV (1u << 7)   /* the trap came from V=1 / sret goes to V=1 */
#define HSTATUS_SPVP (1u << 8)  /* privilege of the guest at the trap (hlv/hsv use it) */
#define HSTATUS_VTW (1u << 21)  /* wfi in VS-mode raises a virtual-instruction exception */

/* Exception codes (mcause / scause without the interrupt bit) */
#define EXC_ILLEGAL 2
#define EXC_ECALL_U 8
#define EXC_ECALL_HS 9          /* ecall from S-mode with V=0 (the hypervisor calling the firmware) */
#define EXC_ECALL_VS 10         /* ecall from VS-mode (a guest calling its "SBI": us) */
#define EXC_INST_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15
#define EXC_INST_GUEST_PAGE 20  /* G-stage translation failed for a fetch */
#define EXC_LOAD_GUEST_PAGE 21  /* ... for a load */
#define EXC_VIRTUAL_INSN 22     /* an instruction VS-mode may not execute right now (here: wfi, VTW=1) */
#define EXC_STORE_GUEST_PAGE 23 /* ... for a store or AMO */
#define CAUSE_INTERRUPT 0x80000000u

/* SBI: the legacy extensions (SBI spec v0.1) are the simplest calling convention there is:
 * a7 = extension number, a0.. = arguments, a0 = result. */
#define SBI_SET_TIMER 0x00       /* a0/a1 = absolute mtime deadline (low/high) */
#define SBI_CONSOLE_PUTCHAR 0x01 /* a0 = character */
#define SBI_SHUTDOWN 0x08
#define SBI_ERR_NOT_SUPPORTED ((u32)-2)

/* ---- Console (console.c): the hypervisor's own output on the UART ---- */
void hv_putc(int c);
void hv_puts(const char *s);
int hv_printf(const char *fmt, ...); /* %% %c %s %d %u %x, width and 0 flag */
void hv_exit(int code) __attribute__((noreturn)); /* test finisher */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* ---- Linker symbols (hv/link.ld) and assembly (hv/start.S) ---- */
extern char __pool_start[], __pool_end[];          /* host pages for G-stage tables and guest RAM */
extern char hs_stack_top[];
extern char guest_a_image[], guest_a_image_end[];  /* guest-a.bin, embedded with .incbin */
extern char guest_b_image[], guest_b_image_end[];
extern char hs_trap_entry[], m_trap_entry[], hs_start[];

/* The hypervisor's entry point in HS-mode (minivisor.c); the firmware mrets to it. */
void hs_main(void) __attribute__((noreturn));

#endif
