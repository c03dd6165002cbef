/*
 * examples/attacks: one guest per protection level, launched the way KVM launches SEV guests
 * (arch/x86/kvm/svm/sev.c: LAUNCH_START, ACTIVATE, LAUNCH_UPDATE_DATA, LAUNCH_UPDATE_VMSA for ES,
 * LAUNCH_FINISH), run one VM exit at a time, and the hypervisor's entry point hs_main().
 *
 * Levels (emulator/cvm/README.md, "Protection levels"):
 *   none  the image is copied into host pages and run; no key is bound to its ASID (plaintext DRAM)
 *   enc   policy 0: private pages are AES-XEX ciphertext in DRAM
 *   es    policy ES: + registers saved to the encrypted VMSA and cleared at every exit
 *   snp   policy SNP|ES: + the reverse map table checks every guest access and host write
 */
#include "hv.h"

const char *const level_name[NLEVELS] = {"none", "enc", "es", "snp"};
static const u32 level_policy[NLEVELS] = {0, 0, POLICY_ES, POLICY_SNP | POLICY_ES};

#define HGATP_SV32X4 (1u << 31)
#define HGATP_VMID_SHIFT 22
#define PTE_V (1u << 0)
#define PTE_GUEST_RAM 0xdfu /* V R W X U A D: G-stage leaves are user pages (hypervisor spec 8.5.1) */
#define CACHE_LINE 64u

/* ---- Host pages ---- */
static char *pool_next = __pool_start;

void *alloc_zeroed(u32 size) {
  u32 p = ((u32)(uintptr_t)pool_next + size - 1) & ~(size - 1);
  if (p + size > (u32)(uintptr_t)__pool_end) {
    hv_printf("[hv] PANIC: out of host pages\n");
    hv_exit(2);
  }
  pool_next = (char *)(uintptr_t)(p + size);
  memset((void *)(uintptr_t)p, 0, size);
  return (void *)(uintptr_t)p;
}

/* ---- Caches: Zicbom on the host's own lines (tag: address, ASID 0, enc 0; cvm-model 4.3) ---- */
void cache_flush_range(u32 pa, u32 len) {
  for (u32 a = pa & ~(CACHE_LINE - 1); a < pa + len; a += CACHE_LINE)
    __asm__ volatile(H_BEGIN "cbo.flush (%0)" H_END ::"r"(a) : "memory");
}

void cache_clean_range(u32 pa, u32 len) {
  for (u32 a = pa & ~(CACHE_LINE - 1); a < pa + len; a += CACHE_LINE)
    __asm__ volatile(H_BEGIN "cbo.clean (%0)" H_END ::"r"(a) : "memory");
}

void cache_writeback_hv(void) {
  u32 start = (u32)(uintptr_t)__hv_data_start;
  cache_clean_range(start, (u32)(uintptr_t)__hv_data_end - start);
}

/* ---- G-stage (Sv32x4) tables ---- */
void gstage_fence(void) {
  __asm__ volatile(H_BEGIN "hfence.gvma zero, zero" H_END ::: "memory");
}

static u32 *leaf_table(struct guest *g, u32 gpa, int create) {
  u32 *root_pte = &g->gstage_root[gpa >> 22]; /* root index: GPA[33:22]; our GPAs are below 4 GiB */
  if (!(*root_pte & PTE_V)) {
    if (!create) return 0;
    *root_pte = PTE_FOR(alloc_zeroed(PAGE), PTE_V);
  }
  return (u32 *)(uintptr_t)(PTE_PPN(*root_pte) << 12);
}

static void gstage_map(struct guest *g, u32 gpa, void *hpa) {
  leaf_table(g, gpa, 1)[(gpa >> 12) & 0x3ff] = PTE_FOR(hpa, PTE_GUEST_RAM);
}

u32 *gstage_pte(struct guest *g, u32 gpa) {
  u32 *t = leaf_table(g, gpa, 0);
  return t ? &t[(gpa >> 12) & 0x3ff] : 0;
}

u32 gpa_to_pa(struct guest *g, u32 gpa) {
  u32 *pte = gstage_pte(g, gpa);
  return pte && (*pte & PTE_V) ? (PTE_PPN(*pte) << 12) | (gpa & (PAGE - 1)) : 0;
}

/* ---- Launch ---- */
static void must(u32 status, const char *what) {
  if (status == SP_SUCCESS) return;
  hv_printf("[hv] PANIC: %s failed: %s (%u)\n", what, sp_status_name(status), status);
  hv_exit(2);
}

static void reset_vs_csrs(void) {
  csr_write(vsstatus, 0);
  csr_write(vsie, 0);
  csr_write(vstvec, 0);
  csr_write(vsscratch, 0);
  csr_write(vsepc, 0);
  csr_write(vscause, 0);
  csr_write(vstval, 0);
  csr_write(vsatp, 0);
}

