import { resealFailure, type ResealReport, type Sealer } from '../crypto/index.js';
import type { SigningKeyStore } from '../store/signing-keys.js';
import { signingKeyBinding } from './secrets.js';

/**
 * `reseal-secrets` for signing keys (TOK-1, docs/operations.md): every stored key still published (the
 * others are never opened again and go at the next reload) is re-sealed under the current KEK, with a CAS
 * on the sealed value so two runs at once write each key once.
 */
export async function resealSigningKeys(store: SigningKeyStore, sealer: Sealer, nowMs: number): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unchanged: 0, failed: [] };
  for (const key of await store.listPublished(nowMs)) {
    if (sealer.isCurrent(key.sealedPrivateKey)) {
      report.unchanged++;
      continue;
    }
    try {
      const sealed = sealer.reseal(key.sealedPrivateKey, signingKeyBinding(key.kid));
      if (await store.replaceSealed(key.id, key.sealedPrivateKey, sealed)) report.resealed++;
      else report.unchanged++; // another run was first
    } catch (err) {
      report.failed.push(resealFailure(`signing key ${key.id} (kid ${key.kid})`, err));
    }
  }
  return report;
}
