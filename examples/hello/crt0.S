/*
 * Entry point of the hello example. QEMU's virt board (and vmscope) start every hart at the ELF
 * entry; hart 0 sets up a stack, clears .bss and calls main, the others wait in wfi.
 */
  .section .text.init, "ax", @progbits
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  csrr t0, mhartid
  bnez t0, park
  la sp, __stack_top
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:call main
  call exit            /* exit(main's return value) */
park:
  wfi
  j park
