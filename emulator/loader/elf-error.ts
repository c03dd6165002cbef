/** What kind of problem an ElfError reports (for callers and tests; the message is for people). */
export type ElfErrorCode =
  | 'not-elf'        // empty, too short for the magic, or wrong magic
  | 'elf64'          // ELFCLASS64
  | 'big-endian'     // ELFDATA2MSB
  | 'bad-header'     // other malformed ELF header fields (class, version, entry sizes, indices)
  | 'wrong-machine'  // e_machine != EM_RISCV
  | 'not-exec'       // e_type != ET_EXEC
  | 'truncated'      // a header, table or segment extends past the end of the file
  | 'bad-segment'    // p_filesz > p_memsz, or a segment wraps the 32-bit address space
  | 'overlap'        // two PT_LOAD segments occupy the same physical bytes
  | 'bad-symbols'    // a malformed symbol table
  | 'not-loadable';  // a segment outside every memory range of the machine (checkLoadable)

/**
 * A program vmscope cannot load. `message` says what is wrong and what to do about it; it does not
 * name the file, so callers prefix the path: `${path}: ${e.message}`.
 */
export class ElfError extends Error {
  override readonly name = 'ElfError';
  constructor(readonly code: ElfErrorCode, message: string) {
    super(message);
  }
}
