/* The cvm guest: entry (as examples/minivisor/guest/crt0.S). The hypervisor starts it at 0x80000000,
 * the start of its RAM, with vsatp Bare: every access below is private, through the guest's key. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top          /* top of guest RAM */
  /* .bss: the hypervisor zeroed these pages, but with no key; through ours they read as noise until
   * we write them. */
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:li s0, 0                    /* end of the call chain for a debugger */
  li ra, 0
  call main
  call sbi_shutdown
