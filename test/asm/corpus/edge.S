# flags: -march=rv32imac_zicsr
# Edge cases: ., weak/local symbols, jump, .L labels, small data sections, .option relax/norelax mid-file, fills.
	.text
	.weak	wk
	.local	loc
	.globl	g1
g1:
	j	.
	beqz	a0, .+4
	bnez	a0, wk
	call	wk
	jump	g1, t0
	j	loc
loc:	nop
	.word	.
	.word	g1 + 4
	.half	loc - g1
	.byte	loc - g1
	addi	a0, a0, %lo(loc)
	.Lfoo:
	j	.Lfoo
	tail	.Lfoo
	.section .sdata, "aw"
sd:	.word	sd
	.section .srodata
	.word 5
	.text
	.option norelax
	call	g1
	la	a0, sd
	.option relax
	call	g1
	.align 2, 0
	.balign 8, 0x13
	.p2align 2,,2
	nop
