/*
 * cvm, part 2: the hypervisor, in HS-mode (S-mode with V=0). Trimmed from examples/minivisor/hv/
 * minivisor.c (one guest, no timer, no device emulation), plus what an encrypted guest needs.
 *
 * It runs one guest in VS-mode, launched as an encrypted guest (cvm-model 1-5) the way KVM launches
 * an AMD SEV guest for QEMU (arch/x86/kvm/svm/sev.c; our version is sev.c):
 *   1. guest_create: a G-stage table, guest RAM from the page pool, the guest image copied into it in
 *      plaintext, and one more page for the guest to use as shared memory; every page flushed from
 *      our caches as it is handed over (cvm-model 4.4).
 *   2. guest_launch: through the secure processor, LAUNCH_START and ACTIVATE (the guest gets a key,
 *      bound to ASID 1 = its VMID), LAUNCH_UPDATE_DATA over the image pages (measured, then encrypted
 *      in place), LAUNCH_MEASURE (the launch digest), LAUNCH_FINISH.
 *   3. guest_enter: hgatp.VMID = 1, so the memory controller uses the guest's key for its private
 *      accesses. From here on, the hypervisor still owns every page of the guest but reads ciphertext
 *      in all of them except the ones the guest shares.
 *
 * Guest physical memory map (what cvm-guest.elf is linked for):
 *   0x80000000  RAM, 64 KiB: the image at its start (encrypted and measured at launch); the rest
 *               zeroed by us, which the guest, reading through its key, would see as noise until it
 *               writes there (its crt0 clears .bss)
 *   0x80400000  one page that the guest maps without the C-bit: shared with us (like SEV-ES's GHCB)
 *
 * VM exits (hs_handle_exit): only ecall from VS-mode is expected, an SBI call:
 *   a7 = 0x01 console_putchar (a0 = char)            the guest's console, printed a line at a time
 *   a7 = 0x08 shutdown                               we power off
 *   a7 = SBI_EXT_VMSCOPE, a6 = function:             our own extension for this demo
 *        0 SHOW_PAGE(a0 = GPA of a page)             we print what DRAM holds there (ciphertext)
 *        1 ATTEST(a0 = GPA of the shared page)       we get a report for the report_data the guest put
 *                                                    at its start, and put the report at +0x100
 * Note what the hypervisor sees at every exit: all 31 guest registers (hs_trap_entry saves them).
 * Memory encryption does not hide them; SEV-ES's register protection (cvm-model 6.1) does.
 */
#include "sev.h"

#define GUEST_RAM_BASE 0x80000000u
#define GUEST_RAM_SIZE 0x10000u /* 64 KiB */
#define SHARED_GPA 0x80400000u
#define GUEST_VMID 1u           /* = its ASID: the memory controller picks the key by hgatp.VMID */
#ifndef GUEST_POLICY
#define GUEST_POLICY 0u /* encryption only; try SEV_POLICY_NODBG: make EXTRA_CFLAGS=-DGUEST_POLICY=1 */
#endif

/* hgatp (RV32): MODE (bit 31, 1 = Sv32x4) | VMID (bits 28:22) | PPN of the root table (bits 21:0) */
#define HGATP_SV32X4 (1u << 31)
#define HGATP_VMID_SHIFT 22

