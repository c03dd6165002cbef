/** DWARF readers for what GCC 12 and GNU as emit for RV32: line tables, call frame information, function ranges. */
export { DebugInfo, type FunctionRange, type SourceLine } from './debug-info';
export { CallFrameInfo, fdeTable, parseFrameSection, type CfaRule, type Fde, type FrameRow, type RegRule } from './frame';
export { parseLineSection, type LineProgram, type LineRow } from './line';
export { DwarfError } from './reader';
export { debugSections, type DebugSections } from './sections';
export { parseUnits, type CompileUnit, type Subprogram } from './units';
