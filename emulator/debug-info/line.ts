/**
 * `.debug_line` (DWARF 5 spec 6.2 "Line Number Information"; DWARF 4 6.2): runs every line-number
 * program and returns its rows with file names resolved to paths (include directory joined).
 * Versions 2..5; DWARF 5 entry formats with DW_FORM_string, line_strp, strp, udata, data1..16, block.
 */
import { DwarfError, Reader, stringAt } from './reader';

export interface LineRow {
  address: number;
  /** Path as the compiler recorded it: absolute when the directory was, else relative to the CU's directory. */
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  /** First address after a sequence (the row has no line of its own). */
  endSequence: boolean;
}

export interface LineProgram {
  /** Offset of the unit in .debug_line. */
  offset: number;
  version: number;
  files: string[];
  rows: LineRow[];
}

// DW_LNCT_* (6.2.4.1) and the forms that may carry them (7.5.6).
const LNCT_PATH = 1;
const LNCT_DIRECTORY_INDEX = 2;
const FORM = {
  block: 0x09, block1: 0x0a, block2: 0x03, block4: 0x04, data1: 0x0b, data2: 0x05, data4: 0x06, data8: 0x07,
  data16: 0x1e, string: 0x08, strp: 0x0e, line_strp: 0x1f, udata: 0x0f, sdata: 0x0d, strx: 0x1a,
  strx1: 0x25, strx2: 0x26, strx3: 0x27, strx4: 0x28,
} as const;

export interface Strings {
  str?: Uint8Array;
  lineStr?: Uint8Array;
}

/** Parse every unit of `.debug_line`. A damaged unit throws DwarfError naming its offset. */
export function parseLineSection(section: Uint8Array, strings: Strings, compDirs?: ReadonlyMap<number, string>): LineProgram[] {
  const out: LineProgram[] = [];
  const r = new Reader(section);
  while (!r.done) {
    const offset = r.pos;
    const { end, offsetSize } = r.unitLength();
    try {
      out.push(parseUnit(new Reader(section, r.pos, end), offset, offsetSize, strings, compDirs));
    } catch (e) {
      if (e instanceof DwarfError) throw new DwarfError(`.debug_line unit at 0x${offset.toString(16)}: ${e.message}`);
      throw e;
    }
    r.pos = end;
  }
  return out;
}

/** `dir`/`name`, with `.` and `..` components folded (`a/../b` -> `b`), as POSIX paths. */
function joinPath(dir: string, name: string): string {
  const joined = name.startsWith('/') || dir === '' ? name : `${dir}/${name}`;
  const abs = joined.startsWith('/');
  const out: string[] = [];
  for (const c of joined.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (c !== '..' || !abs) out.push(c);
  }
  return (abs ? '/' : '') + out.join('/');
}

