/*
 * minivisor, part 2: the hypervisor, in HS-mode (S-mode with V=0).
 *
 * It runs two guests, "a" and "b", each a small C program in VS-mode (S-mode with V=1) that believes
 * it owns a machine with RAM at 0x80000000. Each guest gets
 *   - its own VMID (1 and 2) and its own G-stage page table (Sv32x4): the second translation stage,
 *     from guest physical addresses (GPA) to host physical addresses, which the hypervisor owns.
 *     The guests themselves run with vsatp = 0 (no first stage: guest virtual = guest physical).
 *   - a struct vcpu holding its registers while it does not run.
 *
 * The guests run time-sliced: the firmware forwards each CLINT timer tick as a supervisor timer
 * interrupt (see firmware.c), which takes the running guest off the CPU. A guest that has nothing to
 * do executes `wfi`, which hstatus.VTW=1 turns into an exit: it then waits for the next tick.
 *
 * VM exits (traps from a guest into HS-mode; hs_handle_exit below dispatches them):
 *   ecall from VS (cause 10)          -> SBI call: console_putchar, shutdown
 *   load/store guest-page fault (21/23), fetch (20)
 *       on guest RAM                  -> lazy mapping: give the guest a fresh zeroed page, retry
 *       on the virtual device page    -> MMIO emulation: decode the instruction, emulate, skip it
 *   virtual instruction (22)          -> the guest ran wfi: it yields until the next tick
 *   supervisor timer interrupt        -> end of the time slice: switch guests
 *
 * Guest physical memory map (the same for both guests):
 *   0x40000000  vdev: a 4 KiB virtual device page, never mapped, so every access exits (MMIO)
 *                 +0 TX    (write) one byte of output
 *                 +4 ID    (read)  0x56444556 ("VDEV" in ASCII, most significant byte first)
 *                 +8 PAGES (read)  how many RAM pages the hypervisor has lazily mapped for the guest
 *   0x80000000  RAM, 1 MiB: the guest image is copied to its start when the guest is created; every
 *               other page is mapped on the first access
 */
#include "hv.h"

#define PAGE 4096u
#define GUEST_RAM_BASE 0x80000000u
#define GUEST_RAM_SIZE 0x00100000u
#define VDEV_BASE 0x40000000u
#define VDEV_TX 0x0u
#define VDEV_ID 0x4u
#define VDEV_PAGES 0x8u
#define VDEV_ID_VALUE 0x56444556u

/* hgatp (RV32): MODE (bit 31, 1 = Sv32x4) | VMID (bits 28:22) | PPN of the root table (bits 21:0) */
#define HGATP_SV32X4 (1u << 31)
#define HGATP_VMID_SHIFT 22

/* Page table entry bits. G-stage leaves must have U set: the G stage treats every access as a
 * user-mode access. A and D are preset so that no hardware (or fault-based) A/D update is needed. */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_GUEST_RAM (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)

#define INSN_WFI 0x10500073u
#define LINE_MAX 96

enum vcpu_state { VCPU_RUNNABLE, VCPU_WAITING, VCPU_DONE };

struct line {
  char buf[LINE_MAX];
  u32 len;
};

/* The VS-mode CSRs: one set in the hart, so the hypervisor swaps them between guests. (These guests
 * never take a trap inside themselves, but a hypervisor must not rely on that.) */
struct vs_csrs {
  u32 vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
};

struct vcpu {
  u32 regs[32]; /* x0..x31 while the guest is not running (regs[0] unused); offset 0 */
  u32 pc;       /* where the guest continues; offset 128 (VCPU_PC in start.S) */
  u32 hv_sp;    /* hypervisor stack for its exits; offset 132 (VCPU_HV_SP in start.S) */
  /* Only C uses the rest. */
  const char *name;
  u32 vmid;
  u32 *gstage_root; /* 16 KiB Sv32x4 root table (HS runs without translation: address = host PA) */
  enum vcpu_state state;
  struct vs_csrs vs;
  struct line sbi_out, vdev_out; /* console output, printed a line at a time */
  u32 n_sbi, n_mmio, n_lazy, n_yield, n_preempt;
};
_Static_assert(offsetof(struct vcpu, pc) == 128, "VCPU_PC in start.S");
_Static_assert(offsetof(struct vcpu, hv_sp) == 132, "VCPU_HV_SP in start.S");

void vcpu_enter(struct vcpu *v) __attribute__((noreturn)); /* start.S */
struct vcpu *hs_handle_exit(struct vcpu *v);

#define NGUESTS 2
static struct vcpu guests[NGUESTS];
static struct vcpu *loaded;   /* whose hgatp and VS CSRs are in the hart */
static int guest_failed;

