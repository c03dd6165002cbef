/**
 * Call frame information (DWARF 5 spec 6.4 "Call Frame Information"): CIEs and FDEs from
 * `.debug_frame` (what GCC emits for bare-metal RISC-V when .eh_frame is discarded) or `.eh_frame`
 * (LSB "Exception Frames": 'z' augmentation, pointer encodings). `rowAt(pc)` runs the FDE's
 * instructions up to pc and returns how to find the CFA and the caller's registers.
 */
import { DwarfError, Reader } from './reader';

export type RegRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  /** Saved at CFA + offset. */
  | { kind: 'offset'; offset: number }
  /** The value is CFA + offset. */
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; reg: number }
  /** A DWARF expression: not evaluated by this reader (the unwinder treats it as unknown). */
  | { kind: 'expression' };

export interface CfaRule {
  /** Register number (DWARF numbering: x0..x31 are 0..31 on RISC-V), or -1 for an expression. */
  reg: number;
  offset: number;
}

export interface FrameRow {
  /** First address the row applies to. */
  loc: number;
  cfa: CfaRule;
  rules: ReadonlyMap<number, RegRule>;
}

interface Cie {
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  initial: Uint8Array;
  /** .eh_frame: pointer encoding of FDE addresses ('R' augmentation). */
  fdeEncoding: number;
  hasAugData: boolean;
  addressSize: number;
}

export interface Fde {
  /** Offset of the FDE in its section. */
  offset: number;
  start: number;
  end: number;
  cie: Cie;
  instructions: Uint8Array;
}

export class CallFrameInfo {
  private readonly fdes: Fde[];

  constructor(fdes: Fde[]) {
    this.fdes = [...fdes].sort((a, b) => a.start - b.start);
  }

  get all(): readonly Fde[] {
    return this.fdes;
  }

  /** The FDE covering `pc`, if any. */
  fdeFor(pc: number): Fde | undefined {
    let lo = 0;
    let hi = this.fdes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.fdes[mid]!;
      if (pc < f.start) hi = mid - 1;
      else if (pc >= f.end) lo = mid + 1;
      else return f;
    }
    return undefined;
  }

  /** The rule row in effect at `pc`, or undefined when no FDE covers it. */
  rowAt(pc: number): (FrameRow & { raReg: number }) | undefined {
    const fde = this.fdeFor(pc);
    if (fde === undefined) return undefined;
    const rows = fdeTable(fde, pc);
    const row = rows[rows.length - 1]!;
    return { ...row, raReg: fde.cie.raReg };
  }
}

/** Rows of an FDE's table (every row, or only up to `upTo`): readelf --debug-dump=frames-interp. */
export function fdeTable(fde: Fde, upTo = Infinity): FrameRow[] {
  const cie = fde.cie;
  const init = { cfa: { reg: -1, offset: 0 }, rules: new Map<number, RegRule>() };
  const state = { loc: fde.start, cfa: { ...init.cfa }, rules: new Map<number, RegRule>() };
  const rows: FrameRow[] = [];
  const stack: { cfa: CfaRule; rules: Map<number, RegRule> }[] = [];
  const pushRow = () => {
    const last = rows[rows.length - 1];
    const row = { loc: state.loc, cfa: { ...state.cfa }, rules: new Map(state.rules) };
    if (last !== undefined && last.loc === row.loc) rows[rows.length - 1] = row;
    else rows.push(row);
  };
  // The CIE's initial instructions set the state every FDE starts from (6.4.1).
  run(cie.initial, cie, state, stack, init, undefined, () => {});
  init.cfa = { ...state.cfa };
  init.rules = new Map(state.rules);
  pushRow();
  run(fde.instructions, cie, state, stack, init, upTo, pushRow);
  pushRow();
  return rows;
}

type State = { loc: number; cfa: CfaRule; rules: Map<number, RegRule> };

