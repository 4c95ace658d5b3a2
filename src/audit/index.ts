/** The audit capability (DESIGN §1): one recorder over the `store.audit` port, with its secret guard. */
export {
  AuditRecorder,
  AuditSecretError,
  assertNoSecrets,
  isSecretKey,
  type AuditEntry,
  type AuditResult,
} from './recorder.js';
