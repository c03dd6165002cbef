# A register-protected, integrity-protected guest (cvm-model 6; emulator/cvm/README.md), for
# test/dap/cvm-protection.test.ts. As cvm.S, but the policy is ES | SNP, the guest starts from its VM
# save area (LAUNCH_UPDATE_VMSA of 0x80008000: pc = guest), the guest executes `csrr t2, hgatp` (an
# intercept: #VC into its own handler) before its ecall, and the host then stores into the guest's
# private page (an integrity fault, cause 25, which it skips) before powering off.
    .equ SP_BASE, 0x10200000
    .equ FINISHER, 0x100000
    .globl _start
    .text
_start:
    la   t0, mtrap
    csrw mtvec, t0
    li   t0, -1                  # PMP all open: S/VS accesses fault without an entry
    csrw pmpaddr0, t0
    li   t0, 0x1f
    csrw pmpcfg0, t0
    la   a0, ls_buf              # LAUNCH_START: the handle comes back in ls_buf
    li   a1, 0x30
    li   a2, 0
    jal  spcmd
    la   t0, ls_buf
    lw   s0, 0(t0)
    la   t0, lu_buf
    sw   s0, 0(t0)
    la   t0, act_buf
    sw   s0, 0(t0)
    la   t0, fin_buf
    sw   s0, 0(t0)
    la   t0, rep_buf
    sw   s0, 0(t0)
    la   t0, vmsa_buf
    sw   s0, 0(t0)
    la   a0, lu_buf              # LAUNCH_UPDATE_DATA
    li   a1, 0x31
    li   a2, 0
    jal  spcmd
    la   a0, vmsa_buf            # LAUNCH_UPDATE_VMSA: the initial register state
    li   a1, 0x32
    li   a2, 0
    jal  spcmd
    la   a0, act_buf             # ACTIVATE, ASID 1
    li   a1, 0x21
    li   a2, 0
    jal  spcmd
    la   a0, fin_buf             # LAUNCH_FINISH
    li   a1, 0x35
    li   a2, 0
    jal  spcmd
    la   a0, rep_buf             # ATTESTATION_REPORT
    li   a1, 0x36
    li   a2, 0
    jal  spcmd
    li   t0, 0x80100000 + 0x200 * 4
    li   t1, (0x80000 << 10) | 0xdf
    sw   t1, 0(t0)               # G stage: GPA 0x80000000 -> PA 0x80000000, 4 MiB
    li   t0, 0x80000000 | (1 << 22) | (0x80100000 >> 12)
    csrw hgatp, t0               # Sv32x4, VMID 1
    li   t0, 0x80000000 | (1 << 21) | 0x80004
    csrw vsatp, t0               # Sv32, root at GPA 0x80004000 (its C-bit set)
    li   t0, 1 << 11
    csrs mstatus, t0             # MPP = S
    li   t0, 1 << 7
    csrs mstatush, t0            # MPV = 1
    la   t0, guest
    csrw mepc, t0
    mret

# a0 = command buffer, a1 = command id, a2 = the status expected (else exit code 1)
spcmd:
    li   t0, SP_BASE
    sw   a0, 4(t0)               # BUF_LO
    sw   zero, 8(t0)             # BUF_HI
    slli t1, a1, 16
    sw   t1, 0(t0)               # CMDRESP: the command runs inside this store
    .globl sp_after
sp_after:
    lw   t1, 0(t0)
    slli t1, t1, 16
    srli t1, t1, 16
    bne  t1, a2, fail
    ret
skip:
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
fail:
    li   t0, FINISHER
    li   t1, (1 << 16) | 0x3333
    sw   t1, 0(t0)
1:  j    1b

    .balign 4
mtrap:                           # the guest's ecall (a VM exit to M-mode), then the integrity fault
    csrr t0, mcause
    li   t1, 25
    beq  t0, t1, skip
    li   t0, 0x80003000
    lw   a0, 0(t0)               # the host reads the private page: DRAM ciphertext (reads are allowed)
    li   t1, 0xbad
    .globl host_store
host_store:
    sw   t1, 0(t0)               # ... but may not write it: integrity fault
    .globl host_done
host_done:
    li   t0, FINISHER
    li   t1, 0x5555
    sw   t1, 0(t0)
2:  j    2b

    .balign 0x1000               # 0x80001000: command buffers, host memory (the SP reads DRAM raw)
    .globl ls_buf
ls_buf:
    .word 0, 0x10004             # handle (out), policy ES | SNP
    .zero 0x48 - 8
    .balign 16
lu_buf:
    .word 0, 0                   # handle
    .word 0x80002000, 0          # address
    .word 0x3000, 0              # len
    .word 0x80002000, 0          # gpa
vmsa_buf:
    .word 0, 0                   # handle
    .word 0x80008000, 0          # address
    .word 0x1000, 0              # len
    .word 0x80008000, 0          # gpa
act_buf:
    .word 0, 1                   # handle, asid
fin_buf:
    .word 0, 0
    .balign 16
rep_buf:
    .word 0, 0                   # handle
    .word 0x80006000, 0          # where the report goes
    .ascii "0123456789abcdefvmscope-report!!0123456789abcdefvmscope-report!!"
    .word 0x4a0, 0               # len

    .balign 0x2000               # 0x80002000: the guest's code (private)
    .globl guest
guest:
    la   t0, vctrap
    csrw stvec, t0
    li   t0, 0x80000000 | (1 << 21) | 0x80004
    csrw satp, t0                # Sv32 (its own: the hypervisor's vsatp is not restored from the VMSA)
    csrr t2, hgatp               # an intercept (virtual instruction): #VC into vctrap
    li   t0, 0x80003000          # private mapping (C = 1)
    li   t1, 0x52434553
    sw   t1, 0(t0)
    li   t0, 0xc0005000          # shared mapping (C = 0)
    li   t1, 0x12345678
    sw   t1, 0(t0)
    .globl guest_stored
guest_stored:
    li   t0, 0x80003000
    lw   a2, 0(t0)               # what the guest reads back
    .globl guest_ecall
guest_ecall:
    ecall
    .balign 4
vctrap:                          # #VC: skip the intercepted instruction
    csrr t3, sepc
    addi t3, t3, 4
    csrw sepc, t3
    sret

    .balign 0x1000               # 0x80003000: the guest's private data
    .globl secret
secret:
    .word 0
    .balign 0x1000               # 0x80004000: the VS-stage root table
vsroot:
    .zero 0x200 * 4
    .word 0xa00000cf             # VA 0x80000000: GPA 0x80000000 with C = 1
    .zero (0x300 - 0x201) * 4
    .word 0x200000cf             # VA 0xc0000000: GPA 0x80000000 with C = 0
    .balign 0x1000               # 0x80005000: shared with the host
    .globl shared
shared:
    .word 0
    .balign 0x1000
    .zero 0x2000
    .globl vmsa                  # 0x80008000: the VM save area (words: 0, x1..x31, pc, VS CSRs)
vmsa:
    .zero 32 * 4
    .word guest
    .zero 0x1000 - 33 * 4
