/* minivisor guests: entry. The hypervisor starts a guest at 0x80000000, the start of its RAM. */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top          /* top of guest RAM: the first push maps the stack page (lazily) */
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
