/** adapter/node-crypto.ts: the CryptoProvider the secure processor and the engine run on. */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../../adapter/node-crypto';

const c = new NodeCrypto();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

describe('NodeCrypto', () => {
  it('AES-128 ECB in place, FIPS-197 appendix C.1, both directions, several blocks', () => {
    const key = bytes('000102030405060708090a0b0c0d0e0f');
    const data = bytes('00112233445566778899aabbccddeeff'.repeat(2));
    c.aes128(key, data, false);
    expect(hex(data)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a'.repeat(2));
    c.aes128(key, data, true);
    expect(hex(data)).toBe('00112233445566778899aabbccddeeff'.repeat(2));
    expect(() => c.aes128(key, new Uint8Array(15), false)).toThrow(/16-byte blocks/);
  });

  it('SHA-384 (FIPS 180-2 "abc")', () => {
    expect(hex(c.sha384(new TextEncoder().encode('abc')))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
  });

  it('P-384 key pairs are deterministic per secret, valid for any secret, and sign verifiably', () => {
    const a = c.p384KeyPair(bytes('01'.repeat(48)));
    expect(c.p384KeyPair(bytes('01'.repeat(48))).publicPem).toBe(a.publicPem);
    expect(c.p384KeyPair(bytes('02'.repeat(48))).publicPem).not.toBe(a.publicPem);
    for (const secret of [new Uint8Array(0), new Uint8Array(48), new Uint8Array(48).fill(0xff), new Uint8Array(80).fill(0x5a)]) {
      const k = c.p384KeyPair(secret);
      const msg = new TextEncoder().encode('report');
      const { r, s } = k.sign(msg);
      expect([r.length, s.length]).toEqual([48, 48]);
      const key = nodeCrypto.createPublicKey(k.publicPem);
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
      expect(nodeCrypto.verify('sha384', msg, { key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]))).toBe(true);
    }
  });

  it('random bytes', () => {
    expect(c.randomBytes(32).length).toBe(32);
    expect(hex(c.randomBytes(16))).not.toBe(hex(c.randomBytes(16)));
  });
});
