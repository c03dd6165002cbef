/**
 * The `vmscope` launch configuration: one typed definition, checked here, documented in package.json.
 * Each error names the attribute and says what a valid value looks like.
 */
export interface LaunchArguments {
  /** Path of the RV32 ELF to run (relative paths resolve against `cwd`). */
  program: string;
  /** Folder that relative paths resolve against. */
  cwd?: string;
  /** Stop before the first instruction. */
  stopOnEntry?: boolean;
  /** Number of harts (1..8). */
  harts?: number;
  /** RAM size in MiB (1..2048). */
  ramMiB?: number;
  /** ISA string, e.g. rv32imac_zicsr_zicntr. */
  isa?: string;
  /** End the session after this many instructions. */
  maxInstructions?: number;
  /** Source path prefixes as recorded in the debug information -> where they are on this machine. */
  sourceFileMap?: Record<string, string>;
}

/** Returns the checked arguments, or a message naming the attribute at fault. */
export function validateLaunch(raw: Record<string, unknown> | undefined): LaunchArguments | string {
  if (raw === null || typeof raw !== 'object') return 'launch arguments must be an object with at least \'program\'';
  if (typeof raw.program !== 'string' || raw.program.length === 0) {
    return "launch attribute 'program' is missing: set it to the path of an RV32 ELF file, e.g. \"${workspaceFolder}/hello.elf\"";
  }
  const out: LaunchArguments = { program: raw.program };
  if (raw.cwd !== undefined) {
    if (typeof raw.cwd !== 'string') return "launch attribute 'cwd' must be a folder path (a string)";
    out.cwd = raw.cwd;
  }
  if (raw.stopOnEntry !== undefined) {
    if (typeof raw.stopOnEntry !== 'boolean') return "launch attribute 'stopOnEntry' must be true or false";
    out.stopOnEntry = raw.stopOnEntry;
  }
  const ints: [keyof LaunchArguments, number, number][] = [['harts', 1, 8], ['ramMiB', 1, 2048], ['maxInstructions', 1, Number.MAX_SAFE_INTEGER]];
  for (const [name, min, max] of ints) {
    const v = raw[name];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return `launch attribute '${name}' must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`;
    }
    (out as unknown as Record<string, number>)[name] = v;
  }
  if (raw.isa !== undefined) {
    if (typeof raw.isa !== 'string') return "launch attribute 'isa' must be a string such as \"rv32imac_zicsr_zicntr\"";
    out.isa = raw.isa;
  }
  if (raw.sourceFileMap !== undefined) {
    const m = raw.sourceFileMap;
    if (m === null || typeof m !== 'object' || Array.isArray(m) || !Object.values(m).every((v) => typeof v === 'string')) {
      return "launch attribute 'sourceFileMap' must map build paths to local folders, e.g. { \"/build/src\": \"${workspaceFolder}/src\" }";
    }
    out.sourceFileMap = m as Record<string, string>;
  }
  return out;
}
