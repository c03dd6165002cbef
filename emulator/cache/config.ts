/** The `caches` section of MachineConfig: its shape, defaults and validation. */
import { ConfigError } from '../config';

export type Replacement = 'lru' | 'plru' | 'random';
export const REPLACEMENTS: readonly Replacement[] = ['lru', 'plru', 'random'];

export interface CacheLevelConfig {
  /** Number of sets: a power of two. */
  sets: number;
  /** Associativity, 1..32 (a power of two for plru). */
  ways: number;
  /** Line size in bytes: a power of two, 8..4096. */
  line: number;
}

export interface CacheConfig {
  enabled: boolean;
  /** Per hart: instruction fetches. */
  l1i: CacheLevelConfig;
  /** Per hart: loads, stores, AMOs. */
  l1d: CacheLevelConfig;
  /** Shared by all harts. Its line must be at least the L1 lines. */
  llc: CacheLevelConfig;
  replacement: Replacement;
  /** Seed of the random replacement's generator (uint32). */
  seed: number;
}

/** What a configuration may give: any part; the rest comes from DEFAULT_CACHE_CONFIG. */
export interface CacheConfigInput {
  enabled?: boolean;
  l1i?: Partial<CacheLevelConfig>;
  l1d?: Partial<CacheLevelConfig>;
  llc?: Partial<CacheLevelConfig>;
  replacement?: Replacement;
  seed?: number;
}

/** 32 KiB 8-way L1s, 1 MiB 16-way LLC, 64-byte lines. `enabled` applies when a section is given. */
export const DEFAULT_CACHE_CONFIG: CacheConfig = {
  enabled: true,
  l1i: { sets: 64, ways: 8, line: 64 },
  l1d: { sets: 64, ways: 8, line: 64 },
  llc: { sets: 1024, ways: 16, line: 64 },
  replacement: 'lru',
  seed: 1,
};

const pow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function level(name: 'l1i' | 'l1d' | 'llc', input: Partial<CacheLevelConfig> | undefined, repl: Replacement): CacheLevelConfig {
  if (input !== undefined && (typeof input !== 'object' || input === null)) {
    throw new ConfigError(`caches.${name} must be an object { sets, ways, line }`);
  }
  const c = { ...DEFAULT_CACHE_CONFIG[name], ...input };
  if (!pow2(c.sets) || c.sets > 1 << 20) throw new ConfigError(`caches.${name}.sets must be a power of two from 1 to 1048576 (got ${String(c.sets)})`);
  if (!Number.isInteger(c.ways) || c.ways < 1 || c.ways > 32) throw new ConfigError(`caches.${name}.ways must be an integer from 1 to 32 (got ${String(c.ways)})`);
  if (repl === 'plru' && !pow2(c.ways)) throw new ConfigError(`caches.${name}.ways must be a power of two for plru replacement (got ${c.ways})`);
  if (!pow2(c.line) || c.line < 8 || c.line > 4096) throw new ConfigError(`caches.${name}.line must be a power of two from 8 to 4096 bytes (got ${String(c.line)})`);
  return { sets: c.sets, ways: c.ways, line: c.line };
}

/** Fill in defaults and check every field; throws ConfigError naming the field. */
export function resolveCacheConfig(input: CacheConfigInput | undefined): CacheConfig {
  if (input === undefined) return { ...DEFAULT_CACHE_CONFIG, enabled: false };
  if (typeof input !== 'object' || input === null) throw new ConfigError('caches must be an object');
  const enabled = input.enabled ?? true;
  if (typeof enabled !== 'boolean') throw new ConfigError(`caches.enabled must be true or false (got ${String(enabled)})`);
  const replacement = input.replacement ?? DEFAULT_CACHE_CONFIG.replacement;
  if (!REPLACEMENTS.includes(replacement)) {
    throw new ConfigError(`caches.replacement must be one of ${REPLACEMENTS.join(', ')} (got ${String(replacement)})`);
  }
  const seed = input.seed ?? DEFAULT_CACHE_CONFIG.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ConfigError(`caches.seed must be an integer from 0 to 4294967295 (got ${String(seed)})`);
  const l1i = level('l1i', input.l1i, replacement);
  const l1d = level('l1d', input.l1d, replacement);
  const llc = level('llc', input.llc, replacement);
  if (llc.line < l1i.line || llc.line < l1d.line) {
    throw new ConfigError(`caches.llc.line (${llc.line}) must be at least caches.l1i.line (${l1i.line}) and caches.l1d.line (${l1d.line})`);
  }
  return { enabled, l1i, l1d, llc, replacement, seed };
}
