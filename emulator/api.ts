/**
 * The emulator's facade: what outer layers (adapter/, src/) use. Import from here, not from the
 * emulator's internal modules.
 */
export { Machine, type MachineSnapshot, type StopReason } from './machine';
export { DEFAULT_CONFIG, ConfigError, parseIsa, type MachineConfig } from './config';
export type { Hart } from './hart/hart';
export type { Watchpoint, WatchAccess, WatchHit } from './debug/watch';
export type { TraceRecord, Tracer } from './hart/run';
export type { MemoryObserver, CboOp, TrapFilter } from './hart/types';
export { Access } from './mmu/sv32';
export { Priv, CSR } from './csr/bits';
export { CSRS, CSR_BY_NAME } from './csr/defs';
export type { IsaConfig } from './hart/isa';
export { loadElf, findSymbol, checkLoadable, ElfError, type ElfImage, type ElfSymbol, type ElfSegment } from './loader/elf';
export { decode, insnLength } from './isa/decode';
export type { Insn } from './isa/insn';
export { debugTranslate, vmidOf, type DebugAccess, type DebugSpace, type DebugTranslation } from './debug/translate';
export type {
  Feature, FeatureHost, MemTransaction, MemKind, TranslationEvent, CacheEvent, VmTransition, CustomInstruction, HartView,
} from './features/types';
export { CacheModel, DEFAULT_CACHE_CONFIG, resolveCacheConfig, type CacheConfig, type CacheConfigInput, type CacheStats } from './cache/index';
