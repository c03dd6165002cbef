/*
 * The cvm guest: what it sees. It runs in VS-mode but cannot tell: to the guest this is S-mode on a
 * machine with
 *   - RAM at 0x80000000 (64 KiB; the stack starts at its top),
 *   - one more page at 0x80400000 that the hypervisor can read too: the guest maps it shared,
 *   - an SBI firmware (legacy calls console_putchar and shutdown, and vmscope's demo extension).
 * Each of those is something the hypervisor provides; see ../hv/hv.c.
 */
#ifndef CVM_GUEST_H
#define CVM_GUEST_H

#include <stdarg.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint32_t u32;

#define PAGE 4096u
#define SHARED_GPA 0x80400000u

/* SBI legacy calls: ecall with a7 = extension, a0 = argument. */
void sbi_console_putchar(int c);
void sbi_shutdown(void) __attribute__((noreturn));

/* vmscope's demo extension (hv/hv.c): a7 = 0x0A564D53, a6 = function, a0 = argument; the answer is
 * a0 = error (0 = success), a1 = value (SBI v0.2 convention). */
#define SBI_EXT_VMSCOPE 0x0A564D53u
#define SBI_VMSCOPE_SHOW_PAGE 0 /* a0 = GPA of a page: the hypervisor prints what it sees there */
#define SBI_VMSCOPE_ATTEST 1    /* a0 = GPA of the shared page, report_data at its start: a report there */
struct sbiret {
  u32 error, value;
};
struct sbiret sbi_vmscope(u32 fid, u32 arg);

/* printf-style output (%% %c %s %d %u %x) to the SBI console; hex dumps. */
void say(const char *fmt, ...);
void say_hex(const volatile u8 *p, u32 n);

#endif
