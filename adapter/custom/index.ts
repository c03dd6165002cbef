/** The handlers of vmscope's custom requests that only read state (adapter/protocol.ts CustomRequests). */
import { CACHE_STATE, KEYS, MACHINE_STATE, MEMORY_PAIR, SECURE_PROCESSOR, type CustomRequests } from '../protocol';
import type { Target } from '../target';
import { argsOf } from '../validate';
import { cacheState } from './cache-state';
import { keys } from './keys';
import { machineState } from './machine-state';
import { memoryPair } from './memory-pair';
import { secureProcessor } from './secure-processor';

/** A handler gets the arguments as an object (checked: an error response otherwise), typed by its entry in CustomRequests. */
type Handler<K extends keyof CustomRequests> = (t: Target, args: Record<string, unknown>) => CustomRequests[K]['body'];

const handlers: { [K in keyof CustomRequests]: Handler<K> } = {
  [MACHINE_STATE]: machineState,
  [CACHE_STATE]: cacheState,
  [KEYS]: keys,
  [SECURE_PROCESSOR]: secureProcessor,
  [MEMORY_PAIR]: memoryPair,
};

/** The response body of `command`, or undefined when it is not one of these requests. */
export function stateRequest(command: string, t: () => Target, args?: unknown): { body: unknown } | undefined {
  const h = (handlers as Record<string, ((t: Target, args: Record<string, unknown>) => unknown) | undefined>)[command];
  return h === undefined ? undefined : { body: h(t(), argsOf(command, args)) };
}
