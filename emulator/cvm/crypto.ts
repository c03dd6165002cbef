/**
 * The cryptography the confidential-VM hardware needs, as an interface: emulator/ may not import Node
 * built-ins (the layering rule in docs/DESIGN.md), so whoever builds a Machine with the cvm features
 * passes an implementation (adapter/node-crypto.ts wraps Node's `crypto`).
 */
export interface CryptoProvider {
  /** AES-128 in ECB mode over whole 16-byte blocks of `data`, in place (the XEX whitening is the caller's). */
  aes128(key: Uint8Array, data: Uint8Array, decrypt: boolean): void;
  /** SHA-384 digest (48 bytes). */
  sha384(data: Uint8Array): Uint8Array;
  /**
   * An ECDSA P-384 key pair derived deterministically from `secret` (any length): the private scalar is
   * reduced from it. Returns the public key as SPKI PEM and a signer.
   */
  p384KeyPair(secret: Uint8Array): { publicPem: string; sign(message: Uint8Array): { r: Uint8Array; s: Uint8Array } };
  /** Cryptographically random bytes (a fresh seed when the configuration has none, cvm-model 3.3). */
  randomBytes(n: number): Uint8Array;
}

/**
 * `n` bytes (n <= 48) derived from the machine seed for one purpose: SHA-384 of the UTF-8 text
 * `vmscope/<label>/<seed>` (cvm-model 3.3: keys and tweak constants reproducible from the seed).
 */
export function derive(crypto: CryptoProvider, seed: number, label: string, n: number): Uint8Array {
  if (n > 48) throw new RangeError('derive: at most 48 bytes');
  return crypto.sha384(new TextEncoder().encode(`vmscope/${label}/${seed >>> 0}`)).slice(0, n);
}
