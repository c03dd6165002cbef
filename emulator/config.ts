/** Machine configuration: the typed form every entry point (CLI, adapter, config file) turns into. */
import type { CacheConfigInput } from './cache/config';

export interface MachineConfig {
  /** Number of harts (1..8). */
  harts: number;
  /** RAM size in MiB at 0x80000000 (allocated lazily). */
  ramMiB: number;
  /**
   * ISA string such as "rv32imac_zicsr_zifencei_zicntr_zicbom" (or "rv32ima"): selects the extensions
   * that execute and the bits of misa. Default: everything the machine has.
   */
  isa: string;
  /** Retired instructions (summed over all harts) per mtime tick: 100 = QEMU virt (10 MHz) with -icount shift=0. */
  insnsPerTick: number;
  /** Instructions a hart runs before the next hart gets its turn (deterministic interleaving). */
  quantum: number;
  /**
   * The cache model (cvm-model 4; emulator/cache/README.md). Absent: no caches modelled. Given: any
   * part of { enabled (default true), l1i, l1d, llc: { sets, ways, line }, replacement, seed }, the rest
   * from DEFAULT_CACHE_CONFIG; checked by the Machine constructor (ConfigError naming the field).
   */
  caches?: CacheConfigInput;
  /**
   * Built-in hardware features to attach (BUILTIN_FEATURES; emulator/cvm/README.md): 'memory-encryption'
   * (AES-128 XEX per ASID, the C-bit), 'secure-processor' (the PSP-like mailbox), 'register-protection'
   * (SEV-ES-like) and 'integrity' (SEV-SNP-like RMP); each implies the ones before it. 'host-key'
   * (with memory-encryption) gives the host its own key, SME-style (cvm-model 1.3). They need a
   * CryptoProvider (new Machine(config, { crypto })).
   */
  features?: string[];
  /** Seed for keys and tweak constants (cvm-model 3.3), uint32. Absent: a fresh random seed (machine.seed tells which). */
  seed?: number;
}

/** Names of the built-in features a configuration may list. */
export const BUILTIN_FEATURES = ['memory-encryption', 'secure-processor', 'register-protection', 'integrity', 'host-key'] as const;

export const DEFAULT_CONFIG: MachineConfig = {
  harts: 1,
  ramMiB: 128,
  isa: 'rv32imach_zicsr_zifencei_zicntr_zicbom',
  insnsPerTick: 100,
  quantum: 1000,
};

/** A configuration value that cannot work, with what to do instead. */
export class ConfigError extends Error {}

/** The extensions this machine implements, by the names ISA strings use. */
export const SUPPORTED_EXTENSIONS = ['i', 'm', 'a', 'c', 'h', 'zicsr', 'zifencei', 'zicntr', 'zicbom'] as const;
export type Extension = (typeof SUPPORTED_EXTENSIONS)[number];

export interface IsaSelection {
  /** misa value (privileged spec 3.1.1): MXL=1 (32-bit), the letters selected (I M A C H), plus S and U (always present). */
  misa: number;
  extensions: ReadonlySet<Extension>;
}

/**
 * Parses an ISA string the way the RISC-V naming convention (unprivileged spec ch. 27) writes it:
 * `rv32` + single-letter extensions + `_`-separated multi-letter ones, case-insensitive.
 * Zicsr and Zifencei are implied, as in ISA manual 2.2 strings (and GCC 12): the privileged
 * architecture cannot work without CSRs. Zicntr and Zicbom are on only when named (or by default).
 */
export function parseIsa(isa: string): IsaSelection {
  const text = isa.trim().toLowerCase();
  const m = /^rv(32|64|128)([a-z]*)((?:_[a-z0-9]+)*)$/.exec(text);
  if (!m) {
    throw new ConfigError(`ISA string '${isa}' is not of the form rv32<letters>[_<extension>...], e.g. rv32imac_zicsr_zicntr`);
  }
  if (m[1] !== '32') throw new ConfigError(`ISA string '${isa}': vmscope emulates RV32 only; use rv32...`);
  const ext = new Set<Extension>(['zicsr', 'zifencei']);
  const letters = m[2];
  if (!letters.startsWith('i') && !letters.startsWith('g')) {
    throw new ConfigError(`ISA string '${isa}': the base must be I (rv32i...); RV32E is not supported`);
  }
  for (const ch of letters) {
    if (ch === 'g') throw new ConfigError(`ISA string '${isa}': G includes F and D, which this machine lacks; use rv32ima...`);
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ch)) {
      throw new ConfigError(`ISA string '${isa}': extension '${ch}' is not implemented (available: i, m, a, c, h)`);
    }
    ext.add(ch as Extension);
  }
  for (const name of m[3].split('_').filter((s) => s.length > 0)) {
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(name) || name.length === 1) {
      throw new ConfigError(`ISA string '${isa}': extension '${name}' is not implemented (available: ${SUPPORTED_EXTENSIONS.filter((s) => s.length > 1).join(', ')})`);
    }
    ext.add(name as Extension);
  }
  let misa = 0x40000000 | bit('s') | bit('u');
  for (const ch of ['i', 'm', 'a', 'c', 'h'] as const) if (ext.has(ch)) misa |= bit(ch);
  return { misa: misa >>> 0, extensions: ext };
}

function bit(letter: string): number {
  return 1 << (letter.charCodeAt(0) - 97);
}
