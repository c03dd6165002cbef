/**
 * Checked reading of device snapshots. `save()` returns plain JSON-safe data (numbers, booleans,
 * strings; 64-bit values as hex strings); `restore()` validates it field by field so a corrupt or
 * mismatched snapshot fails with a message naming the device and field instead of misbehaving later.
 */

/** A snapshot that cannot be restored into this device (corrupt, or made with another configuration). */
export class DeviceStateError extends Error {
  override readonly name = 'DeviceStateError';
  constructor(device: string, problem: string) {
    super(`cannot restore ${device} state: ${problem}. The snapshot is corrupt or was taken with a ` +
      'different machine configuration (e.g. another hart count) or vmscope version; take a new one.');
  }
}

export const MASK64 = (1n << 64n) - 1n;

export function u64ToState(v: bigint): string {
  return '0x' + (v & MASK64).toString(16);
}

/** Field reader bound to one device's snapshot object. */
export class StateReader {
  private readonly rec: Record<string, unknown>;

  constructor(private readonly device: string, state: unknown) {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new DeviceStateError(device, `expected an object, got ${describe(state)}`);
    }
    this.rec = state as Record<string, unknown>;
  }

  /** An integer in [min, max]. */
  int(key: string, min: number, max: number): number {
    const v = this.rec[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new DeviceStateError(this.device, `field '${key}' must be an integer in ${min}..${max}, got ${describe(v)}`);
    }
    return v;
  }

  bool(key: string): boolean {
    const v = this.rec[key];
    if (typeof v !== 'boolean') throw new DeviceStateError(this.device, `field '${key}' must be a boolean, got ${describe(v)}`);
    return v;
  }

  /** A 64-bit unsigned value stored by u64ToState. */
  u64(key: string): bigint {
    const v = this.rec[key];
    if (typeof v !== 'string' || !/^0x[0-9a-f]{1,16}$/.test(v)) {
      throw new DeviceStateError(this.device, `field '${key}' must be a 64-bit hex string, got ${describe(v)}`);
    }
    return BigInt(v);
  }

  /** A u64 or null. */
  optU64(key: string): bigint | null {
    return this.rec[key] === null ? null : this.u64(key);
  }

  /** An array of integers in [min, max]; `length` when given must match exactly. */
  ints(key: string, min: number, max: number, length?: number): number[] {
    const v = this.array(key, length);
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
        throw new DeviceStateError(this.device, `${key}[${i}] must be an integer in ${min}..${max}, got ${describe(x)}`);
      }
      return x;
    });
  }

  bools(key: string, length: number): boolean[] {
    return this.array(key, length).map((x, i) => {
      if (typeof x !== 'boolean') throw new DeviceStateError(this.device, `${key}[${i}] must be a boolean, got ${describe(x)}`);
      return x;
    });
  }

  u64s(key: string, length: number): bigint[] {
    return this.array(key, length).map((x, i) => {
      if (typeof x !== 'string' || !/^0x[0-9a-f]{1,16}$/.test(x)) {
        throw new DeviceStateError(this.device, `${key}[${i}] must be a 64-bit hex string, got ${describe(x)}`);
      }
      return BigInt(x);
    });
  }

  private array(key: string, length?: number): unknown[] {
    const v = this.rec[key];
    if (!Array.isArray(v)) throw new DeviceStateError(this.device, `field '${key}' must be an array, got ${describe(v)}`);
    if (length !== undefined && v.length !== length) {
      throw new DeviceStateError(this.device, `field '${key}' has ${v.length} entries, this machine needs ${length}`);
    }
    return v;
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return v === null ? 'null' : 'an object';
  return String(v);
}
