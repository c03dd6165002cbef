/**
 * Machine configuration files (`*.vmscope.json`): JSON text in, MachineConfig out. Pure (no Node
 * built-ins): the CLI (`vmscope run --config FILE`) and the launch attribute `config` read the file
 * and hand the text here. schemas/machine-config.schema.json describes the same fields for editors;
 * test/unit/config/config-file.test.ts keeps the two in step.
 *
 * Every error is a ConfigError that starts with the field's JSON path and says what is valid, e.g.
 *   caches.l1d.ways: must be a whole number from 1 to 32, got "x"
 * Unknown fields are errors too (a misspelt field must not be silently ignored).
 *
 * `features` lists built-in hardware features by name (config.ts BUILTIN_FEATURES); features written
 * by users (examples/features) are attached in code with machine.addFeature.
 */
import { REPLACEMENTS, resolveCacheConfig, type CacheConfigInput, type CacheLevelConfig, type Replacement } from './cache/config';
import { BUILTIN_FEATURES, ConfigError, DEFAULT_CONFIG, parseIsa, type MachineConfig } from './config';

/** A configuration file's machine (every field of MachineConfig can be in a file). */
export type MachineFileConfig = MachineConfig;

/** Limits of the numeric fields (the Machine constructor and the cache model enforce the same). */
export const FILE_LIMITS = {
  harts: { min: 1, max: 8 },
  ramMiB: { min: 1, max: 2048 },
  insnsPerTick: { min: 1, max: 0xffffffff },
  quantum: { min: 1, max: 0xffffffff },
  seed: { min: 0, max: 0xffffffff },
  cacheSets: { min: 1, max: 1 << 20 },
  cacheWays: { min: 1, max: 32 },
  cacheLine: { min: 8, max: 4096 },
  cacheSeed: { min: 0, max: 0xffffffff },
} as const;

/** The fields a file may have, top level and per section (`$schema` lets editors find the schema). */
export const FILE_FIELDS = ['$schema', 'harts', 'ramMiB', 'isa', 'insnsPerTick', 'quantum', 'caches', 'features', 'seed'] as const;
export const CACHE_FIELDS = ['enabled', 'l1i', 'l1d', 'llc', 'replacement', 'seed'] as const;
export const CACHE_LEVEL_FIELDS = ['sets', 'ways', 'line'] as const;

const got = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function err(path: string, what: string): ConfigError {
  return new ConfigError(`${path}: ${what}`);
}

function object(path: string, v: unknown, fields: readonly string[], shape: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw err(path, `must be an object ${shape}, got ${got(v)}`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!fields.includes(k)) throw err(path === '(top level)' ? k : `${path}.${k}`, `unknown field; valid fields${path === '(top level)' ? '' : ` of ${path}`}: ${fields.join(', ')}`);
  }
  return o;
}

function whole(path: string, v: unknown, min: number, max: number, extra = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw err(path, `must be a whole number from ${min} to ${max}${extra}, got ${got(v)}`);
  }
  return v;
}

const pow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

function power(path: string, v: unknown, min: number, max: number, unit = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max || !pow2(v)) {
    throw err(path, `must be a power of two from ${min} to ${max}${unit}, got ${got(v)}`);
  }
  return v;
}

function level(path: string, v: unknown): Partial<CacheLevelConfig> {
  const o = object(path, v, CACHE_LEVEL_FIELDS, '{ sets, ways, line }');
  const out: Partial<CacheLevelConfig> = {};
  if (o.sets !== undefined) out.sets = power(`${path}.sets`, o.sets, FILE_LIMITS.cacheSets.min, FILE_LIMITS.cacheSets.max);
  if (o.ways !== undefined) out.ways = whole(`${path}.ways`, o.ways, FILE_LIMITS.cacheWays.min, FILE_LIMITS.cacheWays.max);
  if (o.line !== undefined) out.line = power(`${path}.line`, o.line, FILE_LIMITS.cacheLine.min, FILE_LIMITS.cacheLine.max, ' bytes');
  return out;
}

