/*
 * examples/attacks: the hypervisor's side of the shared library (common/hv). Each attack is one
 * file, <attack>/hv.c, with attack_main(); this library does everything else:
 *
 *   start.S     reset entry (M), HS entry, M and HS trap vectors, vcpu_run (VM entry that returns at
 *               the next VM exit), hs_try_sw (a store that reports its fault instead of taking it),
 *               and the guest image (<attack>-guest.bin, .incbin)
 *   firmware.c  M-mode: PMP, delegation, counters and cache-operation enables, then HS
 *   console.c   UART output, power-off, mem*
 *   sp.c        the secure-processor driver (emulator/cvm/sp/README.md)
 *   guest.c     launching one guest per protection level, G-stage tables, running it; hs_main()
 *
 * Trimmed from examples/minivisor: no timer, one guest at a time, and a VM entry that returns.
 */
#ifndef ATTACKS_HV_H
#define ATTACKS_HV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "../attack.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- Host physical memory map (QEMU virt, plus vmscope's secure processor) ---- */
#define TEST_FINISHER 0x00100000u
#define UART0_BASE 0x10000000u
#define SP_BASE 0x10200000u
#define RAM_BASE 0x80000000u
#define PAGE 4096u

#define MMIO8(a) (*(volatile u8 *)(uintptr_t)(a))
#define MMIO32(a) (*(volatile u32 *)(uintptr_t)(a))

/* ---- CSR access. GCC 12 does not know `h` in -march: hypervisor CSRs and instructions, and Zicbom,
 * are assembled inside `.option arch, +h, +zicbom` (see examples/minivisor/hv/hv.h). ---- */
#define STR_(x) #x
#define STR(x) STR_(x)
#define H_BEGIN ".option push\n\t.option arch, +h, +zicbom\n\t"
#define H_END "\n\t.option pop"
#define csr_read(csr) ({ u32 v_; __asm__ volatile(H_BEGIN "csrr %0, " STR(csr) H_END : "=r"(v_)::"memory"); v_; })
#define csr_write(csr, val) ({ __asm__ volatile(H_BEGIN "csrw " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_set(csr, val) ({ __asm__ volatile(H_BEGIN "csrs " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })
#define csr_clear(csr, val) ({ __asm__ volatile(H_BEGIN "csrc " STR(csr) ", %0" H_END ::"rK"((u32)(val)) : "memory"); })

#define MSTATUS_SPP (1u << 8)
#define MSTATUS_MPP (3u << 11)
#define MSTATUS_MPP_S (1u << 11)
#define MSTATUSH_MPV (1u << 7)
#define HSTATUS_SPV (1u << 7)
#define HSTATUS_SPVP (1u << 8)

/* Exception codes. 24 and 25 are vmscope's (custom-use causes, privileged spec table 3.6;
 * emulator/cvm/README.md). */
#define EXC_ECALL_VS 10
#define EXC_INST_GUEST_PAGE 20
#define EXC_LOAD_GUEST_PAGE 21
#define EXC_VIRTUAL_INSN 22
#define EXC_STORE_GUEST_PAGE 23
#define EXC_VC 24        /* #VC: an ES guest's own exception, reflected into it (6.1) */
#define EXC_INTEGRITY 25 /* integrity fault: an RMP check failed (6.2) */

/* ---- Console (console.c) ---- */
void hv_putc(int c);
void hv_puts(const char *s);
int hv_printf(const char *fmt, ...); /* %% %c %s %d %u %x, width and 0 flag */
void hv_hex(const void *p, u32 n);   /* n bytes as lowercase hex */
void hv_exit(int code) __attribute__((noreturn));
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- Assembly (start.S) ---- */
struct vcpu {
  u32 regs[32]; /* x0..x31 as the hypervisor sees them at an exit (regs[0] unused); offset 0 */
  u32 pc;       /* where vcpu_run enters; offset 128 */
  u32 hv_sp;    /* the hypervisor's sp inside vcpu_run; offset 132 */
};
u32 vcpu_run(struct vcpu *v);        /* enter the guest; returns scause at the next VM exit */
u32 hs_try_sw(u32 pa, u32 value);    /* 0, or the cause of the fault the store took (it did not happen) */
extern char hs_stack_top[], __pool_start[], __pool_end[], __hv_data_start[], __hv_data_end[];
extern char guest_image[], guest_image_end[];

