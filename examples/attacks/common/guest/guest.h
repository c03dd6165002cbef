/*
 * examples/attacks guests: what a guest program has. It talks to the hypervisor only through the
 * shared page (../attack.h): at levels es and snp its registers are cleared at every exit.
 */
#ifndef ATTACKS_GUEST_H
#define ATTACKS_GUEST_H

#include <stdarg.h>
#include <stdint.h>
#include "../attack.h"

typedef uint8_t u8;
typedef uint32_t u32;

/* A page-aligned, page-sized private buffer (one launch page). */
#define PRIVATE_PAGE __attribute__((aligned(4096), section(".data.page")))

/* printf-style (%% %c %s %u %x) line to the hypervisor's console, printed as "  [guest] ...". */
void say(const char *fmt, ...);
/* "I have reached step n" (REQ_STEP); the hypervisor acts, then the guest continues. */
void step(u32 n, u32 arg1, u32 arg2);
/* Copy n bytes into the shared page's data field: what the guest chooses to disclose. */
void disclose(const void *p, u32 n);
void guest_done(void) __attribute__((noreturn));

void *memcpy(void *d, const void *s, unsigned n);
int memcmp(const void *a, const void *b, unsigned n);

static inline volatile struct ghcb *ghcb(void) { return (volatile struct ghcb *)GHCB_VA; }

/* The VM exit itself. The compiler may keep values in registers across it: that is the trust a
 * guest places in register protection (register-tampering shows what a hypervisor can do without). */
static inline void vmgexit(u32 req) {
  ghcb()->req = req;
  __asm__ volatile("ecall" ::: "memory");
}

#endif
