/**
 * The launch request's work: check the launch configuration, read the ELF, build and load the
 * machine, read the debug information. Every failure is a RequestError naming the launch attribute.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine } from '../emulator/api';
import { ConfigError, DEFAULT_CONFIG, parseIsa, type MachineConfig } from '../emulator/config';
import { parseMachineConfig } from '../emulator/config-file';
import { DebugInfo } from '../emulator/debug-info';
import { ElfError, loadElf, type ElfImage } from '../emulator/loader/elf';
import { validateLaunch, type LaunchArguments } from './launch-config';
import { sourceResolver } from './source-paths';
import { ERR } from './protocol';
import { Target } from './target';
import { NodeCrypto } from './node-crypto';
import { assembleProgram, isAssemblySource } from './assemble-program';
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
  if (isAssemblySource(program)) bytes = assembledElf(program);
  const base = configFile(args.config, args.cwd); // DEFAULT_CONFIG without `config`; inline attributes override it
  const config: MachineConfig = {
    ...base,
    harts: args.harts ?? base.harts,
    ramMiB: args.ramMiB ?? base.ramMiB,
    isa: args.isa ?? base.isa,
    ...(args.caches === true ? { caches: base.caches ?? {} } : typeof args.caches === 'object' ? { caches: args.caches } : args.caches === false ? { caches: undefined } : {}),
  };
  let machine: Machine;
  let image: ElfImage;
  try {
    parseIsa(config.isa);
    image = loadElf(bytes);
    machine = new Machine(config, { crypto: new NodeCrypto() });
    machine.load(image);
  } catch (e) {
    if (e instanceof ElfError) fail(`launch attribute 'program': ${program}: ${e.message}`, ERR.badElf);
    if (e instanceof ConfigError) fail(`launch attribute 'isa': ${e.message}`, ERR.badIsa);
    throw e;
  }
  return { args, program, target: new Target(machine, image, new DebugInfo(bytes, image, sourceResolver(program, args.sourceFileMap))) };
}

/** The machine of launch attribute `config` (a path relative to `cwd`), DEFAULT_CONFIG without it. */
function configFile(file: string | undefined, cwd: string | undefined): MachineConfig {
  if (file === undefined) return { ...DEFAULT_CONFIG };
  const full = path.resolve(cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (e) {
    fail(`launch attribute 'config': cannot read ${full} (${(e as NodeJS.ErrnoException).code ?? e}); point it at a machine configuration file (*.vmscope.json)`, ERR.cannotRead);
  }
  try {
    return parseMachineConfig(text);
  } catch (e) {
    if (e instanceof ConfigError) fail(`launch attribute 'config': ${full}: ${e.message}`, ERR.badLaunch);
    throw e;
  }
}

/** A .S/.s `program`: assembled with a line table and linked at 0x80000000; every error listed. */
function assembledElf(program: string): Uint8Array {
  const r = assembleProgram(program);
  if (!r.elf) fail(`launch attribute 'program': cannot assemble ${program}:\n${r.errors.join('\n')}`, ERR.badElf);
  return r.elf;
}
