# flags: -march=rv32imac_zicsr_zifencei
# RVC auto-compression: eligible and ineligible operands for each compressed form.
	.text
	.globl	f
f:
	addi	sp, sp, -16
	addi	sp, sp, -512
	addi	sp, sp, 496
	addi	sp, sp, 32
	addi	s0, sp, 4
	addi	a5, sp, 1020
	addi	a5, sp, 1024
	addi	a6, sp, 4
	addi	a0, a0, 0
	addi	a0, a0, 31
	addi	a0, a0, -32
	addi	a0, a0, 32
	addi	zero, zero, 0
	addi	a0, zero, 5
	addi	a0, a1, 0
	add	a0, a0, a1
	add	a0, a1, a0
	add	a0, a1, a2
	add	a0, zero, a1
	add	a0, a0, 3
	mv	a0, a1
	mv	ra, t6
	li	a0, 31
	li	a0, -32
	li	a0, 32
	li	zero, 3
	li	sp, 0x1000
	li	a0, 0x1f000
	li	a0, 0x20000
	li	a0, -0x1000
	li	a0, -0x20000
	li	a0, 0xfffff000
	lui	a0, 1
	lui	a0, 31
	lui	a0, 32
	lui	a0, 0xfffe0
	lui	a0, 0xfffdf
	lui	sp, 1
	lui	zero, 1
	lw	a0, 0(sp)
	lw	a0, 252(sp)
	lw	a0, 256(sp)
	lw	a0, 2(sp)
	lw	zero, 4(sp)
	lw	a0, 124(a1)
	lw	a0, 128(a1)
	lw	a0, 4(a6)
	sw	a0, 0(sp)
	sw	zero, 252(sp)
	sw	a0, 124(a1)
	sw	a6, 4(a1)
	and	a0, a0, a1
	and	a0, a1, a0
	and	a0, a0, 5
	andi	a0, a0, -32
	andi	a0, a0, 31
	andi	a6, a6, 1
	or	s0, s0, s1
	or	s0, s1, s0
	xor	a5, a5, a4
	xor	a5, a4, a5
	sub	a2, a2, a3
	sub	a2, a3, a2
	slli	a0, a0, 1
	slli	t6, t6, 31
	slli	zero, zero, 1
	slli	a0, a0, 0
	slli	a0, a1, 3
	srli	a0, a0, 1
	srli	a6, a6, 1
	srai	s1, s1, 31
	srai	s1, s1, 0
	jr	ra
	jr	t0
	jalr	t0
	jalr	ra, 0(t0)
	jalr	x0, 0(t0)
	ret
	ebreak
	nop
	c.nop
	c.addi	a0, 1
	c.li	a0, 2
	c.lui	a0, 3
	c.mv	a0, a1
	c.add	a0, a1
	c.lw	a0, 4(a1)
	c.sw	a0, 4(a1)
	c.lwsp	a0, 8(sp)
	c.swsp	a0, 8(sp)
	c.addi4spn a0, sp, 8
	c.addi16sp sp, 32
	c.slli	a0, 2
	c.srli	a0, 2
	c.srai	a0, 2
	c.andi	a0, 2
	c.sub	a0, a1
	c.xor	a0, a1
	c.or	a0, a1
	c.and	a0, a1
	c.jr	a0
	c.jalr	a0
	c.ebreak
	.option norvc
	addi	sp, sp, -16
	mv	a0, a1
	ret
	.option rvc
	mv	a0, a1
	.option push
	.option norvc
	li	a0, 1
	.option pop
	li	a0, 1
