# flags: -march=rv32imac_zicsr
# link: no (la under .option pic needs a GOT, which vmscope link does not build)
# .option pic: la loads the address through the GOT (R_RISCV_GOT_HI20 + lw), lla stays pc-relative.
	.text
	.option	push
	.option	pic
	la	a0, gsym
	la	a1, lsym
	lla	a2, gsym
	.option	pop
	la	a3, gsym
lsym:	nop
	.globl	gsym
gsym:	nop
