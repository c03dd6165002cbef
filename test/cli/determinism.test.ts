import { describe, expect, it } from 'vitest';
import { vmscope } from './cli';

describe('determinism', () => {
  it('the same program and configuration give the same instruction count and output every time', () => {
    const runs = [0, 1, 2].map(() => vmscope(['run', 'test/programs/hello.elf', '--stats', '--harts', '2']));
    const counts = runs.map((r) => JSON.parse(r.stderr.trim()).instructions);
    expect(new Set(counts).size).toBe(1);
    expect(new Set(runs.map((r) => r.stdout.toString('hex'))).size).toBe(1);
    expect(runs.every((r) => r.code === runs[0].code)).toBe(true);
  });
});
