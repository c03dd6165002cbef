/*
 * cvm-bench: the part of test/programs/rt/rt.h that bench.c uses, for a guest of the cvm hypervisor
 * (examples/cvm/hv). The guest has no UART (the hypervisor owns it) and no test finisher: it prints
 * through the SBI console (examples/cvm/guest/lib.c, one VM exit per character) and ends by returning
 * from main, after which crt0 makes the SBI shutdown call.
 */
#ifndef CVM_BENCH_RT_H
#define CVM_BENCH_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t u32;
typedef int32_t i32;

int printf(const char *fmt, ...); /* %u, %x and zero-padded widths (%08x): what bench.c prints */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/*
 * bench.c reads minstret around its rounds. A guest cannot: minstret is an M-mode CSR, and the cvm
 * hypervisor gives VS-mode no counter either (hcounteren = 0, so `instret` is a virtual-instruction
 * exception, on which the hypervisor stops the guest). Here every CSR read gives 0, so the guest
 * prints "measured instructions 0"; the emulator counts from outside (Machine.instret).
 */
#define csr_read(csr) 0u

#endif
