# flags: -march=rv32imac_zicsr
# .insn: custom-0..3 and other major opcodes by fields (r, i, s, u) or by value; never compressed.
	.insn r CUSTOM_0, 0, 0, a0, a1, a2
	.insn r 0x0b, 7, 0x7f, t6, s0, s1
	.insn r CUSTOM_1, 1, 2, x1, x2, x3
	.insn i CUSTOM_0, 2, a0, a1, -2048
	.insn i CUSTOM_2, 3, a0, 2047(a1)
	.insn i OP_IMM, 0, a0, a1, 5
	.insn s CUSTOM_3, 2, a0, 12(a1)
	.insn u CUSTOM_0, a0, 0xfffff
	.insn r OP, 0, 0, a0, a1, a2
	.insn 0x12345677
	.insn 0x0001
	.insn 4, 0x0000100b
	.insn i LOAD, 2, a0, 0(sp)
	.insn r CUSTOM_0, 0, 0, a0, a0, a2
