# flags: -march=rv32imac_zicsr
# .set aliases of labels, .align below the instruction size, an odd byte of code padding.
	.text
	.set	alias, target
	.equ	off, 8
	call	alias
	j	alias + 4
	la	a0, gsym
	lla	a2, gsym
target:	nop
	.word	alias, alias + off
	li	a0, off * 2
	lw	a1, off(sp)
	.globl	gsym
gsym:	.word	0
	.byte	1
	.align	1
	nop
	.section .data
	.zero	off
	.word	target - gsym
