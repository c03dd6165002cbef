/* vmscope test guests: the tiny shared runtime (UART output, exit, traps, CSR helpers). */
#ifndef VMSCOPE_RT_H
#define VMSCOPE_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef int32_t i32;
typedef uint64_t u64;
typedef int64_t i64;

/* QEMU virt memory map. */
#define UART0_BASE 0x10000000u
#define TEST_FINISHER 0x00100000u
#define CLINT_BASE 0x02000000u
#define CLINT_MSIP(h) (CLINT_BASE + 4u * (h))
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000u + 8u * (h))
#define CLINT_MTIME (CLINT_BASE + 0xbff8u)
#define PLIC_BASE 0x0c000000u
#define RAM_BASE 0x80000000u

#define MMIO32(a) (*(volatile u32 *)(uintptr_t)(a))
#define MMIO8(a) (*(volatile uint8_t *)(uintptr_t)(a))

/* Output through the NS16550A UART (polls LSR.THRE). */
void putchar(int c);
void puts(const char *s);            /* no newline added */
void print_hex(u32 v);               /* "0x%08x" */
void print_dec(i32 v);
int printf(const char *fmt, ...);    /* %% %c %s %d %i %u %x %X %p, flag 0/-, width; 'l' ignored */
int vprintf(const char *fmt, va_list ap);

/* Power off through the SiFive test finisher: 0 -> 0x5555, else (code << 16) | 0x3333. */
void exit(int code) __attribute__((noreturn));

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Trap frame built by m_trap_entry / s_trap_entry (crt0.S). */
struct trap_frame {
  u32 x[32];   /* x[2] = sp at the trap */
  u32 epc;
  u32 cause;
  u32 tval;
  u32 status;
};

/* Default handlers (weak): report the unexpected trap and exit(99) / exit(98). */
void m_trap_handler(struct trap_frame *f);
void s_trap_handler(struct trap_frame *f);
void hart_main(u32 hartid);   /* weak: park in wfi */

extern char m_trap_entry[], s_trap_entry[];
extern char __heap_start[];
u32 rt_s_trap_stack_top(void);

/* Length in bytes of the instruction at pc (2 or 4), for handlers that skip the faulting one. */
static inline u32 insn_len_at(u32 pc) {
  return ((*(volatile uint16_t *)(uintptr_t)pc) & 3) == 3 ? 4 : 2;
}

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ u32 v_; __asm__ volatile("csrr %0, " STR(csr) : "=r"(v_)::"memory"); v_; })
#define csr_write(csr, val) ({ __asm__ volatile("csrw " STR(csr) ", %0" ::"rK"((u32)(val)) : "memory"); })
#define csr_set(csr, val) ({ __asm__ volatile("csrs " STR(csr) ", %0" ::"rK"((u32)(val)) : "memory"); })
#define csr_clear(csr, val) ({ __asm__ volatile("csrc " STR(csr) ", %0" ::"rK"((u32)(val)) : "memory"); })
#define csr_swap(csr, val) ({ u32 v_; __asm__ volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "rK"((u32)(val)) : "memory"); v_; })

/* mstatus bits */
#define MSTATUS_SIE (1u << 1)
#define MSTATUS_MIE (1u << 3)
#define MSTATUS_SPIE (1u << 5)
#define MSTATUS_UBE (1u << 6)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_SPP (1u << 8)
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_MPP (3u << 11)
#define MSTATUS_MPRV (1u << 17)
#define MSTATUS_SUM (1u << 18)
#define MSTATUS_MXR (1u << 19)
#define MSTATUS_TVM (1u << 20)
#define MSTATUS_TW (1u << 21)
#define MSTATUS_TSR (1u << 22)

#define MIP_SSIP (1u << 1)
#define MIP_MSIP (1u << 3)
#define MIP_STIP (1u << 5)
#define MIP_MTIP (1u << 7)
#define MIP_SEIP (1u << 9)
#define MIP_MEIP (1u << 11)

#define PRV_U 0u
#define PRV_S 1u
#define PRV_M 3u

/*
 * Run fn(arg) in privilege mode `prv` (PRV_S or PRV_U) with mret, from M-mode; the lower mode comes
 * back with `ecall` (a7 = ECALL_RETURN): the M handler installed by the runtime's helper catches it
 * and returns fn's a0 here. Other traps reaching M go to `m_trap_hook` when it is set.
 * Requires a PMP entry that grants the lower mode access (see pmp_allow_all()).
 */
#define ECALL_RETURN 0x5e7u
u32 run_in_mode(u32 prv, u32 (*fn)(u32), u32 arg);
/* Hook for traps reaching M-mode while run_in_mode is active (return 1 if handled). */
extern int (*m_trap_hook)(struct trap_frame *f);
/* PMP entry 0: NAPOT over the whole 32-bit space, RWX (QEMU needs a granting entry to leave M). */
void pmp_allow_all(void);

#endif
