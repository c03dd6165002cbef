/**
 * The ISA string (config.isa), checked by parseIsa in config.ts, turned into what the hart needs:
 * misa bits (privileged spec 3.1.1) and which instruction groups execute.
 */
import { parseIsa } from '../config';

export interface IsaConfig {
  readonly text: string;
  readonly misa: number;
  readonly m: boolean;
  readonly a: boolean;
  readonly c: boolean;
  readonly zicsr: boolean;
  readonly zifencei: boolean;
  readonly zicntr: boolean;
  readonly zicbom: boolean;
  /** Hypervisor extension (privileged spec ch. 8). */
  readonly h: boolean;
}

/** Throws ConfigError (config.ts) for a string the machine cannot honour. */
export function isaConfig(text: string): IsaConfig {
  const { misa, extensions: x } = parseIsa(text);
  return {
    text: text.trim().toLowerCase(),
    misa,
    m: x.has('m'),
    a: x.has('a'),
    c: x.has('c'),
    zicsr: x.has('zicsr'),
    zifencei: x.has('zifencei'),
    zicntr: x.has('zicntr'),
    zicbom: x.has('zicbom'),
    h: x.has('h'),
  };
}
