/** The secure processor (cvm-model section 5): device, protocol constants, report layout, launch digest. */
export { SecureProcessor, type SecureProcessorOptions } from './device';
export type { Guest, GuestListener, LaunchedPage, ProducedReport, SpMemory } from './context';
export {
  ASID_MAX, ASID_MIN, CMDRESP_DONE, decodePolicy, GuestState, guestStateName, POLICY_ES, POLICY_NODBG, POLICY_SNP,
  SP_BASE, SP_MAGIC, SP_REG, SP_SIZE, SP_VERSION, SpCmd, SpStatus, statusName,
} from './protocol';
export {
  ActivateBuf, AttestationBuf, DbgBuf, GuestStatusBuf, HandleBuf, LaunchMeasureBuf, LaunchStartBuf, LaunchUpdateBuf,
} from './buffers';
export { commandName, SP_COMMANDS, type SpCommandSpec } from './commands';
export { DIGEST_SIZE, extendDigest, initialDigest, measureRange, PAGE_INFO_LEN, PAGE_TYPE_NORMAL, PAGE_TYPE_VMSA } from './digest';
export {
  buildReport, REPORT_SIZE, REPORT_VERSION, ReportField, reportSignature, SIG_ALGO_ECDSA_P384_SHA384, SIGNED_SIZE,
  signaturePaddingClear, type ReportInput,
} from './report';
export { chipId, chipKeySecret, chipPublicKeyPem } from './identity';
