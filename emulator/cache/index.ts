/** The cache model (cvm-model 4): a feature on the plug-in interface of emulator/features. */
export { CacheModel, type CacheSnapshot, type CboOp, type LevelName } from './model';
export { CacheLevel, type CacheStats, type LineInfo } from './level';
export {
  DEFAULT_CACHE_CONFIG, REPLACEMENTS, resolveCacheConfig, type CacheConfig, type CacheConfigInput, type CacheLevelConfig, type Replacement,
} from './config';
