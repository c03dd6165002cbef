import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_CONFIG } from '../../../emulator/cache/config';
import { BUILTIN_FEATURES, ConfigError, DEFAULT_CONFIG } from '../../../emulator/config';
import { CACHE_FIELDS, CACHE_LEVEL_FIELDS, FILE_FIELDS, parseMachineConfig } from '../../../emulator/config-file';
import { Machine } from '../../../emulator/machine';

const SCHEMA_PATH = path.resolve(__dirname, '../../../schemas/machine-config.schema.json');
const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as Schema;

interface Schema {
  $schema?: string;
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  examples?: unknown[];
  description?: string;
}

const parse = (o: unknown) => parseMachineConfig(JSON.stringify(o));

function errorOf(text: string): string {
  try {
    parseMachineConfig(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

/**
 * Nest `value` at `path` (['caches', 'l1d', 'ways']) into a file object. A line size goes to all three
 * levels (the LLC line must be at least the L1 lines: a rule across fields that the schema cannot say).
 */
function at(pathParts: string[], value: unknown): Record<string, unknown> {
  if (pathParts[0] === 'caches' && pathParts[2] === 'line') return { caches: { l1i: { line: value }, l1d: { line: value }, llc: { line: value } } };
  return pathParts.reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Record<string, unknown>;
}

/** Every leaf property of the schema with its path. */
function leaves(s: Schema, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  return Object.entries(s.properties ?? {}).flatMap(([k, p]) => (p.type === 'object' ? leaves(p, [...prefix, k]) : [{ path: [...prefix, k], schema: p }]));
}

describe('parseMachineConfig', () => {
  it('gives DEFAULT_CONFIG for an empty object, with no caches', () => {
    expect(parseMachineConfig('{}')).toEqual(DEFAULT_CONFIG);
    expect(parseMachineConfig('{}').caches).toBeUndefined();
  });

  it('reads every field', () => {
    const c = parse({
      $schema: './schemas/machine-config.schema.json', harts: 2, ramMiB: 64, isa: 'rv32imac_zicsr', insnsPerTick: 10, quantum: 50, seed: 7,
      caches: { l1d: { sets: 16, ways: 4 }, llc: { line: 128 }, replacement: 'plru', seed: 3 },
    });
    expect(c).toEqual({
      ...DEFAULT_CONFIG, harts: 2, ramMiB: 64, isa: 'rv32imac_zicsr', insnsPerTick: 10, quantum: 50, seed: 7,
      caches: { l1d: { sets: 16, ways: 4 }, llc: { line: 128 }, replacement: 'plru', seed: 3 },
    });
    // A Machine takes it as it is.
    const m = new Machine(c);
    expect(m.harts.length).toBe(2);
    expect(m.cache?.l1d[0]!.ways).toBe(4);
    expect(m.cache?.llc.line).toBe(128);
  });

  it('names the field, what is valid and what it got', () => {
    expect(errorOf('{"caches": {"l1d": {"ways": "x"}}}')).toBe('caches.l1d.ways: must be a whole number from 1 to 32, got "x"');
    expect(errorOf('{"harts": 9}')).toBe('harts: must be a whole number from 1 to 8, got 9');
    expect(errorOf('{"harts": 1.5}')).toBe('harts: must be a whole number from 1 to 8, got 1.5');
    expect(errorOf('{"ramMiB": null}')).toBe('ramMiB: must be a whole number from 1 to 2048, got null');
    expect(errorOf('{"caches": {"llc": {"sets": 1000}}}')).toBe('caches.llc.sets: must be a power of two from 1 to 1048576, got 1000');
    expect(errorOf('{"caches": {"l1i": {"line": 4}}}')).toBe('caches.l1i.line: must be a power of two from 8 to 4096 bytes, got 4');
    expect(errorOf('{"caches": {"replacement": "fifo"}}')).toBe('caches.replacement: must be one of "lru", "plru", "random", got "fifo"');
    expect(errorOf('{"caches": {"enabled": "yes"}}')).toBe('caches.enabled: must be true or false, got "yes"');
    expect(errorOf('{"caches": true}')).toMatch(/^caches: must be an object \{ enabled, l1i, l1d, llc, replacement, seed \}, got true$/);
    expect(errorOf('{"caches": {"l1d": []}}')).toMatch(/^caches\.l1d: must be an object \{ sets, ways, line \}, got \[\]$/);
    expect(errorOf('{"seed": -1}')).toBe('seed: must be a whole number from 0 to 4294967295, got -1');
    expect(errorOf('{"isa": 5}')).toMatch(/^isa: must be an ISA string/);
    expect(errorOf('{"isa": "rv32imf"}')).toMatch(/^isa: ISA string 'rv32imf': extension 'f' is not implemented/);
  });

  it('reads the built-in features list, and names a bad entry', () => {
    expect(parse({ features: ['memory-encryption', 'secure-processor'], seed: 1 }).features).toEqual(['memory-encryption', 'secure-processor']);
    expect(errorOf('{"features": "memory-encryption"}')).toBe('features: must be an array of feature names (memory-encryption, secure-processor, register-protection, integrity, host-key), got "memory-encryption"');
    expect(errorOf('{"features": ["sev"]}')).toBe('features[0]: must be one of memory-encryption, secure-processor, register-protection, integrity, host-key, got "sev"');
    expect(errorOf('{"features": ["memory-encryption", "memory-encryption"]}')).toBe("features[1]: 'memory-encryption' is listed twice");
    expect((schema.properties!.features as Schema & { items: { enum: string[] } }).items.enum).toEqual([...BUILTIN_FEATURES]);
  });

  it('checks what depends on several fields, with the path', () => {
    expect(errorOf('{"caches": {"replacement": "plru", "l1d": {"ways": 3}}}')).toBe('caches.l1d.ways: must be a power of two for plru replacement (got 3)');
    expect(errorOf('{"caches": {"llc": {"line": 32}}}')).toMatch(/^caches\.llc\.line: \(32\) must be at least caches\.l1i\.line/);
  });

  it('rejects unknown fields, listing the valid ones', () => {
    expect(errorOf('{"hart": 2}')).toBe(`hart: unknown field; valid fields: ${FILE_FIELDS.join(', ')}`);
    expect(errorOf('{"caches": {"l2": {}}}')).toBe(`caches.l2: unknown field; valid fields of caches: ${CACHE_FIELDS.join(', ')}`);
    expect(errorOf('{"caches": {"l1d": {"size": 32768}}}')).toBe('caches.l1d.size: unknown field; valid fields of caches.l1d: sets, ways, line');
  });

  it('reports malformed JSON with line and column, and a file that is not an object', () => {
    expect(errorOf('{\n  "harts": 2,\n}')).toMatch(/^not valid JSON at line 3, column 1/);
    expect(errorOf('')).toMatch(/^not valid JSON/);
    expect(errorOf('[1]')).toMatch(/^\(top level\): must be an object/);
  });
});

describe('schemas/machine-config.schema.json', () => {
  it('is a draft-07 object schema that closes every object and describes every field', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    const objects = (s: Schema): Schema[] => [s, ...Object.values(s.properties ?? {}).filter((p) => p.type === 'object').flatMap(objects)];
    for (const o of objects(schema)) expect(o.additionalProperties).toBe(false);
    const all = (s: Schema, p: string): [string, Schema][] => Object.entries(s.properties ?? {}).flatMap(([k, v]) => [[`${p}${k}`, v] as [string, Schema], ...all(v, `${p}${k}.`)]);
    for (const [name, p] of all(schema, '')) expect(p.description, name).toMatch(/\w{3,}/);
  });

  it('has exactly the parser\'s fields', () => {
    expect(Object.keys(schema.properties!).sort()).toEqual([...FILE_FIELDS].sort());
    const caches = schema.properties!.caches!;
    expect(Object.keys(caches.properties!).sort()).toEqual([...CACHE_FIELDS].sort());
    for (const l of ['l1i', 'l1d', 'llc']) expect(Object.keys(caches.properties![l]!.properties!).sort()).toEqual([...CACHE_LEVEL_FIELDS].sort());
  });

  it('has the defaults of DEFAULT_CONFIG and DEFAULT_CACHE_CONFIG', () => {
    const p = schema.properties!;
    for (const k of ['harts', 'ramMiB', 'isa', 'insnsPerTick', 'quantum'] as const) expect(p[k]!.default, k).toEqual(DEFAULT_CONFIG[k]);
    const c = p.caches!.properties!;
    expect(c.enabled!.default).toBe(DEFAULT_CACHE_CONFIG.enabled);
    expect(c.replacement!.default).toBe(DEFAULT_CACHE_CONFIG.replacement);
    expect(c.seed!.default).toBe(DEFAULT_CACHE_CONFIG.seed);
    for (const l of ['l1i', 'l1d', 'llc'] as const) {
      for (const f of CACHE_LEVEL_FIELDS) expect(c[l]!.properties![f]!.default, `${l}.${f}`).toBe(DEFAULT_CACHE_CONFIG[l][f]);
    }
  });

  it('every value the schema allows at its edges the parser accepts, and just beyond them it rejects', () => {
    for (const { path: p, schema: s } of leaves(schema)) {
      const name = p.join('.');
      if (p[0] === '$schema') {
        expect(() => parse({ $schema: 'x' })).not.toThrow();
        continue;
      }
      if (s.default !== undefined) expect(() => parse(at(p, s.default)), `${name} default`).not.toThrow();
      for (const e of s.examples ?? []) expect(() => parse(at(p, e)), `${name} example`).not.toThrow();
      if (s.enum) {
        for (const v of s.enum) expect(() => parse(at(p, v)), `${name} = ${String(v)}`).not.toThrow();
        const bad = typeof s.enum[0] === 'number' ? (s.enum[1] as number) + 1 : 'nope';
        expect(() => parse(at(p, bad)), `${name} = ${String(bad)}`).toThrow(ConfigError);
      }
      if (s.type === 'integer') {
        if (s.minimum !== undefined) {
          expect(() => parse(at(p, s.minimum)), `${name} = min`).not.toThrow();
          expect(() => parse(at(p, s.minimum! - 1)), `${name} = min - 1`).toThrow(new RegExp(`^${name.replace(/\./g, '\\.')}: `));
        }
        if (s.maximum !== undefined) {
          expect(() => parse(at(p, s.maximum)), `${name} = max`).not.toThrow();
          expect(() => parse(at(p, s.maximum! + 1)), `${name} = max + 1`).toThrow(new RegExp(`^${name.replace(/\./g, '\\.')}: `));
        }
        expect(() => parse(at(p, 'x')), `${name} = "x"`).toThrow(ConfigError);
      }
      if (s.type === 'boolean') expect(() => parse(at(p, 1)), `${name} = 1`).toThrow(ConfigError);
      if (s.type === 'string') expect(() => parse(at(p, 1)), `${name} = 1`).toThrow(ConfigError);
    }
  });
});
