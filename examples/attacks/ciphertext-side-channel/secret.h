/* ciphertext-side-channel: the guest's secret byte. The hypervisor knows it only to judge the outcome. */
#define SECRET_BYTE 0xa5u
