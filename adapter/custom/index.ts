/** The handlers of vmscope's custom requests that only read state (adapter/protocol.ts CustomRequests). */
import { CACHE_STATE, MACHINE_STATE, type CustomRequests } from '../protocol';
import type { Target } from '../target';
import { cacheState } from './cache-state';
import { machineState } from './machine-state';

const handlers: { [K in keyof CustomRequests]: (t: Target) => CustomRequests[K]['body'] } = {
  [MACHINE_STATE]: machineState,
  [CACHE_STATE]: cacheState,
};

/** The response body of `command`, or undefined when it is not one of these requests. */
export function stateRequest(command: string, t: () => Target): { body: unknown } | undefined {
  const h = (handlers as Record<string, ((t: Target) => unknown) | undefined>)[command];
  return h === undefined ? undefined : { body: h(t()) };
}
