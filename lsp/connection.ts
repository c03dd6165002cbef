/**
 * The RISC-V assembly language server: LSP requests in, scanner/assembler calls out. Pure Node and
 * vscode-languageserver (never `vscode`), so any LSP client can use it: the extension (src/lsp-client.ts),
 * `vmscope lsp --stdio`, or the tests. Every document is scanned (positions, symbols) and assembled
 * (diagnostics, addresses) once per version; diagnostics go out as soon as the event loop is free of
 * further edits, so a burst of keystrokes is assembled once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type Analysis } from './analysis';
import { complete } from './completion';
import { hover } from './hover';
import { definition, documentSymbols, prepareRename, references, rename } from './navigation';
import { scan, tokenAt, type DocModel } from './scan';
import { LEGEND, semanticTokens } from './semantic-tokens';

/** One document version: the scan (positions, symbols) and the assembly (diagnostics), each made when first needed. */
interface State { version: number; scanned?: DocModel; analysis?: Analysis }

export interface ServerOptions {
  /** -march for documents without `.option arch` (default: the assembler's). */
  march?: string;
}

export function serve(connection: Connection, opts: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, State>();
  const pending = new Set<string>();
  let march = opts.march;

  const filePath = (uri: string): string => (uri.startsWith('file:') ? fileURLToPath(uri) : uri);
  const state = (doc: TextDocument): State => {
    let s = states.get(doc.uri);
    if (!s || s.version !== doc.version) {
      s = { version: doc.version };
      states.set(doc.uri, s);
    }
    return s;
  };
  const model = (doc: TextDocument): DocModel => {
    // Diagnostics first: a request that arrives with the edit (semantic tokens do) waits for them.
    if (pending.has(doc.uri)) validate(doc.uri);
    const s = state(doc);
    return (s.scanned ??= scan(doc.getText()));
  };
  const analysisOf = (doc: TextDocument): Analysis => {
    const s = state(doc);
    if (!s.analysis) {
      const file = filePath(doc.uri);
      s.analysis = analyze(doc.getText(), {
        file, march,
        // `.include "x.S"` reads x.S next to the including file (the document for the first level).
        include: (p, from) => {
          const base = from === file ? path.dirname(file) : path.dirname(path.resolve(path.dirname(file), from));
          try { return fs.readFileSync(path.resolve(base, p), 'utf8'); } catch { return undefined; }
        },
      });
    }
    return s.analysis;
  };
  const validate = (uri: string): void => {
    pending.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: analysisOf(doc).diagnostics });
  };

  connection.onInitialize((params): InitializeResult => {
    const o = params.initializationOptions as { march?: unknown } | undefined;
    if (typeof o?.march === 'string') march = o.march;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.'] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        semanticTokensProvider: { legend: LEGEND, full: true },
      },
      serverInfo: { name: 'vmscope RISC-V assembly' },
    };
  });

  documents.onDidChangeContent((e) => {
    // Coalesce: edits already queued behind this one are applied before the assembler runs.
    if (pending.has(e.document.uri)) return;
    pending.add(e.document.uri);
    setImmediate(() => validate(e.document.uri));
  });
  documents.onDidClose((e) => {
    states.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = (uri: string, line: number, character: number) => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const m = model(doc);
    const tok = tokenAt(m, line, character);
    return tok && { doc, m, tok };
  };

  connection.onHover(({ textDocument, position }) => {
    const x = at(textDocument.uri, position.line, position.character);
    return x ? hover(x.m, x.tok, () => analysisOf(x.doc)) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const prefix = doc.getText({ start: { line: position.line, character: 0 }, end: position });
    return complete(model(doc), prefix);
  });
  connection.onDefinition(({ textDocument, position }) => {
    const x = at(textDocument.uri, position.line, position.character);
    return x ? definition(x.m, x.tok).map((range) => ({ uri: textDocument.uri, range })) : [];
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const x = at(textDocument.uri, position.line, position.character);
    return x ? references(x.m, x.tok, context.includeDeclaration, textDocument.uri) : [];
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const x = at(textDocument.uri, position.line, position.character);
    if (!x) return null;
    const r = prepareRename(x.m, x.tok);
    return typeof r === 'string' ? null : r;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const x = at(textDocument.uri, position.line, position.character);
    if (!x) return null;
    const edits = rename(x.m, x.tok, newName);
    if (typeof edits === 'string') throw new Error(edits);
    return { changes: { [textDocument.uri]: edits } };
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    return doc ? documentSymbols(model(doc)) : [];
  });
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const doc = documents.get(textDocument.uri);
    return doc ? semanticTokens(model(doc)) : { data: [] };
  });

  documents.listen(connection);
  connection.listen();
}
