/**
 * `vmscope chip-key --seed N [-o KEY.pem]`: the public key (SPKI PEM) of the secure processor's chip
 * key for machine seed N (cvm-model 3.3, 5.5), which `vmscope verify-report` checks reports against.
 */
import { chipPublicKeyPem } from '../../emulator/cvm/sp';
import { NodeCrypto } from '../node-crypto';
import { parseArgs, UsageError } from './args';
import { EXIT } from './exit-codes';

export const CHIP_KEY_USAGE = `usage: vmscope chip-key --seed N [-o KEY.pem]
  --seed N    the machine seed (0..4294967295, the "seed" of the machine configuration)
  -o FILE     write the PEM to FILE instead of stdout`;

export interface ChipKeyIo {
  writeFile(path: string, data: Uint8Array): void;
  out(s: string): void;
  err(s: string): void;
}

const NAME = 'vmscope chip-key';

export function chipKeyCommand(args: string[], io: ChipKeyIo): number {
  let seed: number;
  let output: string | undefined;
  try {
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] !== '-o') { rest.push(args[i]!); continue; }
      output = args[++i];
      if (output === undefined) throw new UsageError('-o needs a file name');
    }
    const parsed = parseArgs(rest, { seed: { kind: 'int', min: 0, max: 0xffff_ffff } });
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument '${parsed.positional[0]}'`);
    const s = parsed.options.get('seed') as number | undefined;
    if (s === undefined) throw new UsageError('--seed N is required: the chip key derives from the machine seed');
    seed = s;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${NAME}: ${e.message}\n${CHIP_KEY_USAGE}`);
    return EXIT.usage;
  }
  const pem = chipPublicKeyPem(new NodeCrypto(), seed);
  if (output === undefined) {
    io.out(pem);
    return 0;
  }
  try {
    io.writeFile(output, new TextEncoder().encode(pem));
  } catch (e) {
    io.err(`${NAME}: cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return EXIT.cantCreate;
  }
  return 0;
}
