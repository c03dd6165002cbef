/** Immediate field encoders (unprivileged spec 2.3 fig. 2.4; ch. 16 fig. 16.1 for compressed forms). */

export const encI = (v: number): number => ((v & 0xfff) << 20) >>> 0;
export const encS = (v: number): number => ((((v >> 5) & 0x7f) << 25) | ((v & 0x1f) << 7)) >>> 0;
export const encB = (v: number): number =>
  ((((v >> 12) & 1) << 31) | (((v >> 5) & 0x3f) << 25) | (((v >> 1) & 0xf) << 8) | (((v >> 11) & 1) << 7)) >>> 0;
export const encU = (v: number): number => ((v & 0xfffff) << 12) >>> 0;
export const encJ = (v: number): number =>
  ((((v >> 20) & 1) << 31) | (((v >> 1) & 0x3ff) << 21) | (((v >> 11) & 1) << 20) | (((v >> 12) & 0xff) << 12)) >>> 0;

/** CI 6-bit immediate: imm[5] -> bit 12, imm[4:0] -> bits 6..2. */
export const encCI = (v: number): number => (((v >> 5) & 1) << 12) | ((v & 0x1f) << 2);
/** CB branch offset[8|4:3] -> 12..10, [7:6|2:1|5] -> 6..2. */
export const encCB = (v: number): number =>
  (((v >> 8) & 1) << 12) | (((v >> 3) & 3) << 10) | (((v >> 6) & 3) << 5) | (((v >> 1) & 3) << 3) | (((v >> 5) & 1) << 2);
/** CJ offset[11|4|9:8|10|6|7|3:1|5] -> bits 12..2. */
export const encCJ = (v: number): number =>
  (((v >> 11) & 1) << 12) | (((v >> 4) & 1) << 11) | (((v >> 8) & 3) << 9) | (((v >> 10) & 1) << 8) |
  (((v >> 6) & 1) << 7) | (((v >> 7) & 1) << 6) | (((v >> 1) & 7) << 3) | (((v >> 5) & 1) << 2);
export const encCK = (v: number): number => (((v >> 4) & 3) << 11) | (((v >> 6) & 0xf) << 7) | (((v >> 2) & 1) << 6) | (((v >> 3) & 1) << 5);
export const encCL = (v: number): number =>
  (((v >> 9) & 1) << 12) | (((v >> 4) & 1) << 6) | (((v >> 6) & 1) << 5) | (((v >> 7) & 3) << 3) | (((v >> 5) & 1) << 2);
export const encCLWSP = (v: number): number => (((v >> 5) & 1) << 12) | (((v >> 2) & 7) << 4) | (((v >> 6) & 3) << 2);
export const encCSWSP = (v: number): number => (((v >> 2) & 0xf) << 9) | (((v >> 6) & 3) << 7);
export const encCLW = (v: number): number => (((v >> 3) & 7) << 10) | (((v >> 2) & 1) << 6) | (((v >> 6) & 1) << 5);

export const fitsSigned = (v: number, bits: number): boolean => v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
