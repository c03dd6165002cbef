# flags: -march=rv32imac_zicsr_zifencei
# Branch and jump relaxation: compressed within reach, 32-bit, and expanded (inverted + jal) forms,
# numeric local labels, undefined and global targets.
	.text
	.globl	entry
entry:
1:	beqz	a0, 1f
	bnez	s1, 1b
	beq	a0, zero, 2f
	bne	a5, x0, 2f
	beq	a0, a1, 1b
	blt	a0, a1, 2f
	j	1b
	j	3f
	jal	1b
	beqz	a0, extern_sym
	bnez	a0, extern_sym
	blt	a0, a1, extern_sym
	j	extern_sym
	jal	extern_sym
	beqz	a0, entry
	beqz	a6, 1b
2:	.zero	200
	beqz	a0, 2b
	beqz	a0, 3f
	bnez	a0, 4f
	j	4f
	blt	a0, a1, 4f
	.zero	300
3:	nop
	.zero	3000
	beqz	a0, 3b
	j	3b
4:	beqz	a1, 5f
	bge	a0, a1, 5f
	j	5f
	.zero	5000
5:	beqz	a1, 4b
	bltu	t0, t1, 4b
	j	4b
	jal	4b
	call	entry
	tail	entry
1:	j	1b
1:	j	1b
