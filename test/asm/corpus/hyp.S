# flags: -march=rv32imac_zicsr_zifencei
# Hypervisor extension instructions after .option arch, +h; CSRs of the H extension.
	.text
	.option	arch, +h
h:
	hfence.vvma
	hfence.vvma a0
	hfence.vvma a0, a1
	hfence.gvma
	hfence.gvma a0, a1
	hlv.b	a0, (a1)
	hlv.bu	a0, 0(a1)
	hlv.h	a0, (a1)
	hlv.hu	a0, (a1)
	hlvx.hu	a0, (a1)
	hlv.w	a0, (a1)
	hlvx.wu	a0, (a1)
	hsv.b	a0, (a1)
	hsv.h	a0, 0(a1)
	hsv.w	a0, (a1)
	csrr	a0, hstatus
	csrw	hgatp, a0
	csrr	a0, vsatp
	csrw	htval, a1
	mv	a0, a1
