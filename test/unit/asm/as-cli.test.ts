/** `vmscope as`: options, output file, exit codes, diagnostics on stderr. */
import { describe, expect, it } from 'vitest';
import { asCommand } from '../../../adapter/cli/as';
import { EXIT } from '../../../adapter/cli/exit-codes';

function runAs(args: string[], files: Record<string, string>) {
  const written = new Map<string, Uint8Array>();
  const err: string[] = [];
  const code = asCommand(args, {
    readFile: (p) => {
      if (!(p in files)) throw new Error('ENOENT: no such file');
      return new TextEncoder().encode(files[p]);
    },
    writeFile: (p, d) => void written.set(p, d),
    out: () => {},
    err: (s) => void err.push(s),
  });
  return { code, written, err };
}

describe('vmscope as', () => {
  it('writes a relocatable ELF32 RISC-V object', () => {
    const r = runAs(['a.S', '-o', 'a.o', '-march=rv32imac_zicsr'], { 'a.S': '_start: li a0, 1\n ret\n' });
    expect(r.code).toBe(0);
    const o = r.written.get('a.o')!;
    expect([...o.subarray(0, 6)]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect(o[16]).toBe(1); // ET_REL
    expect(o[18]).toBe(243); // EM_RISCV
  });

  it('reports every error with file:line:column and exits 1 without writing', () => {
    const r = runAs(['bad.S', '-o', 'bad.o'], { 'bad.S': 'frob\nnop\naddi a0, a0\n' });
    expect(r.code).toBe(1);
    expect(r.written.size).toBe(0);
    expect(r.err).toEqual([
      "bad.S:1:1: error: unrecognized instruction 'frob'",
      "bad.S:3:12: error: expected ',' between operands, found end of line; 'addi' expects 'addi rd, rs1, imm'",
    ]);
  });

  it('rejects bad usage', () => {
    expect(runAs([], {}).code).toBe(EXIT.usage);
    expect(runAs(['a.S', '--bogus'], { 'a.S': '' }).code).toBe(EXIT.usage);
    expect(runAs(['a.S', '-mabi=lp64'], { 'a.S': '' }).code).toBe(EXIT.usage);
    expect(runAs(['missing.S'], {}).code).toBe(EXIT.noInput);
  });
});

describe('vmscope as .include', () => {
  it('reads included files next to the source and in -I directories, with their names in errors', () => {
    const files = {
      'src/a.S': '.include "defs.inc"\n.include "more.inc"\nli a0, VALUE\n',
      'src/defs.inc': '.equ VALUE, 42\n',
      'inc/more.inc': 'frob\n',
    };
    const r = runAs(['src/a.S', '-o', 'a.o', '-I', 'inc'], files);
    expect(r.err).toEqual(["more.inc:1:1: error: unrecognized instruction 'frob'"]);
    const ok = runAs(['src/a.S', '-o', 'a.o', '-Iinc'], { ...files, 'inc/more.inc': 'nop\n' });
    expect(ok.code).toBe(0);
    expect(runAs(['a.S'], { 'a.S': '.include "nope.inc"\n' }).err).toEqual(["a.S:1:10: error: cannot find include file 'nope.inc'"]);
  });
});

describe('vmscope as input text', () => {
  it('ignores a UTF-8 byte order mark and CRLF line ends', () => {
    const r = runAs(['w.S', '-o', 'w.o'], { 'w.S': '\uFEFF\tnop\r\nl:\tj l\r\n' });
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
  });
});
