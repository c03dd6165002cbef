/**
 * The SNP launch digest (cvm-model 5.5): 48 zero bytes, then one PAGE_INFO hash per 4 KiB page, as
 * the SEV-SNP firmware ABI spec's "PAGE_INFO" structure and virtee/sev-snp-measure gctx.py
 * (`GCTX._update`) compute it:
 *
 *   LD' = SHA-384(LD (48) || SHA-384(page) (48) || u16 0x0070 || u8 page_type || u8 is_imi = 0
 *                 || u8 vmpl3_perms = 0 || u8 vmpl2_perms = 0 || u8 vmpl1_perms = 0 || u8 0 || u64 gpa)
 *
 * (0x70 bytes in all, integers little-endian).
 */
import type { CryptoProvider } from '../crypto';

export const DIGEST_SIZE = 48;
export const PAGE_INFO_LEN = 0x70;
export const MEASURE_PAGE = 0x1000;
/** Page types (psp-sev.h SNP_PAGE_TYPE_NORMAL, SNP_PAGE_TYPE_VMSA). */
export const PAGE_TYPE_NORMAL = 1;
export const PAGE_TYPE_VMSA = 2;

/** A fresh launch digest: 48 zero bytes. */
export function initialDigest(): Uint8Array {
  return new Uint8Array(DIGEST_SIZE);
}

/** The digest after one page whose contents hash to `pageHash` (48 bytes) at guest-physical `gpa`. */
export function extendDigest(crypto: CryptoProvider, ld: Uint8Array, pageHash: Uint8Array, pageType: number, gpa: number): Uint8Array {
  const info = new Uint8Array(PAGE_INFO_LEN);
  const view = new DataView(info.buffer);
  info.set(ld, 0);
  info.set(pageHash, DIGEST_SIZE);
  view.setUint16(0x60, PAGE_INFO_LEN, true);
  info[0x62] = pageType;
  // 0x63 is_imi, 0x64..0x66 vmpl3/2/1 permissions, 0x67 reserved: all 0.
  view.setUint32(0x68, gpa >>> 0, true);
  view.setUint32(0x6c, Math.floor(gpa / 0x1_0000_0000), true);
  return crypto.sha384(info);
}

/**
 * The digest after measuring `plain` page by page from `gpa`: each 4 KiB piece (the last one may be
 * shorter; it is hashed padded with zeros to 4 KiB) at gpa + its offset.
 */
export function measureRange(crypto: CryptoProvider, ld: Uint8Array, plain: Uint8Array, pageType: number, gpa: number): Uint8Array {
  let digest = ld;
  for (let off = 0; off < plain.length; off += MEASURE_PAGE) {
    const page = new Uint8Array(MEASURE_PAGE);
    page.set(plain.subarray(off, Math.min(off + MEASURE_PAGE, plain.length)));
    digest = extendDigest(crypto, digest, crypto.sha384(page), pageType, gpa + off);
  }
  return digest;
}
