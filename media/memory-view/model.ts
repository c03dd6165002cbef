/**
 * The memory view's model, shared by the webview (rendering) and the extension host (what changed
 * since the previous stop): no DOM, no 'vscode', so the unit tests use it as it is.
 *   changedBytes   per 16-byte block, which plaintext and ciphertext bytes differ from the previous stop
 *   rangeKey       what makes two responses "the same range" (a diff between others means nothing)
 *   pageRequest    the previous / next range in the same address space
 *   withAsid       the request for another ASID (the reference's own VMID / ASID, or the argument)
 */
import { formatMemoryReference, MAX_ASID, parseMemoryReference, type MemoryPairResponse, type MemoryReference } from '../../adapter/protocol';
import type { BlockChange, MemoryViewRequest } from '../protocol';

export const BLOCK = 16;

/** The bytes of a 32-digit hex block. */
export function blockBytes(hex: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < hex.length; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
  return out;
}

/** Bit i set when byte i of the two hex blocks differs. */
export function diffMask(a: string, b: string): number {
  let mask = 0;
  for (let i = 0; i < BLOCK; i++) if (a.slice(2 * i, 2 * i + 2).toLowerCase() !== b.slice(2 * i, 2 * i + 2).toLowerCase()) mask |= 1 << i;
  return mask;
}

/** Two responses show the same range: same first block, length and ASID (the reference names the space). */
export function rangeKey(p: Pick<MemoryPairResponse, 'memoryReference' | 'length' | 'asid'>): string {
  return `${p.memoryReference}/${p.length}/${p.asid}`;
}

/**
 * Per block of `next` (same order), the bytes that changed since `prev`; null when `prev` shows
 * another range (or none). A block `prev` did not have (its page was unmapped then) counts as all
 * changed; so does a block now read from another system-physical address (a remapped page).
 */
export function changedBytes(prev: MemoryPairResponse | undefined, next: MemoryPairResponse): BlockChange[] | null {
  if (prev === undefined || rangeKey(prev) !== rangeKey(next)) return null;
  const before = new Map(prev.blocks.map((b) => [b.address, b]));
  return next.blocks.map((b) => {
    const p = before.get(b.address);
    if (p === undefined || p.pa !== b.pa) return { plain: 0xffff, cipher: 0xffff };
    return { plain: diffMask(p.plaintext, b.plaintext), cipher: diffMask(p.ciphertext, b.ciphertext) };
  });
}

/** Number of bytes marked in a change list. */
export function countChanged(changed: readonly BlockChange[] | null, side: 'plain' | 'cipher'): number {
  let n = 0;
  for (const c of changed ?? []) for (let m = c[side]; m !== 0; m &= m - 1) n++;
  return n;
}

/**
 * The range `direction` lengths before or after `r`, in the same space (the start clamped to the
 * 32-bit address space); a string when `r`'s reference does not parse.
 */
export function pageRequest(r: MemoryViewRequest, direction: -1 | 1): MemoryViewRequest | string {
  const ref = parseMemoryReference(r.memoryReference);
  if (typeof ref === 'string') return ref;
  const max = 2 ** 32 - r.length;
  const address = Math.max(0, Math.min(max, ref.address + direction * r.length));
  return { ...r, memoryReference: formatMemoryReference({ space: ref.space, address }) };
}

/**
 * `r` showing the plaintext of `asid`: a `gpa:` reference moves to that VMID's space and a `dec:` one to
 * that ASID's key; `phys:` and `va:` keep their reference and pass `asid` (for `va:` the adapter
 * refuses an ASID other than the one the hart runs). undefined `asid`: whatever the reference names.
 */
export function withAsid(r: MemoryViewRequest, asid: number | undefined): MemoryViewRequest | string {
  const ref = parseMemoryReference(r.memoryReference);
  if (typeof ref === 'string') return ref;
  if (asid !== undefined && (!Number.isInteger(asid) || asid < 1 || asid > MAX_ASID)) return `ASID ${asid} is not a guest ASID (1..${MAX_ASID})`;
  const { asid: _old, ...rest } = r;
  const moved = (space: MemoryReference['space']): MemoryViewRequest => ({ ...rest, memoryReference: formatMemoryReference({ space, address: ref.address }) });
  const { space } = ref;
  if (asid === undefined) return rest;
  if (space.kind === 'gpa') return moved({ ...space, vmid: asid });
  if (space.kind === 'phys' && space.asid !== undefined) return moved({ kind: 'phys', asid });
  return { ...rest, asid };
}

/** A byte as the text column shows it: printable ASCII, else a middle dot. */
export function printable(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '\u00b7';
}

/** The text of a hex block (16 characters). */
export function textOf(hex: string): string {
  return blockBytes(hex).map(printable).join('');
}
