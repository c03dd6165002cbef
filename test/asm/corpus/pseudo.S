# flags: -march=rv32ima_zicsr_zifencei
# The unprivileged spec's pseudo-instructions (tables 25.2, 25.3) with edge-value immediates.
	.text
start:
	nop
	li	a0, 0
	li	a0, 1
	li	a0, -1
	li	a0, 2047
	li	a0, -2048
	li	a0, 2048
	li	a0, -2049
	li	a0, 0x800
	li	a0, 0xfff
	li	a0, 0x1000
	li	a0, 0x7ffff7ff
	li	a0, 0x7ffff800
	li	a0, 0x7fffffff
	li	a0, 0x80000000
	li	a0, -0x80000000
	li	a0, 0xffffffff
	li	a0, 0xfffff800
	li	a0, 0x12345678
	li	a0, 0xdeadbeef
	li	t0, 1 << 12
	li	t1, (1 << 31) - 1
	mv	a0, a1
	mv	a0, zero
	not	a0, a1
	neg	a0, a1
	seqz	a0, a1
	snez	a0, a1
	sltz	a0, a1
	sgtz	a0, a1
	sgt	a0, a1, a2
	sgtu	a0, a1, a2
	beqz	a0, start
	bnez	a0, start
	blez	a0, start
	bgez	a0, start
	bltz	a0, start
	bgtz	a0, start
	bgt	a0, a1, start
	ble	a0, a1, start
	bgtu	a0, a1, start
	bleu	a0, a1, start
	j	start
	jal	start
	jr	a0
	jr	4(a0)
	jalr	a0
	jalr	8(a0)
	ret
	call	start
	call	far_away
	tail	far_away
	la	a0, far_away
	lla	a1, start
	la	a2, far_away + 16
	lw	a3, far_away
	lb	a3, far_away
	lhu	a3, far_away
	sw	a3, far_away, t0
	sb	a3, far_away, t1
	sh	a3, far_away, t2
	rdcycle	a0
	rdtime	a0
	rdinstret a0
	rdcycleh a0
	rdtimeh	a0
	rdinstreth a0
	csrr	a0, mhartid
	csrw	mtvec, a0
	csrs	mie, a1
	csrc	mip, a2
	csrwi	mscratch, 7
	csrsi	mstatus, 8
	csrci	mstatus, 31
	csrw	mscratch, 3
	csrr	t0, cycle
	csrr	t0, 0x123
