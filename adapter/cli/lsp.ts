/** `vmscope lsp --stdio`: the RISC-V assembly language server (lsp/) for any LSP client. */
import { LSP_USAGE, startLanguageServer } from '../../lsp/start';
import { EXIT } from './exit-codes';

export { LSP_USAGE };

/** Starts the server (which then keeps the process alive through stdin), or reports a usage error. */
export function lspCommand(args: string[], err: (line: string) => void): number {
  const problem = startLanguageServer(args);
  if (problem === undefined) return 0;
  err(`vmscope lsp: ${problem}\n${LSP_USAGE}`);
  return EXIT.usage;
}
