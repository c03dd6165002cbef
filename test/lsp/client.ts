/**
 * A real LSP client for the tests and the benchmark: `node dist/lsp.js --stdio` spawned, spoken to
 * over vscode-jsonrpc's stream reader/writer (the transport vscode-languageclient uses).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const ROOT = path.resolve(__dirname, '../..');

export interface Diagnostic { range: { start: { line: number; character: number }; end: { line: number; character: number } }; message: string; severity?: number }
export interface PublishDiagnostics { uri: string; version?: number; diagnostics: Diagnostic[] }

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  private waiters: { uri: string; version?: number; resolve: (p: PublishDiagnostics) => void }[] = [];
  readonly published: PublishDiagnostics[] = [];

  constructor(command: string[] = [path.join(ROOT, 'dist/lsp.js'), '--stdio']) {
    this.proc = spawn(process.execPath, command, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnostics) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri || (w.version !== undefined && p.version !== w.version)) return true;
        w.resolve(p);
        return false;
      });
    });
    this.conn.listen();
  }

  async initialize(): Promise<Record<string, unknown>> {
    const r = await this.conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    await this.conn.sendNotification('initialized', {});
    return r as Record<string, unknown>;
  }

  /** Resolves with the next diagnostics for `uri` (at `version`, when given). */
  diagnostics(uri: string, version?: number): Promise<PublishDiagnostics> {
    return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'riscv-asm', version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** An incremental edit, as editors send while typing: replace [start, end) on one line. */
  edit(uri: string, version: number, line: number, start: number, end: number, text: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: start }, end: { line, character: end } }, text }],
    });
  }

  request<T>(method: string, params: object): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  async close(): Promise<void> {
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch { /* already gone */ }
    this.conn.dispose();
    this.proc.kill();
  }
}
