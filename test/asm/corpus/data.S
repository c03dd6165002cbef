# flags: -march=rv32imac_zicsr_zifencei
# Directives, sections, expressions (GNU precedence), symbols, label differences, alignment.
	.equ	SIZE, 16
	.set	MASK, ~(SIZE - 1)
	COUNT = 3
	.text
	.globl	main
main:
	li	a0, SIZE * COUNT + 1
	li	a1, MASK
	li	a2, (1 << 8) | 3
	addi	a3, a3, -SIZE
	la	a4, table
	lui	a5, %hi(table)
	addi	a5, a5, %lo(table)
	lw	a6, %lo(table)(a5)
	sw	a6, %lo(table+4)(a5)
	lui	t0, %hi(0x12345fff)
	addi	t0, t0, %lo(0x12345fff)
1:	auipc	t1, %pcrel_hi(table)
	lw	t1, %pcrel_lo(1b)(t1)
2:	auipc	t2, %pcrel_hi(bss_buf)
	sw	t1, %pcrel_lo(2b)(t2)
	.align	2
	nop
	.p2align 3
	ret
	.balign	16
end_of_code:
	.data
	.globl	table
table:
	.word	1, 2, 3, -1
	.word	main, table + 8, extern_word
	.word	end_of_code - main
	.half	0x1234, -1
	.short	7
	.2byte	8
	.4byte	9
	.long	10
	.byte	1, 2, 255, -128, 'a, 'b'
	.word	1 == 1, 2 < 3, 1 && 2, 0 || 3, 1 + 2 * 3, 8 >> 1 + 1, 1 | 2 + 1, -5 / 2, -5 % 3, 3 != 3, 1 <> 2, ~0
	.word	(2 + 3) * 4, 6 & 3 ^ 1, 1 !2, 0x10 - 1, 0b1010, 017, SIZE / 3
	.ascii	"abc\n\t\\\"\x41\101"
	.asciz	"zero terminated"
	.string	"also"
	.align	3
	.dword	0x123456789abcdef0
	.quad	-2
	.balign	4, 0xaa
	.byte	1
	.p2align 2, 0x55
	.zero	5
	.space	3, 0x11
	.skip	2
local_data:
	.word	local_data - table
	.section .rodata
ro:	.word	0xcafef00d
	.asciz	"read only"
	.section .text.extra, "ax", @progbits
extra:	ret
	.bss
	.globl	bss_buf
bss_buf:
	.zero	64
	.align	4
more_bss:
	.space	8
	.type	main, @function
	.size	main, end_of_code - main
	.type	table, @object
