/**
 * The Node implementation of the emulator's CryptoProvider (emulator/cvm/crypto.ts): the emulator may
 * not import Node built-ins, so whoever builds a Machine with the confidential-VM features passes this.
 */
import * as crypto from 'node:crypto';
import type { CryptoProvider } from '../emulator/cvm/crypto';

/** Order n of the P-384 base point (FIPS 186-4 D.1.2.4, SEC 2 secp384r1). */
const P384_N = BigInt(
  '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
);
const P384_BYTES = 48;

/** Cipher objects per key and direction: ECB has no chaining, so one object serves every call. */
const MAX_CACHED_KEYS = 256;

export class NodeCrypto implements CryptoProvider {
  private readonly ciphers = new Map<string, crypto.Cipher | crypto.Decipher>();

  aes128(key: Uint8Array, data: Uint8Array, decrypt: boolean): void {
    if (key.length !== 16) throw new RangeError(`aes128: key must be 16 bytes, got ${key.length}`);
    if (data.length % 16 !== 0) throw new RangeError(`aes128: data must be whole 16-byte blocks, got ${data.length} bytes`);
    const out = this.cipher(key, decrypt).update(data);
    data.set(out);
  }

  sha384(data: Uint8Array): Uint8Array {
    return new Uint8Array(crypto.createHash('sha384').update(data).digest());
  }

  p384KeyPair(secret: Uint8Array): { publicPem: string; sign(message: Uint8Array): { r: Uint8Array; s: Uint8Array } } {
    // d = (int(secret) mod (n - 1)) + 1 is in [1, n-1], a valid private scalar for any secret.
    const d = (bytesToBigInt(secret) % (P384_N - 1n)) + 1n;
    const dBytes = bigIntToBytes(d, P384_BYTES);
    const ecdh = crypto.createECDH('secp384r1');
    ecdh.setPrivateKey(dBytes);
    const pub = ecdh.getPublicKey(); // 0x04 || x || y
    const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
    const jwk = {
      kty: 'EC', crv: 'P-384', d: b64(dBytes),
      x: b64(pub.subarray(1, 1 + P384_BYTES)), y: b64(pub.subarray(1 + P384_BYTES)),
    };
    const key = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
    const publicPem = crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    return {
      publicPem,
      sign(message: Uint8Array) {
        const sig = crypto.sign('sha384', message, { key, dsaEncoding: 'ieee-p1363' });
        return { r: new Uint8Array(sig.subarray(0, P384_BYTES)), s: new Uint8Array(sig.subarray(P384_BYTES)) };
      },
    };
  }

  randomBytes(n: number): Uint8Array {
    return new Uint8Array(crypto.randomBytes(n));
  }

  private cipher(key: Uint8Array, decrypt: boolean): crypto.Cipher | crypto.Decipher {
    const id = (decrypt ? 'd' : 'e') + Buffer.from(key).toString('hex');
    let c = this.ciphers.get(id);
    if (c === undefined) {
      if (this.ciphers.size >= MAX_CACHED_KEYS) this.ciphers.clear();
      c = decrypt ? crypto.createDecipheriv('aes-128-ecb', key, null) : crypto.createCipheriv('aes-128-ecb', key, null);
      c.setAutoPadding(false);
      this.ciphers.set(id, c);
    }
    return c;
  }
}

function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex'));
}

function bigIntToBytes(v: bigint, n: number): Uint8Array {
  return new Uint8Array(Buffer.from(v.toString(16).padStart(2 * n, '0'), 'hex'));
}