/* ---- The secure processor (sp.c); status codes as sev_ret_code ---- */
#define SP_SUCCESS 0
#define SP_UNSUPPORTED 21
#define POLICY_ES (1u << 2)
#define POLICY_SNP (1u << 16)
const char *sp_status_name(u32 status);
u32 sp_launch_start(u32 policy, u32 *handle);
u32 sp_activate(u32 handle, u32 asid);
u32 sp_launch_update(u32 handle, u32 pa, u32 len, u32 gpa, int vmsa);
u32 sp_launch_finish(u32 handle);

/* ---- Caches (Zicbom, and vmscope's cinval.all) ---- */
void cache_flush_range(u32 pa, u32 len); /* write back and drop the host's lines (cbo.flush) */
void cache_clean_range(u32 pa, u32 len); /* write back the host's dirty lines (cbo.clean) */
void cache_writeback_hv(void);            /* cbo.clean over the hypervisor's own data and stacks */

/* ---- Guests (guest.c) ---- */
enum level { LEVEL_NONE, LEVEL_ENC, LEVEL_ES, LEVEL_SNP, NLEVELS };
extern const char *const level_name[NLEVELS];

struct guest {
  struct vcpu vcpu; /* first: start.S knows its offsets */
  enum level level;
  u32 asid;         /* hgatp.VMID, the encryption identity (cvm-model 1.1) */
  u32 handle;       /* the secure processor's handle (0 at level none) */
  u32 *gstage_root; /* Sv32x4 root (16 KiB) */
  u8 *priv;         /* host pages behind GPA GUEST_RAM_GPA .. + GUEST_PRIVATE_SIZE (contiguous) */
  volatile struct ghcb *ghcb; /* host page behind GHCB_GPA */
  u32 *vmsa;        /* ES and SNP: the VM save area page */
  u32 exits;
  u32 exit_pc;      /* sepc at the last VM exit (0 for an ES guest: the hardware hides it) */
};

/* VMSA layout (emulator/cvm/README.md): word 0 unused, 1..31 = x1..x31, then these. */
#define VMSA_PC 32
#define VMSA_VSSTATUS 33
#define VMSA_VSATP 39

/* Launch a guest from the embedded image at `level` with ASID `asid`. 0 on success; else prints a
 * "SKIPPED" result line for `attack` and returns the secure processor's status. */
u32 guest_launch(struct guest *g, enum level level, u32 asid, const char *attack);

/* Run until the guest makes a request other than REQ_PRINT (printed as "  [guest] ..."), or until a
 * VM exit that is not an ecall. Returns the exit cause (EXC_ECALL_VS for a request: g->ghcb->req). */
u32 guest_run(struct guest *g);

/* Run until the guest reaches REQ_STEP `step`. 0 when it did; otherwise the guest went wrong: the
 * line saying how is printed and the cause returned. */
u32 guest_run_to_step(struct guest *g, u32 step);

/* Let the guest finish: run until REQ_DONE (1) or anything else (0). */
int guest_finish(struct guest *g);

/* The host physical address behind a guest-physical one (walks the G-stage table), and the G-stage
 * leaf PTE itself. */
u32 gpa_to_pa(struct guest *g, u32 gpa);
u32 *gstage_pte(struct guest *g, u32 gpa);
void gstage_fence(void); /* hfence.gvma for every VMID */
#define PTE_PPN(pte) ((pte) >> 10)
#define PTE_FLAGS(pte) ((pte) & 0x3ffu)
#define PTE_FOR(pa, flags) ((((u32)(pa) >> 12) << 10) | (flags))

/* The attack's result line, in one format for every example and level (the tests parse it):
 *   [attack] <name> level=<level>: <OUTCOME>: <why>
 * OUTCOME is SUCCEEDED, STOPPED, NOT-STOPPED or SKIPPED (examples/attacks/README.md). */
void result(const char *attack, enum level level, const char *outcome, const char *fmt, ...);

/* Host pages from the pool, zeroed, `size` aligned (a power of two, at least a page). */
void *alloc_zeroed(u32 size);

/* Every example: */
void attack_main(void); /* runs the attack at every level, in order */

#endif
