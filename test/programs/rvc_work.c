/*
 * rvc_c / rvc_noc: the same C workload built with the C extension (rvc_c: the compiler uses
 * compressed forms wherever it can) and without it (rvc_noc: -march=rv32im, no 16-bit
 * instructions at all). Both must print exactly the same thing. Nothing printed depends on code
 * addresses.
 */
#include "rt.h"

struct node {
  u32 key;
  u32 val;
  struct node *left, *right;
};

static struct node pool[64];
static u32 npool;

static struct node *insert(struct node *t, u32 key, u32 val) {
  if (!t) {
    struct node *n = &pool[npool++];
    n->key = key;
    n->val = val;
    n->left = n->right = 0;
    return n;
  }
  if (key < t->key) t->left = insert(t->left, key, val);
  else if (key > t->key) t->right = insert(t->right, key, val);
  else t->val += val;
  return t;
}

static u32 walk(struct node *t, u32 depth) {
  if (!t) return 0;
  u32 h = walk(t->left, depth + 1);
  h = h * 33 + t->key * 7 + t->val + depth;
  return h ^ walk(t->right, depth + 1);
}

static u32 fnv(const char *s) {
  u32 h = 2166136261u;
  while (*s) {
    h ^= (uint8_t)*s++;
    h *= 16777619u;
  }
  return h;
}

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_shl(int a, int b) { return a << (b & 7); }
static int (*const ops[])(int, int) = {op_add, op_sub, op_mul, op_shl};

static int classify(int x) {
  switch (x & 15) {
    case 0: return 11;
    case 1: return -3;
    case 2: return x >> 2;
    case 3: return x * 3;
    case 5: return x ^ 0x55;
    case 8: return ~x;
    case 13: return x & 0x0f0f;
    default: return x % 7;
  }
}

int main(void) {
  printf("rvc workload\n");
  static const char *words[] = {"ld", "sd", "c.addi", "vmscope", "RISC-V", "", "compressed", "x"};
  for (unsigned i = 0; i < sizeof words / sizeof words[0]; i++) printf("fnv(\"%s\") = %08x\n", words[i], fnv(words[i]));

  struct node *root = 0;
  u32 seed = 12345;
  for (int i = 0; i < 60; i++) {
    seed = seed * 1103515245u + 12345u;
    root = insert(root, (seed >> 16) % 40, i);
  }
  printf("tree: %u nodes, hash %08x\n", npool, walk(root, 0));

  int acc = 1;
  for (int i = 0; i < 40; i++) {
    acc = ops[i & 3](acc, classify(i * 37 - 500));
    if ((i & 7) == 7) printf("ops[%d] acc=%d\n", i, acc);
  }

  uint16_t h[16];
  int8_t b[16];
  for (int i = 0; i < 16; i++) {
    h[i] = (uint16_t)(0x8000 + i * 4099);
    b[i] = (int8_t)(i * 29 - 200);
  }
  i32 s = 0;
  for (int i = 0; i < 16; i++) s += (int16_t)h[i] + b[i];
  printf("narrow sums: %d\n", s);

  /* bubble sort with a byte array and a word array */
  u32 w[24];
  for (int i = 0; i < 24; i++) w[i] = (u32)(i * 2654435761u) >> 8;
  for (int i = 0; i < 24; i++)
    for (int j = 0; j + 1 < 24 - i; j++)
      if (w[j] > w[j + 1]) {
        u32 t = w[j];
        w[j] = w[j + 1];
        w[j + 1] = t;
      }
  printf("sorted:");
  for (int i = 0; i < 24; i += 4) printf(" %08x", w[i]);
  printf("\n64-bit: %08x%08x\n", (u32)(((u64)w[23] * w[22]) >> 32), (u32)((u64)w[23] * w[22]));
  u64 big = 0x123456789abcdefull;
  printf("64-bit div: %u %u\n", (u32)(big / 1000003u), (u32)(big % 1000003u));
  return 0;
}
