/** Runs the built `vmscope` CLI as a user would, capturing stdout, stderr and the exit code. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function vmscope(args: string[], timeoutMs = 60_000): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}
