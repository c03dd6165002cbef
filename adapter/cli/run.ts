/**
 * `vmscope run FILE.elf [--harts N] [--ram MIB] [--isa STRING] [--max-insns N] [--trace FILE] [--stats]`
 *
 * The guest's UART output goes to stdout, the exit code is the guest's (test finisher or HTIF), and
 * everything that is not the guest's doing has its own exit code (exit-codes.ts) and a one-line message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Machine } from '../../emulator/api';
import { ConfigError, DEFAULT_CONFIG, parseIsa, type MachineConfig } from '../../emulator/config';
import { checkFeatures, parseMachineConfig } from '../../emulator/config-file';
import { NodeCrypto } from '../node-crypto';
import { ElfError, loadElf } from '../../emulator/loader/elf';
import { parseArgs, UsageError } from './args';
import { EXIT } from './exit-codes';
import { TraceWriter } from './trace';

export const RUN_USAGE = `usage: vmscope run FILE.elf [options]
  --harts N        number of harts (1..8, default 1)
  --ram MIB        RAM size in MiB at 0x80000000 (1..2048, default 128)
  --isa STRING     extensions, e.g. rv32imac_zicsr_zicntr (default: all the machine has)
  --max-insns N    stop after N instructions (exit code ${EXIT.insnLimit})
  --trace FILE     write one line per instruction to FILE
  --config FILE    machine configuration (JSON, schemas/machine-config.schema.json); flags override it
  --features LIST  built-in confidential-VM hardware, comma-separated: memory-encryption, secure-processor
  --seed N         seed for keys and tweak constants (uint32; default: random, --stats shows it)
  --reports DIR    with secure-processor: write each attestation report it signs to DIR/report-N.bin
                   and the chip's public key to DIR/chip-key.pem (check them: vmscope verify-report)
  --stats          print {instructions, seconds, mips} as JSON on stderr (with caches: per-ASID statistics;
                   with features: the seed and the memory encryption engine's keys and AES counts)`;

export interface CliIo {
  out(bytes: Uint8Array): void;
  err(line: string): void;
}

export function runCommand(argv: string[], io: CliIo): number {
  let config: MachineConfig;
  let file: string;
  let opts: Map<string, string | number | boolean>;
  try {
    const parsed = parseArgs(argv, {
      harts: { kind: 'int', min: 1, max: 8 },
      ram: { kind: 'int', min: 1, max: 2048 },
      isa: { kind: 'string' },
      'max-insns': { kind: 'int', min: 1, max: Number.MAX_SAFE_INTEGER },
      trace: { kind: 'string' },
      stats: { kind: 'flag' },
      config: { kind: 'string' },
      features: { kind: 'string' },
      seed: { kind: 'int', min: 0, max: 0xffffffff },
      reports: { kind: 'string' },
    });
    opts = parsed.options;
    if (parsed.positional.length !== 1) {
      throw new UsageError(parsed.positional.length === 0 ? 'no program given: vmscope run FILE.elf' : `one program at a time, got ${parsed.positional.join(' ')}`);
    }
    file = parsed.positional[0];
    const base = readConfigFile(opts.get('config') as string | undefined, io);
    if (typeof base === 'number') return base;
    config = {
      ...base,
      harts: (opts.get('harts') as number | undefined) ?? base.harts,
      ramMiB: (opts.get('ram') as number | undefined) ?? base.ramMiB,
      isa: (opts.get('isa') as string | undefined) ?? base.isa,
    };
    const features = opts.get('features') as string | undefined;
    if (features !== undefined) config.features = checkFeatures(features.split(',').filter((f) => f !== ''), '--features');
    const seed = opts.get('seed') as number | undefined;
    if (seed !== undefined) config.seed = seed;
    parseIsa(config.isa);
    if (opts.has('reports') && !(config.features ?? []).includes('secure-processor')) {
      throw new UsageError('--reports needs the secure processor: add --features secure-processor (or list it in the --config file)');
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.err(`vmscope run: ${e.message}`);
      io.err(RUN_USAGE);
      return EXIT.usage;
    }
    throw e;
  }

  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    io.err(`vmscope run: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    return EXIT.noInput;
  }

  const machine = new Machine(config, { crypto: new NodeCrypto() });
  try {
    machine.load(loadElf(bytes));
  } catch (e) {
    if (e instanceof ElfError) {
      io.err(`vmscope run: ${file}: ${e.message}`);
      return EXIT.badElf;
    }
    throw e;
  }
  machine.onOutput = (b) => io.out(b);

  let trace: TraceWriter | undefined;
  const tracePath = opts.get('trace') as string | undefined;
  if (tracePath !== undefined) {
    try {
      trace = new TraceWriter(tracePath);
    } catch (e) {
      io.err(`vmscope run: cannot write trace file ${tracePath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return EXIT.cantCreate;
    }
    machine.setTracer((r) => trace!.record(r));
  }

  const maxInsns = (opts.get('max-insns') as number | undefined) ?? Number.MAX_SAFE_INTEGER;
  const t0 = process.hrtime.bigint();
  let code: number;
  try {
    const stop = machine.run(maxInsns);
    if (stop.kind === 'exit') code = stop.code & 0xff;
    else if (stop.kind === 'limit') {
      io.err(`vmscope run: stopped after ${machine.instret} instructions (--max-insns); the guest did not exit`);
      code = EXIT.insnLimit;
    } else {
      io.err(`vmscope run: emulator fault: ${stop.message}`);
      code = EXIT.emulatorFault;
    }
  } finally {
    trace?.close();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const reportsDir = opts.get('reports') as string | undefined;
  if (reportsDir !== undefined && machine.sp !== undefined) writeReports(machine.sp, reportsDir, io);
  if (opts.get('stats')) {
    const instructions = machine.instret;
    const caches = machine.cache === undefined ? {} : { caches: cacheStats(machine.cache) };
    const mee = machine.mee === undefined ? {} : { seed: machine.seed, memoryEncryption: machine.mee.viewState() };
    io.err(JSON.stringify({ instructions, seconds, mips: seconds > 0 ? instructions / seconds / 1e6 : 0, ...caches, ...mee }));
  }
  return code;
}

/**
 * The machine configuration of --config FILE (DEFAULT_CONFIG without it), or the exit code after a
 * one-line message: 64 for a file that does not exist or is not a valid configuration, 66 for one
 * that exists but cannot be read.
 */
