# flags: -march=rv32i
# .attribute: arch (which also sets the instruction set), stack_align, unaligned_access, numbered tags.
	.attribute arch, "rv32i2p1_m2p0_c2p0_zicsr2p0"
	.attribute 100, 7
	.attribute 101, "x"
	.attribute stack_align, 16
	.attribute unaligned_access, 1
nop
csrr a0, mstatus
.option norvc
nop
