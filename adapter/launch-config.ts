import { ConfigError, resolveCacheConfig, type CacheConfigInput } from '../emulator/api';

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
  /**
   * Guests' symbols: ELF files with the symbols and DWARF of code that runs in a guest (V=1), each
   * bound to the VMID it runs with (hgatp.VMID). Paths resolve against `cwd`.
   */
  symbols?: GuestSymbolsArgument[];
  /**
   * Path of a machine configuration file (`*.vmscope.json`, schemas/machine-config.schema.json),
   * relative to `cwd`; the inline attributes (harts, ramMiB, isa, caches) override it.
   */
  config?: string;
  /**
   * The ASID-tagged cache model (emulator/cache): `true` for the defaults, or an object as the
   * machine's `caches` section ({ l1i, l1d, llc: { sets, ways, line }, replacement, seed }).
   */
  caches?: boolean | CacheConfigInput;
}

export interface GuestSymbolsArgument {
  program: string;
  vmid: number;
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
  if (raw.symbols !== undefined) {
    const example = 'e.g. [{ "program": "${workspaceFolder}/guest-a.elf", "vmid": 1 }]';
    if (!Array.isArray(raw.symbols)) return `launch attribute 'symbols' must be a list of guest ELF files with their VMIDs, ${example}`;
    const list: GuestSymbolsArgument[] = [];
    for (const [i, e] of (raw.symbols as unknown[]).entries()) {
      if (e === null || typeof e !== 'object') return `launch attribute 'symbols'[${i}] must be an object { "program": ..., "vmid": ... }, ${example}`;
      const { program, vmid } = e as Record<string, unknown>;
      if (typeof program !== 'string' || program.length === 0) return `launch attribute 'symbols'[${i}].program must be the path of a guest ELF file`;
      if (typeof vmid !== 'number' || !Number.isInteger(vmid) || vmid < 0 || vmid > 127) return `launch attribute 'symbols'[${i}].vmid must be a whole number from 0 to 127 (hgatp.VMID of Sv32), got ${JSON.stringify(vmid)}`;
      if (list.some((g) => g.vmid === vmid)) return `launch attribute 'symbols': VMID ${vmid} appears twice (one ELF per VMID)`;
      list.push({ program, vmid });
    }
    out.symbols = list;
  }
  if (raw.config !== undefined) {
    if (typeof raw.config !== 'string' || raw.config.length === 0) return `launch attribute 'config' must be the path of a machine configuration file, e.g. "\${workspaceFolder}/machine.vmscope.json", got ${JSON.stringify(raw.config)}`;
    out.config = raw.config;
  }
  if (raw.caches !== undefined) {
    const c = raw.caches;
    if (typeof c !== 'boolean' && (c === null || typeof c !== 'object' || Array.isArray(c))) {
      return `launch attribute 'caches' must be true, false or an object such as { "l1d": { "sets": 64, "ways": 8 }, "replacement": "lru" }, got ${JSON.stringify(c)}`;
    }
    if (typeof c === 'object') {
      try {
        resolveCacheConfig(c as CacheConfigInput);
      } catch (e) {
        if (e instanceof ConfigError) return `launch attribute 'caches': ${e.message}`;
        throw e;
      }
    }
    out.caches = c as boolean | CacheConfigInput;
  }
  return out;
}
