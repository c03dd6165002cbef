/* read-secrets: the guest's secret. The hypervisor knows it only to judge the outcome: a real attacker
 * would see the same bytes and need no oracle to recognise plaintext. */
#define SECRET "my PIN is 4711!"  /* 16 bytes with the NUL */
#define SECRET_LEN 16
