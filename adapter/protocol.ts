/**
 * Shared, typed definitions of what vmscope adds to DAP: the memory reference format, thread ids and
 * the adapter's error codes. Both sides (this adapter, src/ and webviews) import from here; nothing
 * is redefined elsewhere (house style: one typed protocol module).
 */

/**
 * A memoryReference names an address space and an address:
 *   `phys:0x80001000`          physical memory (RAM) - the only space in this step
 *   `virt:<hart>:0x00401000`   reserved: guest-virtual through a hart's current translation (needs a
 *                              translate() on the machine; rejected until then)
 * A bare `0x80001000` is read as physical.
 */
export type AddressSpace = { kind: 'phys' } | { kind: 'virt'; hart: number };

export interface MemoryReference {
  space: AddressSpace;
  address: number;
}

export function formatMemoryReference(ref: MemoryReference): string {
  const a = `0x${(ref.address >>> 0).toString(16).padStart(8, '0')}`;
  return ref.space.kind === 'phys' ? `phys:${a}` : `virt:${ref.space.hart}:${a}`;
}

export const physRef = (address: number): string => formatMemoryReference({ space: { kind: 'phys' }, address });

/** Parses a memoryReference; a string is the reason it is not one. */
export function parseMemoryReference(s: unknown): MemoryReference | string {
  if (typeof s !== 'string') return "'memoryReference' must be a string such as \"phys:0x80001000\"";
  let m = /^(?:phys:)?(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (m) return { space: { kind: 'phys' }, address: Number(m[1]) >>> 0 };
  m = /^virt:(\d+):(0x[0-9a-f]+|\d+)$/i.exec(s.trim());
  if (m) return { space: { kind: 'virt', hart: Number(m[1]) }, address: Number(m[2]) >>> 0 };
  return `'${s}' is not a memory reference: use "phys:0x<address>"`;
}

/** DAP thread id of hart `h` (some clients treat thread id 0 as "no thread"). */
export const threadOfHart = (h: number): number => h + 1;
export const hartOfThread = (t: number): number => t - 1;

/** Error codes in DAP error responses (`body.error.id`). */
export const ERR = {
  badLaunch: 1001,
  cannotRead: 1002,
  badElf: 1003,
  badIsa: 1004,
  noSuchThread: 1005,
  badArguments: 1006,
  notStopped: 1007,
  noProgram: 1008,
  evaluate: 1009,
  memory: 1010,
  unknownReference: 1011,
  internal: 1099,
} as const;
