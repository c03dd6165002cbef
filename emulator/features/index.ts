/** Hardware features: the plug-in interface (types.ts) and the machine's registry (registry.ts). */
export type {
  CacheEvent, CustomInstruction, CustomResult, Feature, FeatureHost, HartView, MemKind, MemTransaction, TranslationEvent, VmTransition,
} from './types';
export { FeatureRegistry } from './registry';
