/** Assemble and link a test program at 0x80000000 with vmscope's own assembler; throws with every error. */
import { assemble, link } from '../../../emulator/asm/index';

export function buildElf(src: string, name: string, march = 'rv32imach_zicsr_zifencei_zicbom'): Uint8Array {
  const obj = assemble(src, { file: `${name}.S`, march });
  if (obj.object === undefined) throw new Error(obj.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  const ln = link([{ name: `${name}.o`, bytes: obj.object }], { base: 0x80000000 });
  if (ln.elf === undefined) throw new Error(ln.errors.join('\n'));
  return ln.elf;
}
