# flags: -march=rv32imac_zicsr_zifencei -mno-relax
# .macro/.endm with parameters, defaults and \@, .option norelax behaviour, alignment without relaxation.
	.macro	push reg, off=0
	sw	\reg, \off(sp)
	.endm
	.macro	pair a, b
	add	\a, \a, \b
	1: bnez \a, 1b
	.endm
	.text
m:
	push	ra
	push	s0, 4
	push	a6, 8
	pair	a0, a1
	pair	s0, s1
	.align	3
	nop
	.balign	8
	call	m
	la	a0, m
	.p2align 4
	ret