/* G-stage PTE bits. G-stage leaves must have U set (the G stage treats every access as a user-mode
 * access); A and D are preset. The G stage knows nothing of the C-bit: the hardware strips it from the
 * guest-physical address first (cvm-model 2.2). */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_GUEST_RAM (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

/* SBI: legacy extensions (v0.1: a7 = extension, a0 = argument and result) and one of our own in the
 * firmware-specific range 0x0A000000-0x0AFFFFFF (SBI spec, "Extension ID ranges"; v0.2 convention:
 * a7 = extension, a6 = function, a0 = error, a1 = value). 0x0A564D53 is "\nVMS". */
#define SBI_CONSOLE_PUTCHAR 0x01
#define SBI_SHUTDOWN 0x08
#define SBI_EXT_VMSCOPE 0x0A564D53u
#define SBI_VMSCOPE_SHOW_PAGE 0
#define SBI_VMSCOPE_ATTEST 1
#define SBI_ERR_FAILED ((u32)-1)
#define SBI_ERR_NOT_SUPPORTED ((u32)-2)
#define SBI_ERR_INVALID_ADDRESS ((u32)-5)

#define SHOW_BYTES 32         /* how much of a page SHOW_PAGE prints */
#define REPORT_OFFSET 0x100u  /* where in the shared page the report goes (report_data is at 0) */
#define LINE_MAX 160

struct vcpu {
  u32 regs[32]; /* x0..x31 while the guest is not running (regs[0] unused); offset 0 */
  u32 pc;       /* where the guest continues; offset 128 (VCPU_PC in start.S) */
  u32 hv_sp;    /* hypervisor stack for its exits; offset 132 (VCPU_HV_SP in start.S) */
  /* Only C uses the rest. */
  u32 *gstage_root;     /* 16 KiB Sv32x4 root table (HS runs without translation: address = host PA) */
  u32 image_size;       /* bytes of the guest image at GUEST_RAM_BASE */
  struct sev_info sev;  /* what the secure processor calls this guest */
  char line[LINE_MAX];  /* console output, printed a line at a time */
  u32 line_len;
  u32 n_sbi;
};
_Static_assert(offsetof(struct vcpu, pc) == 128, "VCPU_PC in start.S");
_Static_assert(offsetof(struct vcpu, hv_sp) == 132, "VCPU_HV_SP in start.S");

void vcpu_enter(struct vcpu *v) __attribute__((noreturn)); /* start.S */
struct vcpu *hs_handle_exit(struct vcpu *v);

static struct vcpu guest;

/* ------------------------------------------------------------------------------------------------
 * Host pages and the G-stage page table (as minivisor)
 * ------------------------------------------------------------------------------------------------ */
static char *pool_next = __pool_start;

/* `size` bytes aligned to `size` (a power of two, at least a page), zeroed. */
static void *alloc_zeroed(u32 size) {
  u32 p = ((u32)(uintptr_t)pool_next + size - 1) & ~(size - 1);
  if (p + size > (u32)(uintptr_t)__pool_end) {
    hv_printf("[hv] PANIC: out of host pages\n");
    hv_exit(2);
  }
  pool_next = (char *)(uintptr_t)(p + size);
  memset((void *)(uintptr_t)p, 0, size);
  return (void *)(uintptr_t)p;
}

static inline void hfence_gvma(u32 gpa, u32 vmid) {
  /* Forget cached G-stage translations for this GPA in this VMID (rs1 = GPA >> 2). */
  __asm__ volatile(H_BEGIN "hfence.gvma %0, %1" H_END ::"r"(gpa >> 2), "r"(vmid) : "memory");
}

/* Map the 4 KiB guest-physical page at `gpa` to the host page at `hpa`, read/write/execute. */
static void gstage_map(struct vcpu *v, u32 gpa, void *hpa) {
  /* Sv32x4: the root index is GPA[33:22] (4096 entries: the 16 KiB root), the second level is an
   * ordinary 1024-entry Sv32 table indexed by GPA[21:12]. */
  u32 *root_pte = &v->gstage_root[gpa >> 22];
  if (!(*root_pte & PTE_V)) {
    u32 *table = alloc_zeroed(PAGE);
    *root_pte = (((u32)(uintptr_t)table >> 12) << 10) | PTE_V; /* non-leaf: V only */
  }
  u32 *table = (u32 *)(uintptr_t)((*root_pte >> 10) << 12);
  table[(gpa >> 12) & 0x3ff] = (((u32)(uintptr_t)hpa >> 12) << 10) | PTE_GUEST_RAM;
  hfence_gvma(gpa, GUEST_VMID);
}

/* The host physical address behind guest-physical `gpa`, or 0: the hardware's G-stage walk, done in
 * software on our own table. */
static u32 gstage_lookup(struct vcpu *v, u32 gpa) {
  u32 root_pte = v->gstage_root[gpa >> 22];
  if (!(root_pte & PTE_V)) return 0;
  u32 pte = ((u32 *)(uintptr_t)((root_pte >> 10) << 12))[(gpa >> 12) & 0x3ff];
  if (!(pte & PTE_V)) return 0;
  return ((pte >> 10) << 12) | (gpa & (PAGE - 1));
}

/* `n` bytes as text between quotes: printable ASCII as is, anything else as '.'; stops at a NUL. */
static void print_text(const u8 *p, u32 n) {
  hv_putc('"');
  for (u32 i = 0; i < n && p[i]; i++) hv_putc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
  hv_putc('"');
}

/* ------------------------------------------------------------------------------------------------
 * 1. Create the guest: memory, image, shared page
 * ------------------------------------------------------------------------------------------------ */
static void guest_create(struct vcpu *v) {
  u32 size = (u32)(guest_image_end - guest_image);
  v->image_size = size;
  v->hv_sp = (u32)(uintptr_t)hs_stack_top;
  v->gstage_root = alloc_zeroed(16 * 1024); /* hgatp requires a 16 KiB aligned root */
  /* Guest RAM, one host page at a time; the first ones get the image. The guest will not see these
   * bytes as we wrote them: its accesses go through its key. The image pages are encrypted by the
   * secure processor before the guest runs; the others it clears itself. */
  for (u32 off = 0; off < GUEST_RAM_SIZE; off += PAGE) {
    char *page = alloc_zeroed(PAGE);
    if (off < size) memcpy(page, guest_image + off, size - off < PAGE ? size - off : PAGE);
    gstage_map(v, GUEST_RAM_BASE + off, page);
    /* The page becomes the guest's: none of our cache lines of it may outlive this (KVM flushes
     * guest memory when QEMU registers it as encrypted, svm_register_enc_region). */
    sev_clflush_pages((u32)(uintptr_t)page, PAGE);
  }
  /* The page the guest will share with us. To the G stage it is a page like any other: whether a
   * guest access to it is private or shared is the guest's choice (the C-bit in its own page table). */
  char *shared = alloc_zeroed(PAGE);
  gstage_map(v, SHARED_GPA, shared);
  sev_clflush_pages((u32)(uintptr_t)shared, PAGE);
  /* First entry: at the start of RAM, a0 = hart id, a1 = device tree address (none). */
  v->pc = GUEST_RAM_BASE;
  v->regs[10] = 0;
  v->regs[11] = 0;
  hv_printf("[hv] guest: VMID %u, G-stage root at host %x, %u KiB of RAM at GPA %x, a page at GPA %x to share\n",
            GUEST_VMID, (u32)(uintptr_t)v->gstage_root, GUEST_RAM_SIZE / 1024, GUEST_RAM_BASE, SHARED_GPA);
  hv_printf("[hv] guest image: %u bytes copied to GPA %x = host %x, in plaintext\n", size, GUEST_RAM_BASE,
            gstage_lookup(v, GUEST_RAM_BASE));
}

/* ------------------------------------------------------------------------------------------------
 * 2. Launch it encrypted, through the secure processor (sev.c; KVM: arch/x86/kvm/svm/sev.c)
 * ------------------------------------------------------------------------------------------------ */
static void guest_launch(struct vcpu *v) {
  static u8 digest[SEV_DIGEST_SIZE]; /* the firmware writes the launch digest here */

  /* LAUNCH_START: a new key and handle; ACTIVATE: the key is bound to ASID = VMID 1. */
  sev_launch_start(&v->sev, GUEST_POLICY, GUEST_VMID);

  /* LAUNCH_UPDATE_DATA over every page holding image bytes, in guest-physical order (the digest
   * depends on the order). QEMU does this for the guest firmware (OVMF) with KVM_SEV_LAUNCH_UPDATE_DATA.
   * Host pages need not be contiguous, so one command per page (KVM merges contiguous runs). The
   * rest of the last page is zeros, measured and encrypted along with the image. */
  for (u32 off = 0; off < v->image_size; off += PAGE) {
    u32 gpa = GUEST_RAM_BASE + off, hpa = gstage_lookup(v, gpa);
    u8 before[16];
    memcpy(before, (void *)(uintptr_t)hpa, sizeof before);
    sev_launch_update_data(&v->sev, hpa, gpa, PAGE);
    if (off == 0) {
      /* What the hypervisor sees in that page now: the same host page, other bytes. */
      hv_printf("[hv]   host %x, first 16 bytes: ", hpa);
      hv_hex(before, sizeof before);
      hv_printf(" before, ");
      hv_hex((u8 *)(uintptr_t)hpa, 16);
      hv_printf(" after\n");
    }
  }

  /* LAUNCH_MEASURE: the digest the guest owner will find in the attestation report. */
  sev_launch_measure(&v->sev, digest);

  /* LAUNCH_FINISH: the image is final; the guest may run. */
  sev_launch_finish(&v->sev);
}

/* ------------------------------------------------------------------------------------------------
 * 3. Enter it
 * ------------------------------------------------------------------------------------------------ */
static void __attribute__((noreturn)) guest_enter(struct vcpu *v) {
  /* The guest starts as a hart out of reset: no VS-stage translation (vsatp Bare), so every access
   * it makes is private (cvm-model 2.3: the C-bit is in its page table, which it has not built yet). */
  csr_write(vsatp, 0);
  csr_write(vsstatus, 0);
  /* hgatp: our G-stage table, and VMID 1, which is also the ASID that selects the guest's key. */
  csr_write(hgatp, HGATP_SV32X4 | (GUEST_VMID << HGATP_VMID_SHIFT) | ((u32)(uintptr_t)v->gstage_root >> 12));
  /* sret goes to V=hstatus.SPV with privilege sstatus.SPP: VS-mode. */
  csr_write(hstatus, HSTATUS_SPV | HSTATUS_SPVP);
  csr_set(sstatus, MSTATUS_SPP);
  hv_printf("[hv] entering the guest: hgatp = Sv32x4, VMID %u, root %x; pc %x\n", GUEST_VMID,
            (u32)(uintptr_t)v->gstage_root, v->pc);
  vcpu_enter(v);
}

static void __attribute__((noreturn)) guest_stop(struct vcpu *v, const char *why) {
  hv_printf("[hv] guest: %s at pc %x (scause %x, stval %x, htval %x); stopping it\n", why, v->pc, csr_read(scause),
            csr_read(stval), csr_read(htval));
  hv_exit(1);
}

/* ------------------------------------------------------------------------------------------------
 * VM exit: ecall from VS-mode = an SBI call from the guest
 * ------------------------------------------------------------------------------------------------ */
static void console_out(struct vcpu *v, u32 c) {
  if (c == '\n' || v->line_len == LINE_MAX - 1) {
    v->line[v->line_len] = 0;
    hv_printf("[guest] %s\n", v->line);
    v->line_len = 0;
  }
  if (c != '\n') v->line[v->line_len++] = (char)c;
}

/* SHOW_PAGE: the guest asks us to look at one of its pages. We can: the G-stage table is ours, so we
 * know which host page backs the GPA, and HS-mode reads host memory directly. An HS access has no
 * guest key (ASID 0), so we get what DRAM holds. Returns the first word we read. */
static void sbi_show_page(struct vcpu *v, u32 gpa) {
  u32 hpa = gstage_lookup(v, gpa & ~(PAGE - 1));
  if (!hpa) {
    v->regs[10] = SBI_ERR_INVALID_ADDRESS;
    return;
  }
  const u8 *p = (const u8 *)(uintptr_t)hpa;
  hv_printf("[hv] the guest asks me to read its page at GPA %x: host %x, where DRAM holds\n", gpa & ~(PAGE - 1), hpa);
  hv_printf("[hv]   ");
  hv_hex(p, SHOW_BYTES);
  hv_printf(" ");
  print_text(p, SHOW_BYTES);
  hv_printf("\n");
  v->regs[10] = 0;
  v->regs[11] = p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* ATTEST: the guest put 64 bytes of report_data at the start of the page at `gpa` and wants a report
 * there, at +REPORT_OFFSET. We cannot tell a shared page from a private one (the C-bit is in the
 * guest's table, not ours): if the guest gave us a private page, both sides would read noise. */
static void sbi_attest(struct vcpu *v, u32 gpa) {
  u32 hpa = gpa % PAGE ? 0 : gstage_lookup(v, gpa);
  if (!hpa) {
    v->regs[10] = SBI_ERR_INVALID_ADDRESS;
    return;
  }
  const u8 *report_data = (const u8 *)(uintptr_t)hpa;
  hv_printf("[hv] the guest asks for an attestation report; report_data from GPA %x = host %x: ", gpa, hpa);
  print_text(report_data, SEV_REPORT_DATA_SIZE);
  hv_printf("\n");
  u32 status = sev_get_attestation_report(&v->sev, report_data, hpa + REPORT_OFFSET);
  v->regs[10] = status == SEV_RET_SUCCESS ? 0 : SBI_ERR_FAILED;
  v->regs[11] = REPORT_OFFSET;
}

static void exit_sbi_call(struct vcpu *v) {
  /* Hardware: the guest executed `ecall` in VS-mode; it trapped to HS (medeleg bit 10) with
   * scause = 10 and sepc = the ecall. Its registers are in v->regs, in plaintext. */
  v->n_sbi++;
  u32 ext = v->regs[17], fid = v->regs[16], arg = v->regs[10];
  if (ext == SBI_CONSOLE_PUTCHAR) {
    console_out(v, arg); /* the character arrives in a0: visible to us, whatever memory encryption does */
    v->regs[10] = 0;
  } else if (ext == SBI_SHUTDOWN) {
    hv_printf("[hv] guest shut down after %u SBI calls; powering off\n", v->n_sbi);
    hv_exit(0);
  } else if (ext == SBI_EXT_VMSCOPE && fid == SBI_VMSCOPE_SHOW_PAGE) {
    sbi_show_page(v, arg);
  } else if (ext == SBI_EXT_VMSCOPE && fid == SBI_VMSCOPE_ATTEST) {
    sbi_attest(v, arg);
  } else {
    v->regs[10] = SBI_ERR_NOT_SUPPORTED;
  }
  /* ecall is always 4 bytes (there is no compressed ecall): the guest continues after it. */
  v->pc += 4;
}

/* ------------------------------------------------------------------------------------------------
 * Every VM exit comes here from hs_trap_entry (start.S), with the guest's registers and pc saved in
 * *v. The return value is the guest to enter next (vcpu_enter): always the same one here.
 * ------------------------------------------------------------------------------------------------ */
struct vcpu *hs_handle_exit(struct vcpu *v) {
  u32 cause = csr_read(scause);
  if (!(csr_read(hstatus) & HSTATUS_SPV)) {
    hv_printf("[hv] PANIC: trap from HS-mode itself (scause %x, sepc %x, stval %x)\n", cause, csr_read(sepc),
              csr_read(stval));
    hv_exit(2);
  }
  switch (cause) {
    case EXC_ECALL_VS: exit_sbi_call(v); break;
    case EXC_INST_GUEST_PAGE:
    case EXC_LOAD_GUEST_PAGE:
    case EXC_STORE_GUEST_PAGE: guest_stop(v, "access to a guest-physical address with no memory");
    case EXC_INST_PAGE:
    case EXC_LOAD_PAGE:
    case EXC_STORE_PAGE: guest_stop(v, "page fault in the guest's own page table");
    default: guest_stop(v, "unexpected trap");
  }
  return v;
}

void hs_main(void) {
  hv_printf("[hv] HS-mode: cvm hypervisor starting\n");
  csr_write(stvec, (u32)(uintptr_t)hs_trap_entry);
  /* No trap of the guest is handled by the guest itself: every one is a VM exit. */
  csr_write(hedeleg, 0);
  csr_write(hideleg, 0);
  csr_write(hcounteren, 0);

  sp_probe();
  guest_create(&guest);
  guest_launch(&guest);
  guest_enter(&guest);
}
