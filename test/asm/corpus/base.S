# flags: -march=rv32ima_zicsr_zifencei_zicbom
# Every RV32IMA + Zicsr/Zifencei/Zicbom + privileged instruction form, with edge immediates.
	.text
	.globl	_start
_start:
	lui	a0, 0
	lui	a0, 0xfffff
	lui	t6, 0x80000
	auipc	ra, 1
	auipc	x31, 0xfffff
	addi	a0, a1, -2048
	addi	a0, a1, 2047
	slti	s0, s1, -1
	sltiu	s0, s1, 1
	xori	t0, t1, 0x7ff
	ori	t0, t1, -0x800
	andi	t0, t1, 255
	slli	a0, a0, 0
	slli	a0, a0, 31
	srli	a1, a2, 17
	srai	a1, a2, 31
	add	x1, x2, x3
	sub	x4, x5, x6
	sll	x7, x8, x9
	slt	x10, x11, x12
	sltu	x13, x14, x15
	xor	x16, x17, x18
	srl	x19, x20, x21
	sra	x22, x23, x24
	or	x25, x26, x27
	and	x28, x29, x30
	lb	a0, -2048(sp)
	lh	a0, 2047(s0)
	lw	a0, 0(a1)
	lw	a0, (a1)
	lbu	a0, 1(t0)
	lhu	a0, -1(t0)
	sb	a0, -2048(sp)
	sh	a1, 2047(s0)
	sw	zero, 4(fp)
	sw	a2, (a3)
	jal	x0, _start
	jal	ra, _start
	jalr	x0, 0(ra)
	jalr	ra, -4(a0)
	jalr	t0, a1, 12
	beq	a0, a1, _start
	bne	a0, a1, _start
	blt	a0, a1, _start
	bge	a0, a1, _start
	bltu	a0, a1, _start
	bgeu	a0, a1, _start
	fence
	fence	rw, rw
	fence	iorw, iorw
	fence	r, w
	fence	io, i
	fence.tso
	fence.i
	ecall
	ebreak
	mul	a0, a1, a2
	mulh	a0, a1, a2
	mulhsu	a0, a1, a2
	mulhu	a0, a1, a2
	div	a0, a1, a2
	divu	a0, a1, a2
	rem	a0, a1, a2
	remu	a0, a1, a2
	lr.w	a0, (a1)
	lr.w.aq	a0, (a1)
	lr.w.aqrl a0, 0(a1)
	sc.w	a0, a2, (a1)
	sc.w.rl	a0, a2, (a1)
	amoswap.w a0, a2, (a1)
	amoadd.w.aq a0, a2, (a1)
	amoxor.w a0, a2, (a1)
	amoand.w a0, a2, (a1)
	amoor.w	a0, a2, (a1)
	amomin.w a0, a2, (a1)
	amomax.w a0, a2, (a1)
	amominu.w a0, a2, (a1)
	amomaxu.w.aqrl a0, a2, (a1)
	csrrw	a0, mstatus, a1
	csrrs	a0, mepc, zero
	csrrc	a0, 0x7c0, a1
	csrrwi	a0, mscratch, 31
	csrrsi	a0, sstatus, 0
	csrrci	a0, 0xfff, 1
	csrrw	a0, satp, 5
	cbo.clean (a0)
	cbo.flush 0(a1)
	cbo.inval (t6)
	mret
	sret
	wfi
	sfence.vma
	sfence.vma a0
	sfence.vma a0, a1
	unimp