static void panic(const char *what) {
  hv_printf("[hv] PANIC: %s (scause=%x sepc=%x stval=%x)\n", what, csr_read(scause), csr_read(sepc),
            csr_read(stval));
  hv_exit(2);
}

/* ------------------------------------------------------------------------------------------------
 * SBI calls to the firmware, time
 * ------------------------------------------------------------------------------------------------ */
static u32 sbi_call(u32 ext, u32 arg0, u32 arg1) {
  register u32 a0 __asm__("a0") = arg0;
  register u32 a1 __asm__("a1") = arg1;
  register u32 a7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  return a0;
}

static u64 read_time(void) {
  u32 hi, lo;
  do {
    hi = csr_read(timeh);
    lo = csr_read(time);
  } while (hi != csr_read(timeh));
  return ((u64)hi << 32) | lo;
}

/* A time slice ended (or never started): ask for the next tick (this also clears the forwarded
 * STIP) and wake the guests that wait in wfi. */
static void timer_tick(void) {
  u64 next = read_time() + SLICE_TICKS;
#ifdef MINIVISOR_DEBUG_TIME
  hv_printf("@%u tick\n", (u32)read_time());
#endif
  sbi_call(SBI_SET_TIMER, (u32)next, (u32)(next >> 32));
  for (int i = 0; i < NGUESTS; i++)
    if (guests[i].state == VCPU_WAITING) guests[i].state = VCPU_RUNNABLE;
}

/* ------------------------------------------------------------------------------------------------
 * Host pages and G-stage page tables
 * ------------------------------------------------------------------------------------------------ */
static char *pool_next = __pool_start;

/* `size` bytes aligned to `size` (a power of two, at least a page), zeroed. */
static void *alloc_zeroed(u32 size) {
  u32 p = ((u32)(uintptr_t)pool_next + size - 1) & ~(size - 1);
  if (p + size > (u32)(uintptr_t)__pool_end) panic("out of host pages");
  pool_next = (char *)(uintptr_t)(p + size);
  for (u32 *w = (u32 *)(uintptr_t)p; w < (u32 *)(uintptr_t)(p + size); w++) *w = 0;
  return (void *)(uintptr_t)p;
}

static inline void hfence_gvma(u32 gpa, u32 vmid) {
  /* Forget cached G-stage translations for this GPA in this VMID (rs1 = GPA >> 2). */
  __asm__ volatile(H_BEGIN "hfence.gvma %0, %1" H_END ::"r"(gpa >> 2), "r"(vmid) : "memory");
}

/* Map the 4 KiB guest-physical page at `gpa` to the host page at `hpa`, read/write/execute. */
static void gstage_map(struct vcpu *v, u32 gpa, void *hpa) {
  /* Sv32x4: GPAs have 34 bits; the root index is GPA[33:22] (4096 entries: the 16 KiB root), the
   * second level is an ordinary 1024-entry Sv32 table indexed by GPA[21:12]. */
  u32 *root_pte = &v->gstage_root[gpa >> 22];
  if (!(*root_pte & PTE_V)) {
    u32 *table = alloc_zeroed(PAGE);
    *root_pte = (((u32)(uintptr_t)table >> 12) << 10) | PTE_V; /* non-leaf: V only */
  }
  u32 *table = (u32 *)(uintptr_t)((*root_pte >> 10) << 12);
  table[(gpa >> 12) & 0x3ff] = (((u32)(uintptr_t)hpa >> 12) << 10) | PTE_GUEST_RAM;
  hfence_gvma(gpa, v->vmid);
}

/* ------------------------------------------------------------------------------------------------
 * Guests
 * ------------------------------------------------------------------------------------------------ */
static void guest_create(struct vcpu *v, const char *name, u32 vmid, const char *image, const char *image_end) {
  u32 size = (u32)(image_end - image);
  v->name = name;
  v->vmid = vmid;
  v->hv_sp = (u32)(uintptr_t)hs_stack_top;
  v->gstage_root = alloc_zeroed(16 * 1024); /* hgatp requires a 16 KiB aligned root */
  for (u32 off = 0; off < size; off += PAGE) {
    char *page = alloc_zeroed(PAGE);
    memcpy(page, image + off, size - off < PAGE ? size - off : PAGE);
    gstage_map(v, GUEST_RAM_BASE + off, page);
  }
  /* First entry: like a hart coming out of reset into the guest's "firmware", at the start of RAM,
   * a0 = hart id, a1 = device tree address (none). */
  v->pc = GUEST_RAM_BASE;
  v->regs[10] = 0;
  v->regs[11] = 0;
  v->state = VCPU_RUNNABLE;
  hv_printf("[hv] guest %s: VMID %u, G-stage root at host %x, %u-byte image copied to GPA %x\n", name, vmid,
            (u32)(uintptr_t)v->gstage_root, size, GUEST_RAM_BASE);
}

