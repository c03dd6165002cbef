/* remapping: what the guest's two pages hold (16 bytes each, with the NUL). The hypervisor knows page
 * B's content only to judge the outcome. */
#define PAGE_A_TEXT "hello, visitor!"
#define PAGE_B_TEXT "key=0x5eb0b0b5!"
#define TEXT_LEN 16
