import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AppError } from '../../../src/errors.js';
import {
  MetadataChecker,
  checkMetadata,
  normalisedMetadata,
  type MetadataRules,
} from '../../../src/federation/saml/metadata/index.js';

/**
 * FED-2 / FED-3 metadata checks on real X.509 certificates made by openssl: strict UTF-8 before any parser,
 * no DOCTYPE, depth and attribute caps, one IdP entity (aggregates by name only), validity, signing keys with
 * or without `use`, every violation at once with its path, and the small document samlify is given instead.
 */
let dir = '';
let certA = '';
let certB = '';
let certEnc = '';
const NOW = Date.now();
const rules = (over: Partial<MetadataRules> = {}): MetadataRules => ({
  nowMs: NOW,
  maxCacheDurationSeconds: null,
  ...over,
});
const future = new Date(NOW + 7 * 86400_000).toISOString();
const past = new Date(NOW - 86400_000).toISOString();

function makeCert(name: string, days: number): string {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      String(days),
      '-subj',
      `/CN=${name}`,
    ],
    { stdio: 'ignore' },
  );
  return readFileSync(crt, 'utf8')
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .trim();
}

const keyDescriptor = (cert: string, use?: string) =>
  `<md:KeyDescriptor${use === undefined ? '' : ` use="${use}"`}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${cert}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;

function entity(
  o: {
    entityId?: string;
    validUntil?: string | null;
    cacheDuration?: string;
    keys?: string;
    sso?: boolean;
    protocol?: string;
    extra?: string;
  } = {},
): string {
  const validity = o.validUntil === null ? '' : ` validUntil="${o.validUntil ?? future}"`;
  const cache = o.cacheDuration === undefined ? '' : ` cacheDuration="${o.cacheDuration}"`;
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${o.entityId ?? 'https://idp.example.org/saml'}"${validity}${cache}>` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="${o.protocol ?? 'urn:oasis:names:tc:SAML:2.0:protocol'}">` +
    (o.keys ?? keyDescriptor(certA)) +
    `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/slo"/>` +
    `<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
    (o.sso === false
      ? ''
      : `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.org/sso?a=1&amp;b=2"/>`) +
    (o.extra ?? '') +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}
const bytes = (s: string) => Buffer.from(s, 'utf8');
const codes = (r: ReturnType<typeof checkMetadata>) => (r.ok ? [] : r.violations.map((v) => [v.code, v.path]));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamgw-md-'));
  certA = makeCert('idp-a', 30);
  certB = makeCert('idp-b', 30);
  certEnc = makeCert('idp-enc', 30);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkMetadata: a valid IdP', () => {
  it('keeps the entity, endpoints, name id formats and every signing key (use="signing" or none), never an encryption key', () => {
    const r = checkMetadata(
      bytes(
        entity({ keys: keyDescriptor(certA) + keyDescriptor(certB, 'signing') + keyDescriptor(certEnc, 'encryption') }),
      ),
      rules(),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    expect(r.metadata).toMatchObject({
      entityId: 'https://idp.example.org/saml',
      validUntilMs: Date.parse(future),
      wantAuthnRequestsSigned: true,
      singleSignOn: [
        {
          binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
          location: 'https://idp.example.org/sso?a=1&b=2',
        },
      ],
      singleLogout: [
        { binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', location: 'https://idp.example.org/slo' },
      ],
      nameIdFormats: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    });
    expect(r.metadata.signingCertificates.map((c) => c.base64)).toEqual(
      [certA, certB].map((c) => c.replace(/\s+/g, '')),
    );
    expect(r.metadata.signingCertificates.every((c) => c.notAfterMs > NOW && /^[0-9A-F:]+$/.test(c.sha256))).toBe(true);
  });

  it('normalised: a small document with every signing key marked use="signing", escaped, without the rest', () => {
    const r = checkMetadata(
      bytes(
        entity({
          entityId: 'https://idp.example.org/?a=1&amp;b=&quot;x&quot;',
          keys: keyDescriptor(certA) + keyDescriptor(certB) + keyDescriptor(certEnc, 'encryption'),
          extra: `<md:Extensions>${'x'.repeat(1000)}</md:Extensions>`,
        }),
      ),
      rules(),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    const doc = normalisedMetadata(r.metadata);
    expect(doc.match(/use="signing"/g)).toHaveLength(2);
    expect(doc).not.toContain(certEnc.replace(/\s+/g, '').slice(0, 40));
    expect(doc).toContain('entityID="https://idp.example.org/?a=1&amp;b=&quot;x&quot;"');
    expect(doc).not.toContain('Extensions');
    // The normalised document passes the same checks (given a validity, which samlify does not need).
    const again = checkMetadata(bytes(doc), rules({ maxCacheDurationSeconds: 0 }));
    expect(codes(again)).toEqual([['VALID_UNTIL_MISSING', '/EntityDescriptor/@validUntil']]);
    const withValidity = checkMetadata(bytes(doc.replace('entityID=', `validUntil="${future}" entityID=`)), rules());
    expect(withValidity.ok && withValidity.metadata.signingCertificates.length).toBe(2);
  });

  it('accepts a UTF-8 BOM and an XML declaration naming UTF-8; cacheDuration within the configured maximum stands in for validUntil', () => {
    const doc = `<?xml version="1.0" encoding="UTF-8"?>` + entity({ validUntil: null, cacheDuration: 'PT6H' });
    expect(
      checkMetadata(
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(doc)]),
        rules({ maxCacheDurationSeconds: 86400 }),
      ).ok,
    ).toBe(true);
  });

  it('streams past huge text it does not need (a 10 MB data: logo)', () => {
    const logo = `<md:Extensions><mdui:UIInfo xmlns:mdui="urn:oasis:names:tc:SAML:metadata:ui"><mdui:Logo height="1" width="1">data:image/png;base64,${'A'.repeat(9_900_000)}</mdui:Logo></mdui:UIInfo></md:Extensions>`;
    const r = checkMetadata(
      bytes(entity({ extra: '' }).replace('<md:IDPSSODescriptor', `${logo}<md:IDPSSODescriptor`)),
      rules(),
    );
    expect(r.ok).toBe(true);
  });
});

