// Types of scripts/web.mjs for the TypeScript UI tests (test/ui/).
import type { ChildProcess } from 'node:child_process';

export const CODE_SERVER_VERSION: string;
export const root: string;
export const codeServerDir: string;
export const codeServerBin: string;
export function installDebianDeps(): void;
export function installCodeServer(options?: { debianDeps?: boolean }): string;
export function buildVsix(): string;
export function freePort(): Promise<number>;
export interface Profile { base: string; userData: string; extensions: string }
export function prepareProfile(vsix: string, base?: string): Profile;
export interface CodeServer { child: ChildProcess; url: string; stop(): Promise<void> }
export function startCodeServer(options: { port: number; userData: string; extensions: string; folder: string; log?: (text: string) => void }): Promise<CodeServer>;
