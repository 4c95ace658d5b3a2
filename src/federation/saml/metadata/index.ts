/**
 * SAML IdP metadata (FED-2, FED-3): the streaming check of an upload and the normalised document samlify
 * loads; `MetadataChecker` runs the check in a worker thread under a time limit. Still to come with the
 * upload route (issue: SAML credential providers): storage and samlify.
 */
export {
  checkMetadata,
  type Endpoint,
  type IdpMetadata,
  type MetadataResult,
  type MetadataRules,
  type MetadataViolation,
  type SigningCertificate,
} from './check.js';
export { normalisedMetadata } from './normalise.js';
export { MetadataChecker } from './checker.js';
