/*
 * bench: a CPU-bound guest for `npm run bench` (CoreMark-ish mix: sieve, bitwise CRC-32, integer
 * matrix multiply, quicksort + insertion sort, a little state machine). Prints a checksum and the
 * minstret delta of the measured part, exits 0 through the SiFive test finisher.
 */
#include "rt.h"

#define ROUNDS 400

static uint8_t sieve_buf[8192];
static uint8_t crc_buf[4096];
static i32 ma[24][24], mb[24][24], mc[24][24];
static u32 sort_buf[1024];

static u32 lcg(u32 *s) {
  *s = *s * 1664525u + 1013904223u;
  return *s;
}

static u32 sieve(void) {
  u32 n = sizeof sieve_buf, count = 0;
  memset(sieve_buf, 1, n);
  sieve_buf[0] = sieve_buf[1] = 0;
  for (u32 i = 2; i * i < n; i++)
    if (sieve_buf[i])
      for (u32 j = i * i; j < n; j += i) sieve_buf[j] = 0;
  for (u32 i = 0; i < n; i++) count += sieve_buf[i];
  return count;
}

static u32 crc32(const uint8_t *p, u32 n) {
  u32 c = 0xffffffffu;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
  }
  return ~c;
}

static u32 matmul(void) {
  u32 sum = 0;
  for (int i = 0; i < 24; i++)
    for (int j = 0; j < 24; j++) {
      i32 acc = 0;
      for (int k = 0; k < 24; k++) acc += ma[i][k] * mb[k][j];
      mc[i][j] = acc;
      sum += (u32)acc;
    }
  return sum;
}

static void insertion(u32 *a, int n) {
  for (int i = 1; i < n; i++) {
    u32 v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void quicksort(u32 *a, int n) {
  while (n > 16) {
    u32 pivot = a[n / 2];
    int i = 0, j = n - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        u32 t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j + 1 < n - i) {
      quicksort(a, j + 1);
      a += i;
      n -= i;
    } else {
      quicksort(a + i, n - i);
      n = j + 1;
    }
  }
  insertion(a, n);
}

static u32 state_machine(const uint8_t *p, u32 n) {
  u32 state = 0, counts[4] = {0, 0, 0, 0};
  for (u32 i = 0; i < n; i++) {
    uint8_t c = p[i];
    switch (state) {
      case 0: state = (c & 1) ? 1 : (c & 2) ? 2 : 0; break;
      case 1: state = (c > 128) ? 3 : 0; break;
      case 2: state = (c % 3 == 0) ? 1 : 2; break;
      default: state = (c < 64) ? 0 : 3; break;
    }
    counts[state]++;
  }
  return counts[0] * 7 + counts[1] * 13 + counts[2] * 17 + counts[3] * 19;
}

int main(void) {
  u32 seed = 42, check = 0;
  u32 start = csr_read(minstret);
  for (int r = 0; r < ROUNDS; r++) {
    for (u32 i = 0; i < sizeof crc_buf; i++) crc_buf[i] = (uint8_t)(lcg(&seed) >> 24);
    for (int i = 0; i < 24; i++)
      for (int j = 0; j < 24; j++) {
        ma[i][j] = (i32)(lcg(&seed) >> 20) - 2048;
        mb[i][j] = (i32)(lcg(&seed) >> 21) - 1024;
      }
    for (u32 i = 0; i < 1024; i++) sort_buf[i] = lcg(&seed);
    u32 primes = sieve();
    u32 crc = crc32(crc_buf, sizeof crc_buf);
    u32 mm = matmul();
    quicksort(sort_buf, 1024);
    u32 sorted = 1;
    for (int i = 1; i < 1024; i++) sorted &= sort_buf[i - 1] <= sort_buf[i];
    u32 sm = state_machine(crc_buf, sizeof crc_buf);
    check = (check * 31) ^ primes ^ crc ^ (mm * 3) ^ (sort_buf[512] + sorted) ^ sm;
  }
  u32 end = csr_read(minstret);
  printf("bench: %u rounds, checksum %08x, measured instructions %u\n", ROUNDS, check, end - start);
  return 0;
}