u32 guest_launch(struct guest *g, enum level level, u32 asid, const char *attack) {
  u32 size = (u32)(guest_image_end - guest_image);
  if (size > GUEST_PRIVATE_SIZE) {
    hv_printf("[hv] PANIC: the guest image (%u bytes) is larger than its private RAM\n", size);
    hv_exit(2);
  }
  memset(g, 0, sizeof *g);
  g->level = level;
  g->asid = asid;
  char *first = pool_next;
  g->gstage_root = alloc_zeroed(16 * 1024);
  g->priv = alloc_zeroed(GUEST_PRIVATE_SIZE);
  memcpy(g->priv, guest_image, size);
  for (u32 off = 0; off < GUEST_PRIVATE_SIZE; off += PAGE) gstage_map(g, GUEST_RAM_GPA + off, g->priv + off);
  g->ghcb = alloc_zeroed(PAGE);
  gstage_map(g, GHCB_GPA, (void *)g->ghcb);
  g->vcpu.pc = GUEST_RAM_GPA; /* levels none and enc: vcpu_run enters here */
  if (level >= LEVEL_ES) {
    /* The VMSA's initial state (emulator/cvm/README.md): pc = the entry point, everything else 0. */
    g->vmsa = alloc_zeroed(PAGE);
    g->vmsa[VMSA_PC] = GUEST_RAM_GPA;
  }
  /* Our writes are in our cache under the host's tag; the secure processor and the guest read DRAM
   * or their own tags. Write them back first (cvm-model 4.4, as KVM does before LAUNCH_UPDATE). */
  cache_flush_range((u32)(uintptr_t)first, (u32)(pool_next - first));
  reset_vs_csrs();
  gstage_fence();

  hv_printf("[hv] level=%s: ASID %u, private RAM at host %x..%x, shared page at host %x", level_name[level], asid,
            (u32)(uintptr_t)g->priv, (u32)(uintptr_t)g->priv + GUEST_PRIVATE_SIZE, (u32)(uintptr_t)g->ghcb);
  if (level == LEVEL_NONE) {
    hv_printf(", no secure processor\n");
    return SP_SUCCESS;
  }
  if (g->vmsa) hv_printf(", VMSA at host %x", (u32)(uintptr_t)g->vmsa);
  hv_printf("\n");

  u32 st = sp_launch_start(level_policy[level], &g->handle);
  if (st != SP_SUCCESS) {
    result(attack, level, "SKIPPED", "LAUNCH_START with policy %x failed: %s (%u)%s", level_policy[level],
           sp_status_name(st), st, st == SP_UNSUPPORTED ? ": this machine lacks the feature (see its config)" : "");
    return st;
  }
  must(sp_activate(g->handle, asid), "ACTIVATE");
  must(sp_launch_update(g->handle, (u32)(uintptr_t)g->priv, GUEST_PRIVATE_SIZE, GUEST_RAM_GPA, 0), "LAUNCH_UPDATE_DATA");
  if (g->vmsa) must(sp_launch_update(g->handle, (u32)(uintptr_t)g->vmsa, PAGE, VMSA_GPA, 1), "LAUNCH_UPDATE_VMSA");
  must(sp_launch_finish(g->handle), "LAUNCH_FINISH");
  return SP_SUCCESS;
}

/* ---- Running ---- */
u32 guest_run(struct guest *g) {
  for (;;) {
    csr_write(hgatp, HGATP_SV32X4 | (g->asid << HGATP_VMID_SHIFT) | ((u32)(uintptr_t)g->gstage_root >> 12));
    /* sret goes to VS-mode: V = hstatus.SPV, privilege = sstatus.SPP. */
    csr_write(hstatus, HSTATUS_SPV | HSTATUS_SPVP);
    csr_set(sstatus, MSTATUS_SPP);
    u32 cause = vcpu_run(&g->vcpu);
    g->exits++;
    g->exit_pc = g->vcpu.pc;
    if (cause != EXC_ECALL_VS) return cause;
    g->vcpu.pc += 4; /* after the ecall (an ES guest resumes from its VMSA, which says the same) */
    if (g->ghcb->req != REQ_PRINT) return cause;
    char line[GHCB_MSG];
    for (u32 i = 0; i < GHCB_MSG; i++) line[i] = g->ghcb->msg[i];
    line[GHCB_MSG - 1] = 0;
    hv_printf("  [guest] %s\n", line);
    g->ghcb->req = REQ_NONE;
  }
}

/* Says what the guest did instead of what the attack expected. */
static void describe_exit(struct guest *g, u32 cause) {
  volatile struct ghcb *gh = g->ghcb;
  if (cause == EXC_ECALL_VS) {
    if (gh->req == REQ_VC)
      hv_printf("[hv] the guest took #VC (cause %u) for exception %u at pc %x\n", gh->arg[0], gh->arg[1], gh->arg[2]);
    else if (gh->req == REQ_DONE)
      hv_printf("[hv] the guest finished\n");
    else
      hv_printf("[hv] the guest asked for request %u, step %u\n", gh->req, gh->arg[0]);
  } else {
    hv_printf("[hv] VM exit with cause %u: stval %x, htval %x (GPA %x)\n", cause, csr_read(stval), csr_read(htval),
              csr_read(htval) << 2);
  }
}

u32 guest_run_to_step(struct guest *g, u32 step) {
  u32 cause = guest_run(g);
  if (cause == EXC_ECALL_VS && g->ghcb->req == REQ_STEP && g->ghcb->arg[0] == step) return 0;
  describe_exit(g, cause);
  return cause;
}

int guest_finish(struct guest *g) {
  u32 cause = guest_run(g);
  if (cause == EXC_ECALL_VS && g->ghcb->req == REQ_DONE) return 1;
  describe_exit(g, cause);
  return 0;
}

/* A trap of HS-mode itself (hs_trap_entry with sscratch = 0): a bug in the hypervisor. */
void hs_trap(void) {
  hv_printf("[hv] PANIC: trap in HS-mode: scause=%x sepc=%x stval=%x\n", csr_read(scause), csr_read(sepc),
            csr_read(stval));
  hv_exit(2);
}

void hs_main(void) {
  extern char hs_trap_entry[];
  csr_write(stvec, (u32)(uintptr_t)hs_trap_entry);
  /* Every trap of a guest is a VM exit (nothing delegated to VS), no counters for guests. */
  csr_write(hedeleg, 0);
  csr_write(hideleg, 0);
  csr_write(hcounteren, 0);
  attack_main();
  hv_printf("[hv] done\n");
  hv_exit(0);
}