function parseUnit(r: Reader, offset: number, offsetSize: 4 | 8, strings: Strings, compDirs: ReadonlyMap<number, string> | undefined): LineProgram {
  const version = r.u16();
  if (version < 2 || version > 5) throw new DwarfError(`unsupported line table version ${version}`);
  let addressSize = 4;
  if (version >= 5) {
    addressSize = r.u8();
    r.u8(); // segment_selector_size
  }
  const headerLength = r.uN(offsetSize);
  const programStart = r.pos + headerLength;
  const minInsnLength = r.u8();
  if (version >= 4) r.u8(); // maximum_operations_per_instruction: 1 on RISC-V (no VLIW)
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) throw new DwarfError('line_range is 0');
  const opLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) opLengths.push(r.u8());

  let files: string[];
  if (version >= 5) {
    // Directory 0 is the compilation directory; the others may be relative to it (6.2.4 item 16).
    const dirs = entryTable(r, offsetSize, strings).map((e) => e.path);
    for (let i = 1; i < dirs.length; i++) dirs[i] = joinPath(dirs[0] ?? '', dirs[i]!);
    files = entryTable(r, offsetSize, strings).map((e) => joinPath(dirs[e.dir] ?? '', e.path));
  } else {
    // DWARF 4: directory 0 is the compilation directory (not listed: DW_AT_comp_dir of the unit that
    // points here, passed in as compDirs); file numbers start at 1.
    const compDir = compDirs?.get(offset) ?? '';
    const dirs = [compDir];
    for (let s = r.cstr(); s !== ''; s = r.cstr()) dirs.push(joinPath(compDir, s));
    files = [''];
    for (let s = r.cstr(); s !== ''; s = r.cstr()) {
      const dir = r.uleb();
      r.uleb(); // mtime
      r.uleb(); // length
      files.push(joinPath(dirs[dir] ?? '', s));
    }
  }
  r.pos = programStart;

  const rows: LineRow[] = [];
  const fresh = () => ({ address: 0, file: 1, line: 1, column: 0, isStmt: defaultIsStmt });
  let st = fresh();
  const emit = (endSequence: boolean) => {
    rows.push({ address: st.address >>> 0, file: files[st.file] ?? `<file ${st.file}>`, line: st.line, column: st.column, isStmt: st.isStmt, endSequence });
  };
  while (!r.done) {
    const op = r.u8();
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      st.address += Math.floor(adj / lineRange) * minInsnLength;
      st.line += lineBase + (adj % lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: { // extended opcode
        const len = r.uleb();
        const next = r.pos + len;
        if (len === 0) break;
        const sub = r.u8();
        if (sub === 1) { // DW_LNE_end_sequence
          emit(true);
          st = fresh();
        } else if (sub === 2) { // DW_LNE_set_address
          st.address = r.uN(Math.min(len - 1, 8) || addressSize);
        } else if (sub === 3 && version <= 4) { // DW_LNE_define_file
          const name = r.cstr();
          r.uleb();
          r.uleb();
          r.uleb();
          files.push(name);
        }
        r.pos = next; // DW_LNE_set_discriminator and unknown ones: skipped by length
        break;
      }
      case 1: emit(false); break; // DW_LNS_copy
      case 2: st.address += r.uleb() * minInsnLength; break; // advance_pc
      case 3: st.line += r.sleb(); break; // advance_line
      case 4: st.file = r.uleb(); break; // set_file
      case 5: st.column = r.uleb(); break; // set_column
      case 6: st.isStmt = !st.isStmt; break; // negate_stmt
      case 7: break; // set_basic_block
      case 8: st.address += Math.floor((255 - opcodeBase) / lineRange) * minInsnLength; break; // const_add_pc
      case 9: st.address += r.u16(); break; // fixed_advance_pc
      case 10: case 11: break; // prologue_end, epilogue_begin
      default: // set_isa (12) and opcodes this reader does not know: skip their ULEB operands
        for (let i = 0; i < (opLengths[op] ?? 0); i++) r.uleb();
    }
  }
  return { offset, version, files, rows };
}

/** A DWARF 5 directory or file-name table (6.2.4 items 14..20). */
function entryTable(r: Reader, offsetSize: 4 | 8, strings: Strings): { path: string; dir: number }[] {
  const formatCount = r.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([r.uleb(), r.uleb()]);
  const count = r.uleb();
  const out: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i++) {
    const e = { path: '', dir: 0 };
    for (const [type, form] of format) {
      const v = readForm(r, form, offsetSize, strings);
      if (type === LNCT_PATH && typeof v === 'string') e.path = v;
      else if (type === LNCT_DIRECTORY_INDEX && typeof v === 'number') e.dir = v;
      // timestamp, size, MD5 and vendor types: read and dropped
    }
    out.push(e);
  }
  return out;
}

export function readForm(r: Reader, form: number, offsetSize: 4 | 8, strings: Strings): string | number | undefined {
  switch (form) {
    case FORM.string: return r.cstr();
    case FORM.line_strp: return stringAt(strings.lineStr, r.uN(offsetSize), 'DW_FORM_line_strp');
    case FORM.strp: return stringAt(strings.str, r.uN(offsetSize), 'DW_FORM_strp');
    case FORM.udata: return r.uleb();
    case FORM.sdata: return r.sleb();
    case FORM.data1: return r.u8();
    case FORM.data2: return r.u16();
    case FORM.data4: return r.u32();
    case FORM.data8: return r.u64();
    case FORM.data16: r.skip(16); return undefined;
    case FORM.block: r.skip(r.uleb()); return undefined;
    case FORM.block1: r.skip(r.u8()); return undefined;
    case FORM.block2: r.skip(r.u16()); return undefined;
    case FORM.block4: r.skip(r.u32()); return undefined;
    // strx needs .debug_str_offsets and the CU's base: no GNU tool emits it in a line table.
    case FORM.strx: r.uleb(); return undefined;
    case FORM.strx1: r.skip(1); return undefined;
    case FORM.strx2: r.skip(2); return undefined;
    case FORM.strx3: r.skip(3); return undefined;
    case FORM.strx4: r.skip(4); return undefined;
    default: throw new DwarfError(`unsupported form 0x${form.toString(16)} in a line table entry format`);
  }
}
