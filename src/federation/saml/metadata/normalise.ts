import type { IdpMetadata } from './check.js';

/**
 * The small EntityDescriptor samlify loads instead of the uploaded file (FED-2, FED-3): only what the checks
 * kept, every signing key marked `use="signing"` (samlify mis-maps keys without `use` and loses a second
 * unlabelled key), no aggregate, no extensions. A few KB whatever the upload was, so samlify builds its IdP in
 * milliseconds. Values are XML-escaped: they come from the upload.
 */
export function normalisedMetadata(m: IdpMetadata): string {
  const keys = m.signingCertificates.map(
    (c) =>
      `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${c.base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
  );
  const endpoint = (element: string) => (e: { binding: string; location: string }) =>
    `<md:${element} Binding="${attr(e.binding)}" Location="${attr(e.location)}"/>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${attr(m.entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="${String(m.wantAuthnRequestsSigned)}" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    keys.join('') +
    m.singleLogout.map(endpoint('SingleLogoutService')).join('') +
    m.nameIdFormats.map((f) => `<md:NameIDFormat>${text(f)}</md:NameIDFormat>`).join('') +
    m.singleSignOn.map(endpoint('SingleSignOnService')).join('') +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

const text = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (s: string): string => text(s).replace(/"/g, '&quot;');
