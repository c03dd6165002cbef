/*
 * The cvm guest: an encrypted guest, in VS-mode with ASID 1 (cvm-model 1-3). It
 *   1. starts with vsatp Bare: every access it makes is private, encrypted with its key;
 *   2. builds its own page table: all of its RAM private (C-bit set), one page shared (C-bit clear),
 *      as a Linux SEV guest does with set_memory_decrypted() for the pages it shares;
 *   3. keeps a secret in a private page and asks the hypervisor to look at that page: the hypervisor
 *      sees ciphertext (cvm-model 7, "read guest secrets");
 *   4. puts report_data in the shared page, gets an attestation report there and prints what it
 *      attests: the measurement of the image it was launched from (cvm-model 5.5).
 */
#include "guest.h"

/* Sv32 page table entries (privileged spec 4.3.1) and the C-bit (cvm-model 2.1): bit 31 of a leaf,
 * the top bit of its PPN, which makes it bit 33 of the guest-physical address. The hardware strips it
 * before the G stage: GPA 0x2_8000_0000 with the C-bit is GPA 0x8000_0000, private. */
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_C (1u << 31)
#define PTE_PPN(gpa) (((gpa) >> 12) << 10)
#define SATP_SV32 (1u << 31)

#define RAM_BASE 0x80000000u
#define MEGA 0x400000u        /* a first-level leaf maps 4 MiB */
#define REPORT_SIZE 0x4a0u
#define REPORT_DATA_SIZE 64u

/* Everything here is in .bss: private pages, cleared by crt0 through the guest's key. */
static u32 root[1024] __attribute__((aligned(PAGE)));         /* first level: 4 MiB per entry */
static u32 shared_table[1024] __attribute__((aligned(PAGE))); /* second level for 0x80400000-0x807fffff */
static char secret_page[PAGE] __attribute__((aligned(PAGE)));

/* In real life a secret arrives after attestation, from the guest owner over a channel the hypervisor
 * cannot read (SEV: LAUNCH_SECRET; SNP: a key broker). This one is in the image, which the hypervisor
 * had in plaintext before launch: what matters here is what it can see of the running guest. */
static const char SECRET[] = "vault code 0451, tell no one";
/* report_data: what the verifier wants bound to the report, e.g. its fresh nonce and a hash of the
 * guest's public key. Fixed here so that the output is reproducible. */
static const char REPORT_DATA[] = "nonce from the guest owner: 5eaf00d5c0ffee42";

static u32 le32(const volatile u8 *p) { return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24; }

/* 2. The guest's own page table (VS stage), identity-mapped so that the code goes on where it is. */
static void paging_on(void) {
  /* All of RAM, one private megapage: PPN = GPA 0x80000000 with the C-bit set. */
  root[RAM_BASE / MEGA] = PTE_PPN(RAM_BASE) | PTE_C | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
  /* The shared page: a 4 KiB leaf without the C-bit (and without X: nobody runs code from it). A
   * non-leaf entry needs no C-bit: page-table walks are always private (cvm-model 2.3). */
  root[SHARED_GPA / MEGA] = PTE_PPN((u32)(uintptr_t)shared_table) | PTE_V;
  shared_table[(SHARED_GPA >> 12) & 0x3ff] = PTE_PPN(SHARED_GPA) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  /* In VS-mode, `satp` is vsatp. The shared page was never touched through a private mapping, so no
   * cache line of it exists under our key: nothing to flush first (cvm-model 4.4; Linux flushes in
   * __set_memory_enc_pgtable when it converts a page that was in use). */
  __asm__ volatile("csrw satp, %0\n\tsfence.vma" ::"r"(SATP_SV32 | ((u32)(uintptr_t)root >> 12)) : "memory");
}

int main(void) {
  say("hello from an encrypted guest: VS-mode, ASID 1, vsatp Bare, so every access is private\n");

  paging_on();
  say("paging on: RAM at %x private (megapage, C-bit set), page %x shared (C-bit clear)\n", RAM_BASE, SHARED_GPA);

  /* 3. A secret in a private page. Printing it sends it to the hypervisor one character at a time, in
   *    a0: this is for you to compare, a real guest would not. */
  for (u32 i = 0; i < sizeof SECRET; i++) secret_page[i] = SECRET[i];
  say("my secret, in a private page at GPA %x: \"%s\"\n", (u32)(uintptr_t)secret_page, secret_page);
  struct sbiret r = sbi_vmscope(SBI_VMSCOPE_SHOW_PAGE, (u32)(uintptr_t)secret_page);
  /* r.value: the first 4 bytes the hypervisor read (little-endian), to set beside ours. */
  u8 seen[4] = {(u8)r.value, (u8)(r.value >> 8), (u8)(r.value >> 16), (u8)(r.value >> 24)};
  say("the hypervisor read ");
  say_hex(seen, 4);
  say("... where I read ");
  say_hex((const u8 *)secret_page, 4);
  say("...: it sees ciphertext, not my secret\n");

  /* 4. Attestation. report_data goes into the shared page, where the hypervisor can read it. */
  volatile u8 *shared = (volatile u8 *)SHARED_GPA;
  for (u32 i = 0; i < REPORT_DATA_SIZE; i++) shared[i] = i < sizeof REPORT_DATA ? REPORT_DATA[i] : 0;
  say("asking for an attestation report, report_data \"%s\" in the shared page\n", REPORT_DATA);
  r = sbi_vmscope(SBI_VMSCOPE_ATTEST, SHARED_GPA);
  if (r.error) {
    say("no report: error %d\n", (int)r.error);
    return 1;
  }
  /* The report, SEV-SNP layout (emulator/cvm/sp/README.md): the firmware wrote it into DRAM as is, and
   * we read it shared, so no key is involved. Its signature (at 0x2a0) is for the verifier to check. */
  const volatile u8 *rep = shared + r.value;
  say("report (%u bytes at shared page + 0x%x), signed by the chip:\n", REPORT_SIZE, r.value);
  say("  version %u, guest policy 0x%x, signature algorithm %u (ECDSA P-384 with SHA-384)\n", le32(rep + 0x00),
      le32(rep + 0x08), le32(rep + 0x34));
  say("  measurement ");
  say_hex(rep + 0x90, 48);
  say("\n");
  u32 same = 1;
  for (u32 i = 0; i < REPORT_DATA_SIZE; i++) same &= rep[0x50 + i] == shared[i];
  say("  report_data \"%s\": %s\n", REPORT_DATA, same ? "mine, echoed back" : "NOT what I asked for");
  say("  chip_id ");
  say_hex(rep + 0x1a0, 16);
  say("... (64 bytes)\n");
  say("a verifier checks the signature with the chip's key and the measurement against my image\n");
  say("bye\n");
  return 0; /* crt0 calls sbi_shutdown */
}
