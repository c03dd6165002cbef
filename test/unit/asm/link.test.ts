/** `vmscope link`: layout as GNU ld's default script, symbol resolution, errors. */
import { describe, expect, it } from 'vitest';
import { linkCommand } from '../../../adapter/cli/link';
import { EXIT } from '../../../adapter/cli/exit-codes';
import { assemble } from '../../../emulator/asm/assembler';
import { link } from '../../../emulator/asm/link';
import { elfFacts } from '../../asm/elf-facts';

const obj = (src: string, name = 'a.S'): Uint8Array => {
  const r = assemble(src, { file: name, march: 'rv32imac_zicsr' });
  expect(r.errors).toEqual([]);
  return r.object!;
};
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

describe('link', () => {
  it('resolves calls and data references across objects, at --base', () => {
    const a = obj('.globl _start\n_start: call f\n la a0, v\n', 'a.S');
    const b = obj('.globl f, v\nf: ret\n.data\nv: .word f\n', 'b.S');
    const r = link([{ name: 'a.o', bytes: a }, { name: 'b.o', bytes: b }], { base: 0x80000000 });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    const elf = r.elf!;
    expect(u32(elf, 24)).toBe(0x80000000); // e_entry = _start
    const f = elfFacts(elf, { linked: true });
    expect(f.sections['.text']!.header).toContain('addr=80000000');
    // f follows a's 16 bytes of text; v (in .data, one page on, as DATA_SEGMENT_ALIGN) holds f's address.
    const data = f.sections['.data']!;
    expect(data.header).toContain('addr=80001012');
    expect(data.hex).toBe('10000080');
  });

  it('reports undefined references and duplicate definitions', () => {
    const a = obj('.globl _start\n_start: call missing\n');
    expect(link([{ name: 'a.o', bytes: a }]).errors).toEqual(["a.o(.text+0x0): undefined reference to 'missing'"]);
    const d = obj('.globl x\nx: nop\n');
    expect(link([{ name: 'a.o', bytes: d }, { name: 'b.o', bytes: d }]).errors).toEqual(["b.o: multiple definition of 'x' (first defined in a.o)"]);
  });

  it('warns when there is no _start, as ld', () => {
    const r = link([{ name: 'a.o', bytes: obj('nop\n') }]);
    expect(r.warnings).toEqual(['cannot find entry symbol _start; defaulting to 00010074']);
  });

  it('has a command line with usage errors', () => {
    const written = new Map<string, Uint8Array>();
    const err: string[] = [];
    const io = { readFile: (p: string) => { if (p !== 'a.o') throw new Error('ENOENT'); return obj('.globl _start\n_start: nop\n'); }, writeFile: (p: string, d: Uint8Array) => void written.set(p, d), out: () => {}, err: (s: string) => void err.push(s) };
    expect(linkCommand(['a.o', '-o', 'x.elf', '--base', '0x80000000', '--defsym', 'k=0x10'], io)).toBe(0);
    expect(written.has('x.elf')).toBe(true);
    expect(linkCommand([], io)).toBe(EXIT.usage);
    expect(linkCommand(['a.o', '--base', 'zz'], io)).toBe(EXIT.usage);
    expect(linkCommand(['b.o'], io)).toBe(EXIT.noInput);
  });
});