static void vs_csrs_save(struct vs_csrs *s) {
  s->vsstatus = csr_read(vsstatus);
  s->vsie = csr_read(vsie);
  s->vstvec = csr_read(vstvec);
  s->vsscratch = csr_read(vsscratch);
  s->vsepc = csr_read(vsepc);
  s->vscause = csr_read(vscause);
  s->vstval = csr_read(vstval);
  s->vsatp = csr_read(vsatp);
}

static void vs_csrs_load(const struct vs_csrs *s) {
  csr_write(vsstatus, s->vsstatus);
  csr_write(vsie, s->vsie);
  csr_write(vstvec, s->vstvec);
  csr_write(vsscratch, s->vsscratch);
  csr_write(vsepc, s->vsepc);
  csr_write(vscause, s->vscause);
  csr_write(vstval, s->vstval);
  csr_write(vsatp, s->vsatp);
}

/* Make `v` the guest that the next sret enters. */
static struct vcpu *prepare_entry(struct vcpu *v) {
  if (loaded != v) {
    /* Switching guests: the VS CSRs belong to the guest, swap them; hgatp selects the other G-stage
     * table. Its VMID is different, so translations cached for the other guest cannot be used for
     * this one, and no fence is needed. */
    if (loaded) vs_csrs_save(&loaded->vs);
    vs_csrs_load(&v->vs);
    csr_write(hgatp, HGATP_SV32X4 | (v->vmid << HGATP_VMID_SHIFT) | ((u32)(uintptr_t)v->gstage_root >> 12));
    loaded = v;
  }
  /* sret goes to V=hstatus.SPV with privilege sstatus.SPP: VS-mode. VTW=1 makes the guest's wfi an
   * exit (virtual instruction). SPVP=1: hlvx.hu below reads guest memory with VS-mode privilege. */
  csr_write(hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW);
  csr_set(sstatus, MSTATUS_SPP);
  return v;
}

static void print_stats(struct vcpu *v) {
  hv_printf("[hv] guest %s shut down; exits: %u SBI, %u MMIO, %u lazy-map, %u wfi; %s\n",
            v->name, v->n_sbi, v->n_mmio, v->n_lazy, v->n_yield,
            v->n_preempt ? "preempted by the timer" : "never preempted");
}

/* Pick the next guest to run, round robin after `prev`; wait for timer ticks while none can run. */
static struct vcpu *schedule(struct vcpu *prev) {
  for (;;) {
    int done = 0;
    for (int i = 1; i <= NGUESTS; i++) {
      struct vcpu *v = &guests[(int)(prev - guests + i) % NGUESTS];
      if (v->state == VCPU_RUNNABLE) return prepare_entry(v);
      if (v->state == VCPU_DONE) done++;
    }
    if (done == NGUESTS) {
      hv_printf("[hv] all guests are done, powering off\n");
      hv_exit(guest_failed ? 1 : 0);
    }
    /* Every live guest waits for the next tick. Sleep until the firmware forwards it: wfi wakes up
     * for the pending machine timer interrupt, which M-mode turns into STIP (sstatus.SIE is 0 in
     * HS-mode, so STIP stays pending for us to poll instead of trapping). */
    while (!(csr_read(sip) & MIP_STIP)) __asm__ volatile("wfi");
    timer_tick();
  }
}

static void guest_stop(struct vcpu *v, const char *why) {
  hv_printf("[hv] guest %s: %s at pc %x; stopping it\n", v->name, why, v->pc);
  v->state = VCPU_DONE;
  guest_failed = 1;
}

/* Console output of a guest, one line at a time so that the two guests' lines do not mix. */
static void console_out(struct vcpu *v, struct line *l, const char *channel, u32 c) {
  if (c == '\n' || l->len == LINE_MAX - 1) { /* end of line, or a line too long: print it */
    l->buf[l->len] = 0;
#ifdef MINIVISOR_DEBUG_TIME
    hv_printf("@%u ", (u32)read_time());
#endif
    hv_printf("[%s%s] %s\n", v->name, channel, l->buf);
    l->len = 0;
  }
  if (c != '\n') l->buf[l->len++] = (char)c;
}

/* ------------------------------------------------------------------------------------------------
 * VM exit: ecall from VS-mode = an SBI call from the guest
 * ------------------------------------------------------------------------------------------------ */
