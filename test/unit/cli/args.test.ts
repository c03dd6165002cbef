import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../../adapter/cli/args';

const specs = {
  harts: { kind: 'int', min: 1, max: 8 },
  trace: { kind: 'string' },
  stats: { kind: 'flag' },
} as const;

describe('parseArgs', () => {
  it('takes --name value, --name=value, flags and positionals in any order', () => {
    const p = parseArgs(['a.elf', '--harts', '2', '--trace=t.txt', '--stats'], specs);
    expect(p.positional).toEqual(['a.elf']);
    expect(p.options.get('harts')).toBe(2);
    expect(p.options.get('trace')).toBe('t.txt');
    expect(p.options.get('stats')).toBe(true);
  });

  it('accepts hex and underscores in numbers', () => {
    expect(parseArgs(['--harts=0x4'], specs).options.get('harts')).toBe(4);
    expect(parseArgs(['--harts', '0_3'], specs).options.get('harts')).toBe(3);
  });

  it.each([
    [['--bogus'], /unknown option --bogus \(known options: --harts, --trace, --stats\)/],
    [['--harts'], /--harts needs a value/],
    [['--harts', '9'], /--harts wants a whole number from 1 to 8, got '9'/],
    [['--harts', 'two'], /got 'two'/],
    [['--harts', '1.5'], /got '1.5'/],
    [['--stats=1'], /--stats takes no value/],
  ])('rejects %j with a sentence that says what to do', (argv, message) => {
    expect(() => parseArgs(argv, specs)).toThrow(UsageError);
    expect(() => parseArgs(argv, specs)).toThrow(message);
  });
});