describe('checkMetadata: refusals', () => {
  it('bytes that are not UTF-8 are refused before any parser: UTF-16, Latin-1, a declared other encoding', () => {
    const doc = entity();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    const latin1 = Buffer.from(doc.replace('saml"', 'saml-é"'), 'latin1');
    const declared = bytes(`<?xml version="1.0" encoding="ISO-8859-1"?>${doc}`);
    for (const b of [utf16, latin1, declared])
      expect(codes(checkMetadata(b, rules()))).toEqual([['ENCODING_NOT_UTF8', '/']]);
  });

  it('a DOCTYPE is refused, entities never expand', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>`;
    expect(codes(checkMetadata(bytes(laughs + entity({ entityId: '&b;' })), rules()))).toEqual([
      ['DOCTYPE_FORBIDDEN', '/'],
    ]);
  });

  it('malformed XML, deep nesting and too many attributes stop the pass with their rule', () => {
    expect(codes(checkMetadata(bytes(entity().replace('</md:IDPSSODescriptor>', '')), rules()))[0]?.[0]).toBe(
      'XML_MALFORMED',
    );
    const deep = `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`;
    expect(codes(checkMetadata(bytes(deep), rules()))[0]?.[0]).toBe('NESTING_TOO_DEEP');
    const attrs = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ${Array.from({ length: 100_000 }, (_, i) => `a${i}="x"`).join(' ')}/>`;
    expect(codes(checkMetadata(bytes(attrs), rules()))).toEqual([['TOO_MANY_ATTRIBUTES', '/EntityDescriptor']]);
    expect(codes(checkMetadata(bytes('<html/>'), rules()))).toEqual([['ENTITY_DESCRIPTOR_MISSING', '/html']]);
  });

  it('an aggregate is refused unless the upload names the entity to take', () => {
    const other = entity({ entityId: 'https://other.example/saml' });
    const aggregate = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" validUntil="${future}">${entity()}${other}</md:EntitiesDescriptor>`;
    expect(codes(checkMetadata(bytes(aggregate), rules()))).toEqual([['AGGREGATE_NOT_ALLOWED', '/EntitiesDescriptor']]);
    const taken = checkMetadata(bytes(aggregate), rules({ entityId: 'https://other.example/saml' }));
    expect(taken.ok && taken.metadata.entityId).toBe('https://other.example/saml');
    expect(codes(checkMetadata(bytes(aggregate), rules({ entityId: 'https://nobody.example' })))).toEqual([
      ['ENTITY_NOT_FOUND', '/EntitiesDescriptor'],
    ]);
  });

  it('reports every violated rule at once, each with its path', () => {
    const bad = 'MIIBbad' + certA.slice(20);
    const r = checkMetadata(
      bytes(
        entity({
          validUntil: past,
          sso: false,
          protocol: 'urn:oasis:names:tc:SAML:1.1:protocol',
          keys: keyDescriptor(bad) + keyDescriptor('not base64 !!', 'signing'),
        }),
      ),
      rules(),
    );
    expect(codes(r)).toEqual([
      ['METADATA_EXPIRED', '/EntityDescriptor/@validUntil'],
      ['PROTOCOL_NOT_SAML2', '/EntityDescriptor/IDPSSODescriptor[1]/@protocolSupportEnumeration'],
      ['SSO_SERVICE_MISSING', '/EntityDescriptor/IDPSSODescriptor[1]'],
      [
        'CERTIFICATE_INVALID',
        '/EntityDescriptor/IDPSSODescriptor[1]/KeyDescriptor[1]/KeyInfo[1]/X509Data[1]/X509Certificate[1]',
      ],
      [
        'CERTIFICATE_INVALID',
        '/EntityDescriptor/IDPSSODescriptor[1]/KeyDescriptor[2]/KeyInfo[1]/X509Data[1]/X509Certificate[1]',
      ],
    ]);
  });

  it('validity: validUntil required unless cacheDuration is allowed and short enough; bad values named', () => {
    expect(codes(checkMetadata(bytes(entity({ validUntil: null })), rules()))).toEqual([
      ['VALID_UNTIL_MISSING', '/EntityDescriptor/@validUntil'],
    ]);
    expect(
      codes(
        checkMetadata(
          bytes(entity({ validUntil: null, cacheDuration: 'P2D' })),
          rules({ maxCacheDurationSeconds: 86400 }),
        ),
      ),
    ).toEqual([['CACHE_DURATION_TOO_LONG', '/EntityDescriptor/@cacheDuration']]);
    expect(codes(checkMetadata(bytes(entity({ validUntil: 'tomorrow' })), rules()))).toEqual([
      ['VALID_UNTIL_INVALID', '/EntityDescriptor/@validUntil'],
    ]);
    expect(
      codes(
        checkMetadata(
          bytes(entity({ validUntil: null, cacheDuration: 'P1Y' })),
          rules({ maxCacheDurationSeconds: 86400 }),
        ),
      )[0]?.[0],
    ).toBe('CACHE_DURATION_INVALID');
  });

  it('signing keys: an encryption-only key is no signing key; an expired certificate is named', () => {
    expect(codes(checkMetadata(bytes(entity({ keys: keyDescriptor(certEnc, 'encryption') })), rules()))).toEqual([
      ['SIGNING_CERTIFICATE_MISSING', '/EntityDescriptor/IDPSSODescriptor[1]'],
    ]);
    const later = rules({ nowMs: NOW + 60 * 86400_000 });
    const r = checkMetadata(bytes(entity({ validUntil: new Date(NOW + 90 * 86400_000).toISOString() })), later);
    expect(codes(r)).toEqual([
      [
        'CERTIFICATE_EXPIRED',
        '/EntityDescriptor/IDPSSODescriptor[1]/KeyDescriptor[1]/KeyInfo[1]/X509Data[1]/X509Certificate[1]',
      ],
    ]);
  });

  it('an SP-only entity is not an IdP', () => {
    const sp = entity().replace(/IDPSSODescriptor/g, 'SPSSODescriptor');
    expect(codes(checkMetadata(bytes(sp), rules()))).toEqual([['IDP_DESCRIPTOR_MISSING', '/EntityDescriptor']]);
  });

  it('never throws, whatever the bytes: every input is metadata or a list of violations', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }), (raw, s) => {
        for (const input of [raw, bytes(s), bytes(entity().slice(0, s.length * 3))]) {
          const r = checkMetadata(input, rules());
          expect(r.ok || r.violations.length > 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('MetadataChecker: the same check in a worker thread, under a time limit (FED-3)', () => {
  const checker = new MetadataChecker({ timeoutMs: 20_000 });

  it('answers exactly as the check on this thread, for a valid and for a refused file', async () => {
    for (const doc of [
      entity({ keys: keyDescriptor(certA) + keyDescriptor(certB) }),
      entity({ validUntil: past, sso: false }),
    ]) {
      const input = bytes(doc);
      expect(await checker.check(input, rules())).toEqual(checkMetadata(input, rules()));
      expect(input.length).toBe(Buffer.byteLength(doc)); // the caller's bytes are copied, not detached
    }
  });

  it('ends a check that outlives its limit: METADATA_CHECK_TIMEOUT, and the worker is gone', async () => {
    const big = bytes(
      entity({ extra: '' }).replace(
        '<md:IDPSSODescriptor',
        `<md:Extensions>${'<x a="1"/>'.repeat(800_000)}</md:Extensions><md:IDPSSODescriptor`,
      ),
    );
    const hasty = new MetadataChecker({ timeoutMs: 5 });
    const err = await hasty.check(big, rules()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('METADATA_CHECK_TIMEOUT');
    // The same file within a sane limit is checked in full.
    expect((await checker.check(big, rules())).ok).toBe(true);
  });
});