function readConfigFile(file: string | undefined, io: CliIo): MachineConfig | number {
  if (file === undefined) return { ...DEFAULT_CONFIG };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    io.err(`vmscope run: --config ${file}: ${code === 'ENOENT' ? 'no such file (ENOENT)' : `cannot read it: ${code}`}`);
    return code === 'ENOENT' ? EXIT.usage : EXIT.noInput;
  }
  try {
    return parseMachineConfig(text);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.err(`vmscope run: --config ${file}: ${e.message}`);
    return EXIT.usage;
  }
}

/** The secure processor's signed reports and the chip's public key, as files a verifier can check. */
function writeReports(sp: NonNullable<Machine['sp']>, dir: string, io: CliIo): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'chip-key.pem'), sp.chipPublicKeyPem());
  sp.reports().forEach((r, i) => fs.writeFileSync(path.join(dir, `report-${i + 1}.bin`), r.bytes));
  io.err(`vmscope run: wrote ${sp.reports().length} attestation report(s) and chip-key.pem to ${dir}`);
}

/** Cache statistics by level, then ASID (the VMID of guest accesses, 0 for the host). */
function cacheStats(cache: NonNullable<Machine['cache']>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const level of ['l1i', 'l1d', 'llc'] as const) {
    out[level] = Object.fromEntries(cache.asids().map((a) => [String(a), cache.stats(level, a)]));
  }
  return out;
}
