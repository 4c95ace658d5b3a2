/**
 * SAML IdP metadata (FED-2, FED-3): the streaming check of an upload and the normalised document samlify
 * loads. Still to come with the upload route (issue: SAML credential providers): the worker thread and its
 * time limit around `checkMetadata`, storage, and samlify.
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
