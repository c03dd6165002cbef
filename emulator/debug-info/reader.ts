/**
 * A little-endian cursor over DWARF bytes (DWARF 5 spec 7.4 "32-Bit and 64-Bit DWARF Formats",
 * 7.6 "Variable Length Data"). Reads past the end throw DwarfError: the parsers catch it per unit, so
 * one damaged unit costs that unit, not the whole file.
 */
export class DwarfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DwarfError';
  }
}

export class Reader {
  pos: number;
  constructor(readonly bytes: Uint8Array, pos = 0, readonly end = bytes.length) {
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DwarfError(`truncated data at offset 0x${this.pos.toString(16)} (needs ${n} more bytes)`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  i8(): number {
    return (this.u8() << 24) >> 24;
  }

  u16(): number {
    this.need(2);
    const v = this.bytes[this.pos]! | (this.bytes[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
  }

  /** A 64-bit value as a number (exact below 2^53; offsets and RV32 addresses always are). */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi * 0x1_0000_0000 + lo;
  }

  /** An unsigned value of `size` bytes (1, 2, 4 or 8). */
  uN(size: number): number {
    switch (size) {
      case 1: return this.u8();
      case 2: return this.u16();
      case 4: return this.u32();
      case 8: return this.u64();
      default: throw new DwarfError(`unsupported value size ${size}`);
    }
  }

  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result;
    }
  }

  sleb(): number {
    let result = 0;
    let scale = 1;
    let b: number;
    do {
      b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return b & 0x40 ? result - scale : result;
  }

  /** A NUL-terminated string (UTF-8 bytes; non-ASCII decoded as Latin-1 is good enough for paths). */
  cstr(): string {
    let end = this.pos;
    while (end < this.end && this.bytes[end] !== 0) end++;
    if (end >= this.end) throw new DwarfError(`unterminated string at offset 0x${this.pos.toString(16)}`);
    const s = decodeUtf8(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /**
   * An initial length field (7.4): returns the unit's end and its offset size (4 for 32-bit DWARF,
   * 8 for 64-bit DWARF).
   */
  unitLength(): { end: number; offsetSize: 4 | 8 } {
    let len = this.u32();
    let offsetSize: 4 | 8 = 4;
    if (len === 0xffffffff) {
      len = this.u64();
      offsetSize = 8;
    } else if (len >= 0xfffffff0) {
      throw new DwarfError(`reserved unit length 0x${len.toString(16)}`);
    }
    const end = this.pos + len;
    if (end > this.end) throw new DwarfError(`unit at 0x${this.pos.toString(16)} runs past the end of its section`);
    return { end, offsetSize };
  }
}

/** A string from a string section (.debug_str, .debug_line_str) at `offset`. */
export function stringAt(section: Uint8Array | undefined, offset: number, what: string): string {
  if (section === undefined) throw new DwarfError(`${what} refers to a string section the file does not have`);
  if (offset >= section.length) throw new DwarfError(`${what}: string offset 0x${offset.toString(16)} is past the end`);
  return new Reader(section, offset).cstr();
}

function decodeUtf8(b: Uint8Array): string {
  let s = '';
  let ascii = true;
  for (const x of b) {
    if (x >= 0x80) ascii = false;
  }
  if (ascii) {
    for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
    return s;
  }
  try {
    return decodeURIComponent(Array.from(b, (x) => '%' + x.toString(16).padStart(2, '0')).join(''));
  } catch {
    return String.fromCharCode(...b);
  }
}