/** Checks a `features` list: names from BUILTIN_FEATURES, each once. */
export function checkFeatures(v: unknown, path = 'features'): string[] {
  const names: readonly string[] = BUILTIN_FEATURES;
  if (!Array.isArray(v)) throw err(path, `must be an array of feature names (${names.join(', ')}), got ${got(v)}`);
  v.forEach((f, i) => {
    if (typeof f !== 'string' || !names.includes(f)) throw err(`${path}[${i}]`, `must be one of ${names.join(', ')}, got ${got(f)}`);
    if (v.indexOf(f) !== i) throw err(`${path}[${i}]`, `'${f}' is listed twice`);
  });
  return v as string[];
}

/** Checks a `caches` section (as in a file or a launch configuration); throws ConfigError with its path. */
export function checkCaches(v: unknown, path = 'caches'): CacheConfigInput {
  const o = object(path, v, CACHE_FIELDS, '{ enabled, l1i, l1d, llc, replacement, seed }');
  const out: CacheConfigInput = {};
  if (o.enabled !== undefined) {
    if (typeof o.enabled !== 'boolean') throw err(`${path}.enabled`, `must be true or false, got ${got(o.enabled)}`);
    out.enabled = o.enabled;
  }
  for (const name of ['l1i', 'l1d', 'llc'] as const) if (o[name] !== undefined) out[name] = level(`${path}.${name}`, o[name]);
  if (o.replacement !== undefined) {
    if (typeof o.replacement !== 'string' || !(REPLACEMENTS as readonly string[]).includes(o.replacement)) {
      throw err(`${path}.replacement`, `must be one of ${REPLACEMENTS.map((r) => `"${r}"`).join(', ')}, got ${got(o.replacement)}`);
    }
    out.replacement = o.replacement as Replacement;
  }
  if (o.seed !== undefined) out.seed = whole(`${path}.seed`, o.seed, FILE_LIMITS.cacheSeed.min, FILE_LIMITS.cacheSeed.max);
  // What depends on more than one field (plru needs power-of-two ways, LLC lines at least the L1s').
  try {
    resolveCacheConfig(out);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const m = /^caches((?:\.\w+)*) (.*)$/s.exec(e.message);
    throw m ? err(`${path}${m[1]}`, m[2]!) : err(path, e.message);
  }
  return out;
}

/** Line and column (1-based) of offset `pos` in `text`. */
function where(text: string, pos: number): string {
  const before = text.slice(0, pos).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Parses JSON text, turning a syntax error into a ConfigError with line and column. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const at = m ? ` at ${where(text, Number(m[1]))}` : '';
    throw new ConfigError(`not valid JSON${at}: ${msg.replace(/ in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '')}`);
  }
}

/**
 * A machine configuration from a file's text: the file's fields over DEFAULT_CONFIG. `caches` is
 * present only when the file has it (then caches are modelled unless `enabled: false`).
 */
export function parseMachineConfig(text: string): MachineFileConfig {
  const raw = parseJson(text);
  const o = object('(top level)', raw, FILE_FIELDS, '{ harts, ramMiB, isa, insnsPerTick, quantum, caches, features, seed }');
  const out: MachineFileConfig = { ...DEFAULT_CONFIG };
  if (o.$schema !== undefined && typeof o.$schema !== 'string') throw err('$schema', `must be a string (the schema's path or URL), got ${got(o.$schema)}`);
  for (const name of ['harts', 'ramMiB', 'insnsPerTick', 'quantum'] as const) {
    if (o[name] !== undefined) out[name] = whole(name, o[name], FILE_LIMITS[name].min, FILE_LIMITS[name].max);
  }
  if (o.isa !== undefined) {
    if (typeof o.isa !== 'string') throw err('isa', `must be an ISA string such as "rv32imac_zicsr_zicntr", got ${got(o.isa)}`);
    try {
      parseIsa(o.isa);
    } catch (e) {
      if (e instanceof ConfigError) throw err('isa', e.message);
      throw e;
    }
    out.isa = o.isa;
  }
  if (o.caches !== undefined) out.caches = checkCaches(o.caches);
  if (o.seed !== undefined) out.seed = whole('seed', o.seed, FILE_LIMITS.seed.min, FILE_LIMITS.seed.max);
  if (o.features !== undefined) out.features = checkFeatures(o.features);
  return out;
}
