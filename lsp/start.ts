/** Start the server on the transport its arguments name (vscode-languageserver's --stdio, --node-ipc, --socket=N). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { serve } from './connection';

export const LSP_USAGE = `usage: vmscope lsp --stdio [--march=ISA]
  the RISC-V assembly language server (Language Server Protocol) over stdin/stdout`;

/** Returns an error message for arguments it does not understand, else starts serving. */
export function startLanguageServer(args: string[]): string | undefined {
  let march: string | undefined;
  for (const a of args) {
    if (a.startsWith('--march=')) march = a.slice(8);
    else if (a !== '--stdio' && a !== '--node-ipc' && !a.startsWith('--socket=') && !a.startsWith('--clientProcessId')) return `unknown argument '${a}'`;
  }
  if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket='))) return 'name a transport: --stdio';
  // createConnection reads the transport from process.argv (--stdio, --node-ipc, --socket).
  serve(createConnection(ProposedFeatures.all), { march });
  return undefined;
}
