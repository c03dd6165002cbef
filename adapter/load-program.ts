/**
 * The launch request's work: check the launch configuration, read the ELF, build and load the
 * machine, read the debug information. Every failure is a RequestError naming the launch attribute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine } from '../emulator/api';
import { ConfigError, DEFAULT_CONFIG, parseIsa, type MachineConfig } from '../emulator/config';
import { DebugInfo } from '../emulator/debug-info';
import { ElfError, loadElf, type ElfImage } from '../emulator/loader/elf';
import { validateLaunch, type LaunchArguments } from './launch-config';
import { sourceResolver } from './source-paths';
import { ERR } from './protocol';
import { Target } from './target';
import { fail } from './validate';

export interface LoadedProgram {
  args: LaunchArguments;
  /** Absolute path of the ELF. */
  program: string;
  target: Target;
}

export function loadProgram(raw: unknown): LoadedProgram {
  const checked = validateLaunch((raw ?? {}) as Record<string, unknown>);
  if (typeof checked === 'string') fail(checked, ERR.badLaunch);
  const args = checked;
  const program = path.resolve(args.cwd ?? process.cwd(), args.program);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(program);
  } catch (e) {
    fail(`launch attribute 'program': cannot read ${program} (${(e as NodeJS.ErrnoException).code ?? e}); point it at an RV32 ELF file`, ERR.cannotRead);
  }
  const config: MachineConfig = {
    ...DEFAULT_CONFIG,
    harts: args.harts ?? DEFAULT_CONFIG.harts,
    ramMiB: args.ramMiB ?? DEFAULT_CONFIG.ramMiB,
    isa: args.isa ?? DEFAULT_CONFIG.isa,
  };
  let machine: Machine;
  let image: ElfImage;
  try {
    parseIsa(config.isa);
    image = loadElf(bytes);
    machine = new Machine(config);
    machine.load(image);
  } catch (e) {
    if (e instanceof ElfError) fail(`launch attribute 'program': ${program}: ${e.message}`, ERR.badElf);
    if (e instanceof ConfigError) fail(`launch attribute 'isa': ${e.message}`, ERR.badIsa);
    throw e;
  }
  return { args, program, target: new Target(machine, image, new DebugInfo(bytes, image, sourceResolver(program, args.sourceFileMap))) };
}
