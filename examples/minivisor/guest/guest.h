/*
 * minivisor guests: what a guest program sees. It runs in VS-mode but cannot tell: to the guest this
 * is S-mode on a machine with
 *   - RAM at 0x80000000 (1 MiB; the stack starts at its top),
 *   - an SBI firmware (legacy calls: console_putchar, shutdown),
 *   - a small device at 0x40000000 (TX / ID / PAGES registers).
 * Each of those is something the hypervisor emulates; see ../hv/minivisor.c.
 */
#ifndef MINIVISOR_GUEST_H
#define MINIVISOR_GUEST_H

#include <stdarg.h>
#include <stdint.h>

typedef uint32_t u32;

#define VDEV_BASE 0x40000000u
#define VDEV_TX (*(volatile uint8_t *)(VDEV_BASE + 0x0))     /* write: one byte of output */
#define VDEV_ID (*(volatile u32 *)(VDEV_BASE + 0x4))         /* read: 0x56444556 */
#define VDEV_PAGES (*(volatile u32 *)(VDEV_BASE + 0x8))      /* read: pages the hypervisor gave us lazily */

/* SBI legacy calls: ecall with a7 = extension, a0 = argument. */
void sbi_console_putchar(int c);
void sbi_shutdown(void) __attribute__((noreturn));

/* printf-style output (%% %c %s %d %u %x) to the SBI console or to the virtual device. */
void say(const char *fmt, ...);
void dev_say(const char *fmt, ...);

/* Nothing to do until the next time slice: wfi (the hypervisor turns it into "yield"). */
static inline void yield(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif
