# flags: -march=rv32imac
# .comm (SHN_COMMON symbols) and .lcomm (space in .bss).
	.comm	buf, 64, 16
	.comm	one, 4
	.lcomm	lbuf, 32
	.text
	la a0, buf
	la a1, lbuf
