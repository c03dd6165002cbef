/** Assembler diagnostics: values, not exceptions, so that one run reports every mistake in a file. */

export interface AsmError {
  file: string;
  /** 1-based line and column of the offending text. */
  line: number;
  column: number;
  message: string;
}

/** `file:line:column: error: message`, the form compilers and VS Code problem matchers read. */
export function formatAsmError(e: AsmError): string {
  return `${e.file}:${e.line}:${e.column}: error: ${e.message}`;
}

/** Thrown inside one statement and caught by the statement loop (never escapes the assembler). */
export class StmtError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}
