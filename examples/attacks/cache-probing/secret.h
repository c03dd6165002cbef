/* cache-probing: the guest's secret (a table index, 0..15). The hypervisor knows it only to judge. */
#define SECRET_INDEX 11u
#define TABLE_ENTRIES 16u
#define TABLE_STRIDE 64u /* one cache line per entry */
