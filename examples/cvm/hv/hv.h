/*
 * cvm: definitions shared by the M-mode firmware (firmware.c), the hypervisor (hv.c), its secure
 * processor driver (sp.c), its launch code (sev.c) and the console (console.c). Plain C99 + GCC
 * inline assembly. Trimmed from examples/minivisor/hv/hv.h (no timer, one guest).
 */
#ifndef CVM_HV_H
#define CVM_HV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- Host physical memory map (QEMU virt; vmscope has the same, plus the secure processor) ---- */
#define TEST_FINISHER 0x00100000u /* SiFive test finisher: write 0x5555 = pass, (code << 16) | 0x3333 = fail */
#define UART0_BASE 0x10000000u    /* NS16550A; only the hypervisor touches it */
#define SP_BASE 0x10200000u       /* the secure processor's mailbox (emulator/cvm/sp/README.md); not on QEMU */
#define RAM_BASE 0x80000000u
#define PAGE 4096u

#define MMIO8(a) (*(volatile u8 *)(uintptr_t)(a))
#define MMIO32(a) (*(volatile u32 *)(uintptr_t)(a))

/* ---- CSR access ----
 * GCC 12 does not accept `h` in -march, so every instruction or CSR name that belongs to the
 * hypervisor extension is assembled inside `.option arch, +h` (binutils 2.40 then knows hgatp,
 * hstatus, vsatp, hfence.gvma, ...). The same trick gives cbo.flush (Zicbom). Enabling them for a
 * few lines is harmless: the code only ever runs on a hart that has them. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define H_BEGIN ".option push\n\t.option arch, +h\n\t"
#define H_END "\n\t.option pop"
#define csr_read(csr) ({ u32 v_; __asm__ volatile(H_BEGIN "csrr %0, " STR(csr) H_END : "=r"(v_)::"memory"); v_; })
#define csr_write(csr, val) ({ __asm__ volatile(H_BEGIN "csrw " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_set(csr, val) ({ __asm__ volatile(H_BEGIN "csrs " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_clear(csr, val) ({ __asm__ volatile(H_BEGIN "csrc " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })

/* mstatus / sstatus */
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_SPP (1u << 8)
#define MSTATUS_MPP (3u << 11)
#define MSTATUS_MPP_S (1u << 11)
#define MSTATUSH_MPV (1u << 7) /* mstatush: the trap came from V=1 (and mret returns to V=1) */

/* menvcfg (privileged spec 3.1.18): CBCFE lets S-mode (here HS) execute cbo.clean / cbo.flush. */
#define MENVCFG_CBCFE (1u << 6)

/* hstatus (hypervisor spec 8.2.1) */
#define HSTATUS_SPV (1u << 7)  /* the trap came from V=1 / sret goes to V=1 */
#define HSTATUS_SPVP (1u << 8) /* privilege of the guest at the trap */

/* Exception codes (mcause / scause without the interrupt bit) */
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_VS 10         /* ecall from VS-mode (the guest calling its "SBI": us) */
#define EXC_INST_PAGE 12        /* VS-stage page faults: a bug in the guest's own page table */
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15
#define EXC_INST_GUEST_PAGE 20  /* G-stage translation failed for a fetch */
#define EXC_LOAD_GUEST_PAGE 21  /* ... for a load */
#define EXC_VIRTUAL_INSN 22     /* an instruction VS-mode may not execute */
#define EXC_STORE_GUEST_PAGE 23 /* ... for a store or AMO */

/* ---- Console (console.c): the hypervisor's own output on the UART ---- */
void hv_putc(int c);
void hv_puts(const char *s);
int hv_printf(const char *fmt, ...); /* %% %c %s %d %u %x, width and 0 flag */
void hv_hex(const u8 *p, u32 n);     /* n bytes as lowercase hex, no spaces */
void hv_exit(int code) __attribute__((noreturn)); /* test finisher */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* ---- Linker symbols (hv/link.ld) and assembly (hv/start.S) ---- */
extern char __pool_start[], __pool_end[]; /* host pages for G-stage tables and guest RAM */
extern char hs_stack_top[];
extern char guest_image[], guest_image_end[]; /* cvm-guest.bin, embedded with .incbin */
extern char hs_trap_entry[], m_trap_entry[], hs_start[];

/* The hypervisor's entry point in HS-mode (hv.c); the firmware mrets to it. */
void hs_main(void) __attribute__((noreturn));

#endif
