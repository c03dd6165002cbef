/** A small, strict option parser: every option is declared, every value checked, errors are sentences. */

export class UsageError extends Error {}

export type OptionSpec =
  | { kind: 'flag' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'string' };

export interface Parsed {
  positional: string[];
  options: Map<string, string | number | boolean>;
}

/** Parses `--name value`, `--name=value` and `--flag`; rejects unknown options and out-of-range numbers. */
export function parseArgs(argv: string[], specs: Record<string, OptionSpec>): Parsed {
  const positional: string[] = [];
  const options = new Map<string, string | number | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = specs[name];
    if (!spec) {
      const known = Object.keys(specs).map((k) => `--${k}`).join(', ');
      throw new UsageError(`unknown option --${name} (known options: ${known})`);
    }
    if (spec.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
      value = argv[++i];
    }
    if (spec.kind === 'int') options.set(name, parseIntOption(name, value, spec.min, spec.max));
    else options.set(name, value);
  }
  return { positional, options };
}

function parseIntOption(name: string, text: string, min: number, max: number): number {
  const t = text.trim().replace(/_/g, '');
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} wants a whole number from ${min} to ${max}, got '${text}'`);
  }
  return n;
}