static void exit_sbi_call(struct vcpu *v) {
  /* Hardware: the guest executed `ecall` in VS-mode; it trapped to HS (medeleg bit 10) with
   * scause = 10 and sepc = the ecall. To the guest, we are its SBI firmware: a7 = extension,
   * a0 = argument, the result goes back in a0. */
  v->n_sbi++;
  u32 ext = v->regs[17];
  u32 ret = 0;
  switch (ext) {
    case SBI_CONSOLE_PUTCHAR: console_out(v, &v->sbi_out, "", v->regs[10]); break;
    case SBI_SHUTDOWN:
      v->state = VCPU_DONE;
      print_stats(v);
      break;
    default: ret = SBI_ERR_NOT_SUPPORTED; break;
  }
  v->regs[10] = ret;
  /* ecall is always 4 bytes (there is no compressed ecall): the guest continues after it. */
  v->pc += 4;
}

/* ------------------------------------------------------------------------------------------------
 * VM exit: guest-page fault on the virtual device page = MMIO emulation
 * ------------------------------------------------------------------------------------------------ */
static u32 hlvx_hu(u32 gva) {
  u32 v;
  __asm__ volatile(H_BEGIN "hlvx.hu %0, (%1)" H_END : "=r"(v) : "r"(gva) : "memory");
  return v;
}

/* Read the guest's instruction at guest virtual address `pc`. hlvx.hu loads a halfword through the
 * guest's translation (VS stage, here bare, then G stage) with execute permission, exactly as a
 * fetch by the guest would. The code pages are mapped (the image), so this cannot fault. */
static u32 guest_insn(u32 pc, u32 *len) {
  u32 lo = hlvx_hu(pc);
  if ((lo & 3) != 3) {
    *len = 2;
    return lo;
  }
  *len = 4;
  return lo | (hlvx_hu(pc + 2) << 16);
}

static u32 vdev_read(struct vcpu *v, u32 off) {
  switch (off) {
    case VDEV_ID: return VDEV_ID_VALUE;
    case VDEV_PAGES: return v->n_lazy;
    default: return 0;
  }
}

static void vdev_write(struct vcpu *v, u32 off, u32 val) {
  if (off == VDEV_TX) console_out(v, &v->vdev_out, ":vdev", val & 0xff);
}

static void exit_mmio(struct vcpu *v, u32 gpa, int is_store) {
  /* Hardware: the guest's load or store went to GPA `gpa` in the device page, which has no G-stage
   * mapping, so the access did not happen and the guest trapped with a guest-page fault. The
   * hardware tells us the address but not the value or the register: htinst would describe the
   * instruction, but it may be 0 (it always is on QEMU 7.2). So we read the instruction from guest
   * memory and decode it ourselves: the width, and the source register (store) or destination
   * register (load). Then we do what the device would do and skip the instruction. */
  u32 len;
  u32 insn = guest_insn(v->pc, &len);
  u32 off = gpa - VDEV_BASE;
  int reg = -1, width = 0, is_signed = 0;

  if (len == 4 && (insn & 0x7f) == 0x23 && is_store) { /* sb / sh / sw rs2, imm(rs1) */
    reg = (insn >> 20) & 31;
    width = 1 << ((insn >> 12) & 7); /* funct3 0/1/2 */
  } else if (len == 4 && (insn & 0x7f) == 0x03 && !is_store) { /* lb lh lw lbu lhu rd, imm(rs1) */
    u32 funct3 = (insn >> 12) & 7;
    reg = (insn >> 7) & 31;
    width = 1 << (funct3 & 3);
    is_signed = !(funct3 & 4);
  } else if (len == 2 && (insn & 0xe003) == 0xc000 && is_store) { /* c.sw rs2', imm(rs1') */
    reg = 8 + ((insn >> 2) & 7);
    width = 4;
  } else if (len == 2 && (insn & 0xe003) == 0x4000 && !is_store) { /* c.lw rd', imm(rs1') */
    reg = 8 + ((insn >> 2) & 7);
    width = 4;
  }
  if (reg < 0 || width > 4) {
    guest_stop(v, "device access by an instruction minivisor cannot decode");
    return;
  }
  v->n_mmio++;
  if (is_store) {
    vdev_write(v, off, v->regs[reg]); /* x0 reads as 0 (regs[0] is never written) */
  } else {
    u32 val = vdev_read(v, off);
    if (width < 4) {
      u32 shift = 32 - 8 * (u32)width;
      val = is_signed ? (u32)((int32_t)(val << shift) >> shift) : (val << shift) >> shift;
    }
    if (reg != 0) v->regs[reg] = val;
  }
  v->pc += len; /* the access is done: continue after the instruction */
}

