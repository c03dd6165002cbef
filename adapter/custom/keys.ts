/**
 * `vmscope/keys` (adapter/protocol.ts): the memory encryption engine's key table by ASID (fingerprints,
 * never keys) beside the secure processor's guests, for the keys view. The engine and the secure
 * processor compute; this reshapes (adapter/cvm.ts reads their view state).
 */
import { needMee, spGuests } from '../cvm';
import type { KeysResponse } from '../protocol';
import type { Target } from '../target';

export function keys(t: Target): KeysResponse {
  const m = t.machine;
  const mee = needMee(m).viewState();
  const guests = spGuests(m);
  return {
    seed: m.seed ?? 0,
    cbit: mee.cbit,
    cipher: mee.cipher,
    keys: mee.keys.map((k) => {
      const owner = guests.find((g) => g.asid === k.asid && g.state !== 'DECOMMISSIONED');
      const name = t.guests.get(k.asid)?.name;
      return { asid: k.asid, fingerprint: k.fingerprint, pagesInView: k.pagesInView, ...(owner ? { handle: owner.handle } : {}), ...(name ? { name } : {}) };
    }),
    guests,
    secureProcessor: m.sp !== undefined,
    aes: { ...mee.aes },
  };
}
