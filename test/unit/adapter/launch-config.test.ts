import { describe, expect, it } from 'vitest';
import { validateLaunch } from '../../../adapter/launch-config';

describe('validateLaunch', () => {
  it('passes a good configuration through, typed', () => {
    expect(validateLaunch({ program: 'a.elf', harts: 2, stopOnEntry: true, isa: 'rv32ima' })).toEqual({
      program: 'a.elf', harts: 2, stopOnEntry: true, isa: 'rv32ima',
    });
  });

  it.each([
    [{}, /'program' is missing/],
    [{ program: 42 }, /'program' is missing/],
    [{ program: 'a.elf', harts: 0 }, /'harts' must be a whole number from 1 to 8, got 0/],
    [{ program: 'a.elf', ramMiB: '64' }, /'ramMiB' must be a whole number/],
    [{ program: 'a.elf', stopOnEntry: 'yes' }, /'stopOnEntry' must be true or false/],
    [{ program: 'a.elf', isa: 32 }, /'isa' must be a string/],
    [{ program: 'a.elf', cwd: [] }, /'cwd' must be a folder path/],
  ])('names the attribute at fault: %j', (raw, message) => {
    const r = validateLaunch(raw as Record<string, unknown>);
    expect(typeof r).toBe('string');
    expect(r).toMatch(message);
  });
});
