/**
 * Secrets and identities the secure processor derives from the machine seed (cvm-model 3.3: a run is
 * reproducible from its seed). Labels are part of the model: changing one changes every key.
 */
import { derive, type CryptoProvider } from '../crypto';

/** The 48-byte secret the chip's ECDSA P-384 signing key is reduced from (CryptoProvider.p384KeyPair). */
export function chipKeySecret(crypto: CryptoProvider, seed: number): Uint8Array {
  return derive(crypto, seed, 'chip-key', 48);
}

/** The chip's public key (SPKI PEM) for a machine seed: what `vmscope chip-key` prints. */
export function chipPublicKeyPem(crypto: CryptoProvider, seed: number): string {
  return crypto.p384KeyPair(chipKeySecret(crypto, seed)).publicPem;
}

/** CHIP_ID (64 bytes) of the report: two derivations, since one gives at most 48 bytes. */
export function chipId(crypto: CryptoProvider, seed: number): Uint8Array {
  const id = new Uint8Array(64);
  id.set(derive(crypto, seed, 'chip-id/0', 32), 0);
  id.set(derive(crypto, seed, 'chip-id/1', 32), 32);
  return id;
}

/** The VM encryption key of the guest started by the `launchIndex`-th LAUNCH_START (0-based). */
export function vekFor(crypto: CryptoProvider, seed: number, handle: number, launchIndex: number): Uint8Array {
  return derive(crypto, seed, `vek/${handle}/${launchIndex}`, 16);
}

/** REPORT_ID (32 bytes): fixed for a guest over its life, different for every launch. */
export function reportIdFor(crypto: CryptoProvider, seed: number, handle: number, launchIndex: number): Uint8Array {
  return derive(crypto, seed, `report-id/${handle}/${launchIndex}`, 32);
}
