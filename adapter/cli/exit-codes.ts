/**
 * Exit codes of the `vmscope` command. A guest's own exit code (test finisher or HTIF) passes through
 * unchanged (modulo 256, as any process exit code); these are for what is not the guest's doing.
 * Values follow BSD sysexits.h where one fits, so that scripts can tell them apart.
 */
export const EXIT = {
  /** verify-report: the report is malformed or its signature does not verify (as `openssl dgst -verify`). */
  badReport: 1,
  /** Command-line usage error: unknown option, missing or malformed value (EX_USAGE). */
  usage: 64,
  /** The program file is not a loadable RV32 ELF (EX_DATAERR). */
  badElf: 65,
  /** The program file cannot be read (EX_NOINPUT). */
  noInput: 66,
  /** The emulator itself failed: an internal error, never a guest trap (EX_SOFTWARE). */
  emulatorFault: 70,
  /** Output file (e.g. --trace) cannot be written (EX_CANTCREAT). */
  cantCreate: 73,
  /** --max-insns reached before the guest exited (as timeout(1) does). */
  insnLimit: 124,
} as const;