/** Execute CFA instructions (6.4.2). `advance` is called before the location moves. */
function run(code: Uint8Array, cie: Cie, st: State, stack: { cfa: CfaRule; rules: Map<number, RegRule> }[],
  init: { cfa: CfaRule; rules: Map<number, RegRule> }, upTo: number | undefined, advance: () => void): void {
  const r = new Reader(code);
  const da = cie.dataAlign;
  const restore = (reg: number) => {
    const rule = init.rules.get(reg);
    if (rule === undefined) st.rules.delete(reg);
    else st.rules.set(reg, rule);
  };
  const advanceTo = (loc: number): boolean => {
    if (upTo !== undefined && loc > upTo) return false;
    advance();
    st.loc = loc;
    return true;
  };
  while (!r.done) {
    const op = r.u8();
    const hi = op & 0xc0;
    const low = op & 0x3f;
    if (hi === 0x40) { if (!advanceTo(st.loc + low * cie.codeAlign)) return; continue; }
    if (hi === 0x80) { st.rules.set(low, { kind: 'offset', offset: r.uleb() * da }); continue; }
    if (hi === 0xc0) { restore(low); continue; }
    switch (op) {
      case 0x00: break; // nop
      case 0x01: if (!advanceTo(r.uN(cie.addressSize))) return; break; // set_loc
      case 0x02: if (!advanceTo(st.loc + r.u8() * cie.codeAlign)) return; break;
      case 0x03: if (!advanceTo(st.loc + r.u16() * cie.codeAlign)) return; break;
      case 0x04: if (!advanceTo(st.loc + r.u32() * cie.codeAlign)) return; break;
      case 0x05: { const reg = r.uleb(); st.rules.set(reg, { kind: 'offset', offset: r.uleb() * da }); break; }
      case 0x06: restore(r.uleb()); break;
      case 0x07: st.rules.set(r.uleb(), { kind: 'undefined' }); break;
      case 0x08: st.rules.set(r.uleb(), { kind: 'same' }); break;
      case 0x09: { const reg = r.uleb(); st.rules.set(reg, { kind: 'register', reg: r.uleb() }); break; }
      case 0x0a: stack.push({ cfa: { ...st.cfa }, rules: new Map(st.rules) }); break; // remember_state
      case 0x0b: { // restore_state
        const s = stack.pop();
        if (s === undefined) throw new DwarfError('DW_CFA_restore_state without remember_state');
        st.cfa = s.cfa;
        st.rules = s.rules;
        break;
      }
      case 0x0c: st.cfa = { reg: r.uleb(), offset: r.uleb() }; break;
      case 0x0d: st.cfa = { reg: r.uleb(), offset: st.cfa.offset }; break;
      case 0x0e: st.cfa = { reg: st.cfa.reg, offset: r.uleb() }; break;
      case 0x0f: r.skip(r.uleb()); st.cfa = { reg: -1, offset: 0 }; break; // def_cfa_expression
      case 0x10: { const reg = r.uleb(); r.skip(r.uleb()); st.rules.set(reg, { kind: 'expression' }); break; }
      case 0x11: { const reg = r.uleb(); st.rules.set(reg, { kind: 'offset', offset: r.sleb() * da }); break; }
      case 0x12: st.cfa = { reg: r.uleb(), offset: r.sleb() * da }; break;
      case 0x13: st.cfa = { reg: st.cfa.reg, offset: r.sleb() * da }; break;
      case 0x14: { const reg = r.uleb(); st.rules.set(reg, { kind: 'valOffset', offset: r.uleb() * da }); break; }
      case 0x15: { const reg = r.uleb(); st.rules.set(reg, { kind: 'valOffset', offset: r.sleb() * da }); break; }
      case 0x16: { const reg = r.uleb(); r.skip(r.uleb()); st.rules.set(reg, { kind: 'expression' }); break; }
      case 0x2e: r.uleb(); break; // GNU_args_size
      case 0x2f: { const reg = r.uleb(); st.rules.set(reg, { kind: 'offset', offset: -r.uleb() * da }); break; }
      default: throw new DwarfError(`unknown call frame instruction 0x${op.toString(16)}`);
    }
  }
}

