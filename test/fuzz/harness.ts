/**
 * Build a generated program, run it on QEMU 7.2 and on vmscope, compare stdout and exit code byte for
 * byte; on a mismatch, bisect over the body items (prefixes of the same program) to find the first
 * item after which the outputs differ, and describe it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess, runQemu, type RunResult } from '../diff/qemu';
import { runVmscope, vmscopeArgs } from '../diff/vmscope';
import { DEFAULT_OPTIONS, generate, type GenOptions, type Program } from './gen';

export const LINKER_SCRIPT = `OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY { RAM (rwx) : ORIGIN = 0x80000000, LENGTH = 128M }
SECTIONS
{
  .text : { KEEP(*(.text.init)) *(.text .text.*) } > RAM
  .rodata : ALIGN(16) { *(.rodata .rodata.*) } > RAM
  /* Fixed: gen.ts knows these addresses (DATA, BUF = DATA + 0x1000, PT). */
  .data 0x8001f000 : { *(.data .data.*) } > RAM
  .pt 0x80022000 : { *(.pt) } > RAM
  /DISCARD/ : { *(.comment) *(.note*) *(.eh_frame*) *(.riscv.attributes) }
}
`;

export const GCC = 'riscv64-unknown-elf-gcc';
export const GCC_FLAGS = ['-march=rv32imac_zicsr_zifencei', '-mabi=ilp32', '-nostdlib', '-nostartfiles', '-static',
  '-Wl,--no-warn-rwx-segments', '-Wl,--build-id=none', '-Wl,--no-relax'];

export const VMSCOPE_MAX_INSNS = 10_000_000;

/** Assemble and link `asm` into dir/name.elf; returns the ELF path. */
export function build(asm: string, dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const src = path.join(dir, `${name}.S`);
  const ld = path.join(dir, 'fuzz.ld');
  const elf = path.join(dir, `${name}.elf`);
  writeFileSync(src, asm);
  writeFileSync(ld, LINKER_SCRIPT);
  execFileSync(GCC, [...GCC_FLAGS, '-T', ld, '-o', elf, src], { stdio: ['ignore', 'pipe', 'pipe'] });
  return elf;
}

/**
 * vmscope as the fuzzer runs it: dist/cli.js, or FUZZ_VMSCOPE_CLI=path/to/cli.js (e.g. a build of
 * another revision, so that a campaign is not disturbed by a dist/ rebuilt in the middle of it).
 */
export function runVmscopeUnderTest(elf: string): Promise<RunResult> {
  const cli = process.env.FUZZ_VMSCOPE_CLI;
  const opts = { maxInsns: VMSCOPE_MAX_INSNS, timeoutMs: 30_000 };
  if (cli === undefined) return runVmscope(elf, opts);
  return runProcess(process.execPath, [cli, ...vmscopeArgs(elf, opts).slice(1)], opts.timeoutMs);
}

export interface Outcome {
  qemu: RunResult;
  vmscope: RunResult;
  same: boolean;
}

export function sameRun(a: RunResult, b: RunResult): boolean {
  return !a.timedOut && !b.timedOut && Buffer.compare(a.stdout, b.stdout) === 0 && a.exitCode === b.exitCode;
}

export async function runBoth(elf: string): Promise<Outcome> {
  const [qemu, vmscope] = await Promise.all([
    runQemu(elf, { timeoutMs: 20_000 }),
    runVmscopeUnderTest(elf),
  ]);
  return { qemu, vmscope, same: sameRun(qemu, vmscope) };
}

/** The first line where two outputs differ, with both versions. */
export function firstDifference(a: string, b: string): { line: number; qemu: string; vmscope: string } | undefined {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { line: i + 1, qemu: la[i] ?? '<end>', vmscope: lb[i] ?? '<end>' };
  }
  return undefined;
}

export interface Divergence {
  seed: number;
  /** First body item after which the outputs differ (index), or -1 if even the empty body differs. */
  item: number;
  kind: string;
  /** Assembly around the culprit item. */
  context: string;
  /** The culprit item's lines. */
  culprit: string[];
  diff: { line: number; qemu: string; vmscope: string } | undefined;
  qemuExit: number | null;
  vmscopeExit: number | null;
  /** stderr of vmscope (crashes). */
  vmscopeStderr: string;
  qemuTimedOut: boolean;
  vmscopeTimedOut: boolean;
}

export interface CheckResult {
  seed: number;
  ok: boolean;
  program: Program;
  outcome: Outcome;
  divergence?: Divergence;
}

/** Run one prefix of the seed's program; true when QEMU and vmscope agree. */
async function prefixAgrees(seed: number, opts: GenOptions, limit: number, dir: string): Promise<boolean> {
  const p = generate(seed, opts, limit);
  const elf = build(p.asm, dir, `seed${seed}_k${limit}`);
  return (await runBoth(elf)).same;
}

function contextAround(p: Program, item: number, before = 3): string {
  const lines = p.asm.split('\n');
  const from = p.itemLine[Math.max(0, item - before)] ?? 1;
  const to = (p.itemLine[item + 2] ?? p.itemLine[item + 1] ?? from + 40) - 1;
  return lines.slice(from - 1, Math.min(to, from + 60)).map((l, i) => `${String(from + i).padStart(5)}  ${l}`).join('\n');
}

/**
 * Generate, build and compare one seed. With `bisect`, a mismatch is narrowed down to the first body
 * item whose inclusion makes the outputs differ.
 */
export async function checkSeed(seed: number, opts: GenOptions = DEFAULT_OPTIONS, bisect = true, keepDir?: string): Promise<CheckResult> {
  const dir = keepDir ?? mkdtempSync(path.join(os.tmpdir(), `vmscope-fuzz-${seed}-`));
  try {
    const program = generate(seed, opts);
    const elf = build(program.asm, dir, `seed${seed}`);
    const outcome = await runBoth(elf);
    if (outcome.same) return { seed, ok: true, program, outcome };
    let item = program.items.length - 1;
    if (bisect) {
      // Invariant: prefix lo agrees, prefix hi disagrees.
      let lo = 0;
      let hi = program.items.length;
      if (!(await prefixAgrees(seed, opts, 0, dir))) {
        item = -1;
      } else {
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (await prefixAgrees(seed, opts, mid, dir)) lo = mid;
          else hi = mid;
        }
        item = hi - 1;
      }
    }
    const culprit = item >= 0 ? program.items[item]! : { kind: 'prologue/epilogue', lines: [] };
    const divergence: Divergence = {
      seed,
      item,
      kind: culprit.kind,
      culprit: culprit.lines,
      context: item >= 0 ? contextAround(program, item) : '',
      diff: firstDifference(outcome.qemu.stdout.toString('latin1'), outcome.vmscope.stdout.toString('latin1')),
      qemuExit: outcome.qemu.exitCode,
      vmscopeExit: outcome.vmscope.exitCode,
      vmscopeStderr: outcome.vmscope.stderr.slice(0, 2000),
      qemuTimedOut: outcome.qemu.timedOut,
      vmscopeTimedOut: outcome.vmscope.timedOut,
    };
    return { seed, ok: false, program, outcome, divergence };
  } finally {
    if (keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Shrink a divergent seed to a small set of body items that still diverges (greedy chunk removal over
 * the items up to the culprit). Returns the kept item indices and the program.
 */
export async function minimize(seed: number, culprit: number, opts: GenOptions = DEFAULT_OPTIONS, dir?: string): Promise<{ kept: number[]; program: Program }> {
  const work = dir ?? mkdtempSync(path.join(os.tmpdir(), `vmscope-fuzz-min-${seed}-`));
  let n = 0;
  const diverges = async (sel: number[]): Promise<boolean> => {
    const p = generate(seed, opts, sel);
    const elf = build(p.asm, work, `min${n++ % 4}`);
    return !(await runBoth(elf)).same;
  };
  let kept = Array.from({ length: culprit + 1 }, (_, i) => i);
  for (let chunk = Math.max(1, kept.length >> 1); chunk >= 1; chunk >>= 1) {
    for (let at = 0; at < kept.length;) {
      const trial = [...kept.slice(0, at), ...kept.slice(at + chunk)];
      if (trial.length > 0 && (await diverges(trial))) kept = trial;
      else at += chunk;
    }
  }
  if (dir === undefined) rmSync(work, { recursive: true, force: true });
  return { kept, program: generate(seed, opts, kept) };
}

export function describeDivergence(d: Divergence): string {
  const out = [
    `seed ${d.seed}: QEMU and vmscope differ` +
      (d.item >= 0 ? ` from body item ${d.item} (${d.kind}) on` : ' even with an empty body'),
  ];
  if (d.culprit.length > 0) out.push(`culprit: ${d.culprit.join(' ; ')}`);
  if (d.diff) out.push(`first differing output line ${d.diff.line}:\n  qemu:    ${d.diff.qemu}\n  vmscope: ${d.diff.vmscope}`);
  if (d.qemuExit !== d.vmscopeExit) out.push(`exit codes: qemu ${d.qemuExit}, vmscope ${d.vmscopeExit}`);
  if (d.qemuTimedOut || d.vmscopeTimedOut) out.push(`timed out: qemu ${d.qemuTimedOut}, vmscope ${d.vmscopeTimedOut}`);
  if (d.vmscopeStderr) out.push(`vmscope stderr: ${d.vmscopeStderr}`);
  if (d.context) out.push(`assembly (seed ${d.seed}, regenerate with test/fuzz/run.mjs --seed ${d.seed} --keep DIR):\n${d.context}`);
  return out.join('\n');
}
