/**
 * `.debug_info` + `.debug_abbrev` (DWARF 5 spec 7.5 "Format of Debugging Information Entries"),
 * read only as far as vmscope needs: each compilation unit's directory and line program (so that
 * DWARF 4 line tables get their directory 0) and the subprograms with a contiguous pc range
 * (DW_AT_low_pc/high_pc), which name functions that have no sized symbol. Everything else is skipped
 * by form.
 */
import { DwarfError, Reader, stringAt } from './reader';

export interface CompileUnit {
  name?: string;
  compDir?: string;
  /** Offset of the unit's line program in .debug_line. */
  stmtList?: number;
}

export interface Subprogram {
  name: string;
  low: number;
  /** First address after the function. */
  high: number;
}

interface AttrSpec {
  at: number;
  form: number;
  implicit?: number;
}

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: AttrSpec[];
}

const TAG_COMPILE_UNIT = 0x11;
const TAG_SUBPROGRAM = 0x2e;
const AT = { name: 0x03, stmtList: 0x10, lowPc: 0x11, highPc: 0x12, compDir: 0x1b } as const;

function readAbbrevs(section: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new Reader(section, offset);
  const out = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) return out;
    const tag = r.uleb();
    const children = r.u8() !== 0;
    const attrs: AttrSpec[] = [];
    for (;;) {
      const at = r.uleb();
      const form = r.uleb();
      if (at === 0 && form === 0) break;
      attrs.push(form === 0x21 ? { at, form, implicit: r.sleb() } : { at, form });
    }
    out.set(code, { tag, children, attrs });
  }
}

interface UnitCtx {
  offsetSize: 4 | 8;
  addressSize: number;
  version: number;
  str?: Uint8Array;
  lineStr?: Uint8Array;
}

/** Reads one attribute value: numbers and strings are returned, everything else skipped. */
function readValue(r: Reader, form: number, u: UnitCtx, implicit?: number): number | string | undefined {
  switch (form) {
    case 0x01: return r.uN(u.addressSize); // addr
    case 0x03: r.skip(r.u16()); return undefined; // block2
    case 0x04: r.skip(r.u32()); return undefined; // block4
    case 0x05: return r.u16(); // data2
    case 0x06: return r.u32(); // data4
    case 0x07: return r.u64(); // data8
    case 0x08: return r.cstr(); // string
    case 0x09: case 0x18: r.skip(r.uleb()); return undefined; // block, exprloc
    case 0x0a: r.skip(r.u8()); return undefined; // block1
    case 0x0b: case 0x0c: case 0x11: return r.u8(); // data1, flag, ref1
    case 0x0d: return r.sleb(); // sdata
    case 0x0e: return stringAt(u.str, r.uN(u.offsetSize), 'DW_FORM_strp');
    case 0x1f: return stringAt(u.lineStr, r.uN(u.offsetSize), 'DW_FORM_line_strp');
    case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: return r.uleb(); // udata, ref_udata, strx, addrx, loclistx, rnglistx
    case 0x10: return r.uN(u.version <= 2 ? u.addressSize : u.offsetSize); // ref_addr
    case 0x12: return r.u16(); // ref2
    case 0x13: case 0x1c: return r.u32(); // ref4, ref_sup4
    case 0x14: case 0x20: case 0x24: return r.u64(); // ref8, ref_sig8, ref_sup8
    case 0x16: return readValue(r, r.uleb(), u); // indirect
    case 0x17: case 0x1d: case 0x1f01: case 0x1f02: return r.uN(u.offsetSize); // sec_offset, strp_sup, GNU alt
    case 0x19: return 1; // flag_present
    case 0x1e: r.skip(16); return undefined; // data16
    case 0x21: return implicit; // implicit_const
    case 0x25: case 0x29: return r.u8(); // strx1, addrx1
    case 0x26: case 0x2a: return r.u16();
    case 0x27: case 0x2b: { const lo = r.u16(); return lo + r.u8() * 0x10000; }
    case 0x28: case 0x2c: return r.u32();
    case 0x1f20: case 0x1f21: return r.uleb(); // GNU_addr_index, GNU_str_index
    default: throw new DwarfError(`unsupported attribute form 0x${form.toString(16)}`);
  }
}

/** Compilation units and subprograms of `.debug_info`. */
export function parseUnits(info: Uint8Array, abbrev: Uint8Array, strings: { str?: Uint8Array; lineStr?: Uint8Array }): { units: CompileUnit[]; subprograms: Subprogram[] } {
  const units: CompileUnit[] = [];
  const subprograms: Subprogram[] = [];
  const r = new Reader(info);
  while (!r.done) {
    const unitOffset = r.pos;
    const { end, offsetSize } = r.unitLength();
    try {
      const version = r.u16();
      if (version < 2 || version > 5) throw new DwarfError(`unsupported version ${version}`);
      let addressSize: number;
      let abbrevOffset: number;
      if (version >= 5) {
        const unitType = r.u8();
        addressSize = r.u8();
        abbrevOffset = r.uN(offsetSize);
        if (unitType === 2 || unitType === 6) { r.skip(8); r.uN(offsetSize); } // type units
        else if (unitType === 4 || unitType === 5) r.skip(8); // skeleton / split: dwo_id
      } else {
        abbrevOffset = r.uN(offsetSize);
        addressSize = r.u8();
      }
      const abbrevs = readAbbrevs(abbrev, abbrevOffset);
      const u: UnitCtx = { offsetSize, addressSize, version, ...strings };
      const ur = new Reader(info, r.pos, end);
      while (!ur.done) {
        const code = ur.uleb();
        if (code === 0) continue; // end of a sibling chain
        const a = abbrevs.get(code);
        if (a === undefined) throw new DwarfError(`abbreviation code ${code} is not defined`);
        const vals = new Map<number, { v: number | string | undefined; form: number }>();
        for (const spec of a.attrs) vals.set(spec.at, { v: readValue(ur, spec.form, u, spec.implicit), form: spec.form });
        if (a.tag === TAG_COMPILE_UNIT) {
          const cu: CompileUnit = {};
          const name = vals.get(AT.name)?.v;
          const dir = vals.get(AT.compDir)?.v;
          const stmt = vals.get(AT.stmtList)?.v;
          if (typeof name === 'string') cu.name = name;
          if (typeof dir === 'string') cu.compDir = dir;
          if (typeof stmt === 'number') cu.stmtList = stmt;
          units.push(cu);
        } else if (a.tag === TAG_SUBPROGRAM) {
          const name = vals.get(AT.name)?.v;
          const low = vals.get(AT.lowPc);
          const high = vals.get(AT.highPc);
          if (typeof name === 'string' && typeof low?.v === 'number' && typeof high?.v === 'number' && low.form === 0x01) {
            // high_pc of class constant is an offset from low_pc (DWARF 4+, 2.17.2).
            const hi = high.form === 0x01 ? high.v : low.v + high.v;
            if (hi > low.v) subprograms.push({ name, low: low.v >>> 0, high: hi >>> 0 });
          }
        }
      }
    } catch (e) {
      if (e instanceof DwarfError) throw new DwarfError(`.debug_info unit at 0x${unitOffset.toString(16)}: ${e.message}`);
      throw e;
    }
    r.pos = end;
  }
  return { units, subprograms };
}
