/**
 * The LSP client for RISC-V assembly: starts the language server (dist/lsp.js, a separate Node
 * process that never imports `vscode`) for `riscv-asm` documents, as vscode-extension-samples/lsp-sample
 * does. The same server runs outside VS Code as `vmscope lsp --stdio`.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function startLanguageClient(context: vscode.ExtensionContext): void {
  const module = context.asAbsolutePath('dist/lsp.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'riscv-asm' }],
  };
  const client = new LanguageClient('vmscope.riscvAsm', 'vmscope RISC-V assembly', serverOptions, clientOptions);
  // Stopping on deactivation ends the server process with the extension host.
  context.subscriptions.push({ dispose: () => void client.stop() });
  void client.start();
}
