/**
 * Entry point of the language server bundle (dist/lsp.js): `node dist/lsp.js --stdio`. The extension
 * starts it through src/lsp-client.ts; `vmscope lsp --stdio` (adapter/cli/lsp.ts) serves the same.
 */
import { startLanguageServer } from './start';

startLanguageServer(process.argv.slice(2));
