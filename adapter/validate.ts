/**
 * Checking request arguments: a malformed request answers with a DAP error response naming the
 * argument and what it should be, never with an exception that takes the adapter down.
 */
import { ERR } from './protocol';

export class RequestError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export function fail(message: string, code: number = ERR.badArguments): never {
  throw new RequestError(code, message);
}

/** The arguments object of `command` (an empty object when the client sent none). */
export function argsOf(command: string, args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) fail(`'${command}': arguments must be an object`);
  return args as Record<string, unknown>;
}

export function int(command: string, a: Record<string, unknown>, name: string): number;
export function int(command: string, a: Record<string, unknown>, name: string, fallback: number): number;
export function int(command: string, a: Record<string, unknown>, name: string, fallback?: number): number {
  const v = a[name];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`'${command}': argument '${name}' must be an integer${v === undefined ? ' and is missing' : `, got ${JSON.stringify(v)}`}`);
  return v;
}

export function str(command: string, a: Record<string, unknown>, name: string): string;
export function str(command: string, a: Record<string, unknown>, name: string, optional: true): string | undefined;
export function str(command: string, a: Record<string, unknown>, name: string, optional = false): string | undefined {
  const v = a[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string') fail(`'${command}': argument '${name}' must be a string${v === undefined ? ' and is missing' : `, got ${JSON.stringify(v)}`}`);
  return v;
}

export function arr(command: string, a: Record<string, unknown>, name: string, optional = false): unknown[] {
  const v = a[name];
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) fail(`'${command}': argument '${name}' must be an array${v === undefined ? ' and is missing' : ''}`);
  return v;
}

export function objAt(command: string, list: unknown[], i: number, what: string): Record<string, unknown> {
  const v = list[i];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`'${command}': ${what}[${i}] must be an object`);
  return v as Record<string, unknown>;
}