/* ------------------------------------------------------------------------------------------------
 * VM exit: guest-page fault (all kinds)
 * ------------------------------------------------------------------------------------------------ */
static void exit_guest_page_fault(struct vcpu *v, u32 cause) {
  /* Hardware: the G-stage walk found no valid leaf for the guest physical address. stval holds the
   * guest *virtual* address (hstatus.GVA=1) and htval the guest physical address shifted right by
   * 2; the low 2 bits are those of stval (the page offset is the same in both). */
  u32 gpa = (csr_read(htval) << 2) | (csr_read(stval) & 3);

  if (gpa - GUEST_RAM_BASE < GUEST_RAM_SIZE) {
    /* Guest RAM that the guest touches for the first time: back it with a fresh zeroed host page,
     * map it, and return *without* advancing pc: the guest retries the access, which now
     * succeeds. (This is how a hypervisor overcommits memory: pages cost host memory only once
     * used.) */
    gstage_map(v, gpa & ~(PAGE - 1), alloc_zeroed(PAGE));
    v->n_lazy++;
    return;
  }
  if (gpa - VDEV_BASE < PAGE && cause != EXC_INST_GUEST_PAGE) {
    exit_mmio(v, gpa, cause == EXC_STORE_GUEST_PAGE);
    return;
  }
  /* Neither RAM nor a device: on real hardware this would be an access fault. */
  hv_printf("[hv] guest %s: no memory at GPA %x\n", v->name, gpa);
  guest_stop(v, "bad guest-physical address");
}

/* ------------------------------------------------------------------------------------------------
 * VM exit: virtual instruction
 * ------------------------------------------------------------------------------------------------ */
static void exit_virtual_insn(struct vcpu *v) {
  /* Hardware: the guest executed an instruction that is legal in S-mode but that the hypervisor
   * intercepts in VS-mode; hstatus.VTW=1 makes `wfi` one of them. (stval may hold the instruction,
   * but the spec lets it be 0, so read it ourselves.) A guest in wfi has nothing to do until an
   * interrupt; our guests have no interrupts, so wfi means "wake me at the next time slice". */
  u32 len;
  if (guest_insn(v->pc, &len) != INSN_WFI) {
    guest_stop(v, "virtual instruction other than wfi");
    return;
  }
  v->n_yield++;
  v->state = VCPU_WAITING;
  v->pc += 4;
}

/* ------------------------------------------------------------------------------------------------
 * Every VM exit comes here from hs_trap_entry (start.S), with the guest's registers and pc saved in
 * *v. The return value is the guest to enter next (vcpu_enter).
 * ------------------------------------------------------------------------------------------------ */
struct vcpu *hs_handle_exit(struct vcpu *v) {
  u32 cause = csr_read(scause);
  if (!(csr_read(hstatus) & HSTATUS_SPV)) panic("trap from HS-mode itself");

  if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
    /* Hardware: the firmware set STIP (a tick), and HS-level interrupts are always enabled while a
     * guest runs (V=1), so the guest was interrupted at sepc. It stays runnable; the other guest
     * gets the next slice if it can run. */
    v->n_preempt++;
    timer_tick();
    return schedule(v);
  }
  switch (cause) {
    case EXC_ECALL_VS: exit_sbi_call(v); break;
    case EXC_INST_GUEST_PAGE:
    case EXC_LOAD_GUEST_PAGE:
    case EXC_STORE_GUEST_PAGE: exit_guest_page_fault(v, cause); break;
    case EXC_VIRTUAL_INSN: exit_virtual_insn(v); break;
    default: guest_stop(v, "unexpected trap"); break;
  }
  /* The same guest goes on unless it stopped or yielded. */
  return v->state == VCPU_RUNNABLE ? prepare_entry(v) : schedule(v);
}

void hs_main(void) {
  hv_printf("[hv] HS-mode: minivisor starting\n");
  csr_write(stvec, (u32)(uintptr_t)hs_trap_entry);
  /* No trap or interrupt of a guest is handled by the guest itself (hedeleg/hideleg = 0): every
   * one is a VM exit. The guests do not read counters either (hcounteren = 0). */
  csr_write(hedeleg, 0);
  csr_write(hideleg, 0);
  csr_write(hcounteren, 0);
  csr_write(sie, MIP_STIP); /* the tick interrupts guests (V=1) whatever sstatus.SIE says */

  guest_create(&guests[0], "a", 1, guest_a_image, guest_a_image_end);
  guest_create(&guests[1], "b", 2, guest_b_image, guest_b_image_end);

  timer_tick(); /* the first slice */
  vcpu_enter(prepare_entry(&guests[0]));
}