/** Parse `.debug_frame` (isEh false) or `.eh_frame` (isEh true, loaded at `sectionAddr`). */
export function parseFrameSection(section: Uint8Array, isEh: boolean, sectionAddr = 0): Fde[] {
  const cies = new Map<number, Cie>();
  const fdes: Fde[] = [];
  const r = new Reader(section);
  const name = isEh ? '.eh_frame' : '.debug_frame';
  while (!r.done) {
    const offset = r.pos;
    if (isEh && r.end - r.pos >= 4 && new Reader(section, r.pos).u32() === 0) break; // .eh_frame terminator
    const { end, offsetSize } = r.unitLength();
    const idPos = r.pos;
    const id = r.uN(offsetSize);
    // CIE_id: 0 in .eh_frame, all ones in .debug_frame (a u64 of all ones reads as 2^64 here).
    const isCie = isEh ? id === 0 : offsetSize === 4 ? id === 0xffffffff : id >= 2 ** 64 - 2 ** 12;
    try {
      if (isCie) {
        cies.set(offset, parseCie(new Reader(section, r.pos, end), isEh));
      } else {
        const cieOffset = isEh ? idPos - id : id;
        let cie = cies.get(cieOffset);
        if (cie === undefined) {
          // A CIE after its FDE (allowed): parse it where it is.
          const cr = new Reader(section, cieOffset);
          const u = cr.unitLength();
          cr.uN(u.offsetSize);
          cie = parseCie(new Reader(section, cr.pos, u.end), isEh);
          cies.set(cieOffset, cie);
        }
        const fr = new Reader(section, r.pos, end);
        const start = readPointer(fr, cie.fdeEncoding, cie.addressSize, sectionAddr);
        const range = readPointer(fr, cie.fdeEncoding & 0x0f, cie.addressSize, sectionAddr);
        if (cie.hasAugData) fr.skip(fr.uleb());
        fdes.push({ offset, start: start >>> 0, end: (start + range) >>> 0, cie, instructions: section.subarray(fr.pos, end) });
      }
    } catch (e) {
      if (e instanceof DwarfError) throw new DwarfError(`${name} entry at 0x${offset.toString(16)}: ${e.message}`);
      throw e;
    }
    r.pos = end;
  }
  return fdes;
}

function parseCie(r: Reader, isEh: boolean): Cie {
  const version = r.u8();
  if (version !== 1 && version !== 3 && version !== 4) throw new DwarfError(`unsupported CIE version ${version}`);
  const aug = r.cstr();
  let addressSize = 4;
  if (version === 4) {
    addressSize = r.u8();
    r.u8(); // segment_selector_size
  }
  const codeAlign = r.uleb();
  const dataAlign = r.sleb();
  const raReg = version === 1 ? r.u8() : r.uleb();
  let fdeEncoding = 0; // DW_EH_PE_absptr
  const hasAugData = aug.startsWith('z');
  if (hasAugData) {
    const len = r.uleb();
    const augEnd = r.pos + len;
    for (const c of aug.slice(1)) {
      if (c === 'R') fdeEncoding = r.u8();
      else if (c === 'L') r.u8();
      else if (c === 'P') { const enc = r.u8(); readPointer(r, enc, addressSize, 0); }
      else if (c === 'S') continue;
      else break;
    }
    r.pos = augEnd;
  } else if (aug !== '' && isEh) {
    throw new DwarfError(`unknown CIE augmentation "${aug}"`);
  }
  return { codeAlign, dataAlign, raReg, initial: r.bytes.subarray(r.pos, r.end), fdeEncoding, hasAugData, addressSize };
}

/** An .eh_frame pointer (LSB "DWARF Exception Header Encoding"); absptr in .debug_frame. */
function readPointer(r: Reader, enc: number, addressSize: number, sectionAddr: number): number {
  if (enc === 0xff) return 0; // DW_EH_PE_omit
  const pos = r.pos;
  let v: number;
  switch (enc & 0x0f) {
    case 0x00: v = r.uN(addressSize); break;
    case 0x01: v = r.uleb(); break;
    case 0x02: v = r.u16(); break;
    case 0x03: v = r.u32(); break;
    case 0x04: v = r.u64(); break;
    case 0x09: v = r.sleb(); break;
    case 0x0a: v = (r.u16() << 16) >> 16; break;
    case 0x0b: v = r.u32() | 0; break;
    case 0x0c: v = r.u64(); break;
    default: throw new DwarfError(`unsupported pointer encoding 0x${enc.toString(16)}`);
  }
  if ((enc & 0x70) === 0x10) v += sectionAddr + pos; // DW_EH_PE_pcrel
  return v;
}
