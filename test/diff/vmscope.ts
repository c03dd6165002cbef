/**
 * Run a guest ELF on vmscope through its CLI, as a user would:
 *   node dist/cli.js run FILE.elf [--harts N] [--max-insns N] --isa ISA   (the ISA of the QEMU command)
 * Contract (adapter/cli): UART output on stdout (bytes, nothing else), process exit code = the
 * guest's exit code (SiFive test finisher / HTIF).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, VMSCOPE_ISA, VMSCOPE_ISA_H, type RunOptions, type RunResult } from './qemu';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VMSCOPE_CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

export function hasVmscopeCli(): boolean {
  return existsSync(VMSCOPE_CLI);
}

export interface VmscopeRunOptions extends RunOptions {
  maxInsns?: number;
  /** Run the machine as configured by default (no --isa), as a user typing the command would. */
  defaultIsa?: boolean;
}

export function vmscopeArgs(elf: string, opts: VmscopeRunOptions = {}): string[] {
  const args = [VMSCOPE_CLI, 'run', elf];
  if ((opts.harts ?? 1) !== 1) args.push('--harts', String(opts.harts));
  if (opts.maxInsns !== undefined) args.push('--max-insns', String(opts.maxInsns));
  if (!opts.defaultIsa) args.push('--isa', opts.h === true ? VMSCOPE_ISA_H : VMSCOPE_ISA); // the ISA the QEMU command has
  return args;
}

export function runVmscope(elf: string, opts: VmscopeRunOptions = {}): Promise<RunResult> {
  if (!hasVmscopeCli()) {
    return Promise.reject(new Error(`${VMSCOPE_CLI} not found: build it first (npm run build)`));
  }
  return runProcess(process.execPath, vmscopeArgs(elf, opts), opts.timeoutMs ?? 60_000);
}
