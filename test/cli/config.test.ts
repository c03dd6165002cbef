import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vmscope } from './cli';

const HELLO = 'test/programs/hello.elf';
const MINIVISOR = 'examples/minivisor/minivisor.elf';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-config-'));

function file(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

describe('vmscope run --config FILE', () => {
  it('builds the machine from the file (hello prints misa: no H in the file\'s ISA)', () => {
    const cfg = file('no-h.vmscope.json', JSON.stringify({ isa: 'rv32imac_zicsr_zicntr', ramMiB: 16 }));
    const r = vmscope(['run', HELLO, '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/misa 0x40141105/);
  });

  it('lets command-line flags override the file', () => {
    const cfg = file('no-h2.vmscope.json', JSON.stringify({ isa: 'rv32imac_zicsr_zicntr' }));
    const r = vmscope(['run', HELLO, '--config', cfg, '--isa', 'rv32imach_zicsr_zicntr']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/misa 0x40141185/);
  });

  it.each([
    ['malformed JSON', '{"harts": 2,,}', /^vmscope run: --config .*bad-0\.json: not valid JSON at line 1, column 13/],
    ['a bad value', '{"caches": {"l1d": {"ways": "x"}}}', /^vmscope run: --config .*bad-1\.json: caches\.l1d\.ways: must be a whole number from 1 to 32, got "x"$/],
    ['an unknown field', '{"hart": 2}', /^vmscope run: --config .*bad-2\.json: hart: unknown field; valid fields: /],
  ])('exits 64 with one line for %s', (_what, text, message) => {
    const n = ['malformed JSON', 'a bad value', 'an unknown field'].indexOf(_what);
    const r = vmscope(['run', HELLO, '--config', file(`bad-${n}.json`, text)]);
    expect(r.code).toBe(64);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stdout.length).toBe(0);
  });

  it('exits 64 for a file that does not exist, 66 for one that cannot be read', () => {
    const missing = vmscope(['run', HELLO, '--config', path.join(tmp, 'none.json')]);
    expect(missing.code).toBe(64);
    expect(missing.stderr.trimEnd()).toMatch(/^vmscope run: --config .*none\.json: no such file \(ENOENT\)$/);
    const dir = vmscope(['run', HELLO, '--config', tmp]);
    expect(dir.code).toBe(66);
    expect(dir.stderr.trimEnd()).toMatch(/^vmscope run: --config .*: cannot read it: EISDIR$/);
  });

  it('--stats adds cache statistics per level and ASID when the file turns caches on (one JSON object)', () => {
    const cfg = file('caches.vmscope.json', JSON.stringify({ caches: { l1d: { sets: 16 } } }));
    const r = vmscope(['run', MINIVISOR, '--config', cfg, '--stats']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const stats = JSON.parse(lines[0]!) as { instructions: number; caches: Record<string, Record<string, { accesses: number; hits: number; misses: number }>> };
    expect(stats.instructions).toBeGreaterThan(0);
    for (const level of ['l1i', 'l1d', 'llc']) {
      // The host (ASID 0) and the two guests (VMIDs 1 and 2).
      expect(Object.keys(stats.caches[level]!).sort(), level).toEqual(['0', '1', '2']);
      for (const s of Object.values(stats.caches[level]!)) expect(s.hits + s.misses).toBe(s.accesses);
    }
    expect(stats.caches.l1i!['1']!.accesses).toBeGreaterThan(0);
  });

  it('--stats without caches has no cache statistics', () => {
    const r = vmscope(['run', HELLO, '--stats']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stderr.trimEnd()).caches).toBeUndefined();
  });
});
