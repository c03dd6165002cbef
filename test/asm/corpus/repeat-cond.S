# flags: -march=rv32imac_zicsr
# Repetition (.rept, .irp, .irpc, nested) and conditional assembly (.if/.elseif/.else/.endif, .ifdef, .ifndef, .ifeq, .ifne).
	.equ	N, 3
	.text
	.rept	N
	addi	a0, a0, 1
	.endr
	.irp	r, a1, a2, s0
	sw	\r, 0(sp)
	.endr
	.irpc	d, 123
	li	a0, \d
	.endr
	.if	N > 2
	nop
	.if	N == 5
	ebreak
	.elseif	N == 3
	li	a1, 33
	.else
	ecall
	.endif
	.else
	wfi
	.endif
	.ifdef	N
	li	a2, 1
	.endif
	.ifndef	N
	li	a2, 2
	.endif
	.ifdef	later
	li	a3, 3
	.endif
later:	.ifeq	N - 3
	li	a4, 4
	.endif
	.ifne	0
	li	a5, 5
	.endif
	.rept	2
	.rept	2
	c.nop
	.endr
	.endr
