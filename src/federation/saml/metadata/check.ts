import { X509Certificate } from 'node:crypto';
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';

/**
 * FED-2 / FED-3: the one pass over an uploaded IdP metadata file. The file itself never reaches samlify
 * (it parses 10 MB in minutes, misreads keys without `use`, never checks `validUntil`, cannot read an
 * aggregate): this check streams it through saxes once and keeps only what the gateway needs, from which
 * `normalisedMetadata` (normalise.ts) builds the small document samlify then loads.
 *
 * Order of the rules, each violation with a stable code and the element path:
 * 1. bytes: strict UTF-8 (a UTF-8 BOM is fine); a UTF-16 BOM, invalid UTF-8 or an XML declaration naming
 *    another encoding is refused before any parser sees the text (`ENCODING_NOT_UTF8`);
 * 2. well-formed XML with no DOCTYPE at all (DTDs, entities: `DOCTYPE_FORBIDDEN`), at most `maxDepth` nested
 *    elements and `maxAttributes` attributes per element; these stop the pass (the rest is not looked at);
 * 3. one IdP `EntityDescriptor`: an `EntitiesDescriptor` aggregate is refused (`AGGREGATE_NOT_ALLOWED`)
 *    unless `entityId` names the entity to take;
 * 4. `validUntil` in the future, or, without it, a `cacheDuration` when the configuration allows one;
 * 5. an `IDPSSODescriptor` with a SAML 2.0 `SingleSignOnService`, and at least one X.509 signing
 *    certificate (`use="signing"` or no `use`) that parses and has not expired.
 * Every rule of 3–5 is checked and all its violations are reported at once.
 */
export interface MetadataRules {
  nowMs: number;
  /** The longest `cacheDuration` accepted in place of `validUntil`; null: `validUntil` is required. */
  maxCacheDurationSeconds: number | null;
  /** For an aggregate: the entity id of the IdP to take from it. */
  entityId?: string;
  maxDepth?: number;
  maxAttributes?: number;
}

export interface MetadataViolation {
  code: string;
  /** The element (or attribute, `@name`) the rule is about, e.g. `/EntityDescriptor/IDPSSODescriptor[1]`. */
  path: string;
  message: string;
}

export interface Endpoint {
  binding: string;
  location: string;
}

export interface SigningCertificate {
  /** Base64 DER, as in the metadata (whitespace removed). */
  base64: string;
  notAfterMs: number;
  sha256: string;
}

/** What the gateway keeps of an IdP's metadata. */
export interface IdpMetadata {
  entityId: string;
  validUntilMs: number | null;
  cacheDurationSeconds: number | null;
  wantAuthnRequestsSigned: boolean;
  signingCertificates: SigningCertificate[];
  singleSignOn: Endpoint[];
  singleLogout: Endpoint[];
  nameIdFormats: string[];
}

export type MetadataResult = { ok: true; metadata: IdpMetadata } | { ok: false; violations: MetadataViolation[] };

export const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const SAML2_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_ATTRIBUTES = 256;
/** A certificate or a NameIDFormat is small; text beyond this is not collected (and refused). */
const MAX_CAPTURE_CHARS = 64 * 1024;

/** Thrown inside the saxes handlers to stop the pass at a rule that ends it. */
class Stop extends Error {
  constructor(readonly violation: MetadataViolation) {
    super(violation.code);
  }
}

interface Frame {
  name: string;
  uri: string;
  /** 1-based among its parent's children of the same name (the `[n]` of its path). */
  index: number;
  /** How many children of each local name this element has had; made on the first child. */
  children: Map<string, number> | undefined;
  /** Its path, made only when a rule or a collected fact needs it (most elements never do). */
  path: string | undefined;
}

const violation = (code: string, path: string, message: string): MetadataViolation => ({ code, path, message });

export function checkMetadata(bytes: Uint8Array, rules: MetadataRules): MetadataResult {
  const text = decodeStrictUtf8(bytes);
  if (typeof text !== 'string') return { ok: false, violations: [text] };
  const collected = collect(text, rules);
  if ('stopped' in collected) return { ok: false, violations: [...collected.found, collected.stopped] };
  const violations = [...collected.found];
  const metadata = judge(collected, rules, violations);
  return metadata === null || violations.length > 0 ? { ok: false, violations } : { ok: true, metadata };
}

/** Rule 1. TextDecoder's `fatal` refuses every invalid sequence; it drops a UTF-8 BOM itself. */
function decodeStrictUtf8(bytes: Uint8Array): string | MetadataViolation {
  const refused = (why: string) => violation('ENCODING_NOT_UTF8', '/', `The file must be UTF-8: ${why}.`);
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    return refused('it starts with a UTF-16 byte order mark');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refused('it holds bytes that are not valid UTF-8 (Latin-1 or UTF-16?)');
  }
  const declared = /^<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (declared !== undefined && declared.toLowerCase() !== 'utf-8' && declared.toLowerCase() !== 'utf8')
    return refused(`its XML declaration names encoding "${declared}"`);
  return text;
}

interface EntityFacts {
  path: string;
  attributes: Record<string, string>;
  idps: { path: string; attributes: Record<string, string> }[];
  keys: { path: string; use: string | null; certificates: { path: string; text: string }[] }[];
  singleSignOn: (Endpoint & { path: string })[];
  singleLogout: Endpoint[];
  nameIdFormats: string[];
}

interface Collected {
  rootName: string;
  rootPath: string;
  aggregateAttributes: Record<string, string> | null;
  entities: EntityFacts[];
  found: MetadataViolation[];
}

/** Rule 2, and the facts rules 3–5 judge: one saxes pass, stopped at the first structural violation. */
function collect(
  text: string,
  rules: MetadataRules,
): Collected | { stopped: MetadataViolation; found: MetadataViolation[] } {
  const maxDepth = rules.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAttributes = rules.maxAttributes ?? DEFAULT_MAX_ATTRIBUTES;
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Frame[] = [];
  const out: Collected = { rootName: '', rootPath: '/', aggregateAttributes: null, entities: [], found: [] };
  let entity: EntityFacts | null = null;
  let inIdp = false;
  let key: EntityFacts['keys'][number] | null = null;
  let capture: { kind: 'cert' | 'nameid'; frame: Frame; path: string; text: string } | null = null;
  let attributeCount = 0;
  const where = () => `line ${parser.line}, column ${parser.column}`;
  const pathAt = (depth: number): string => {
    const frame = stack[depth];
    if (frame === undefined) return '/';
    frame.path ??= depth === 0 ? `/${frame.name}` : `${pathAt(depth - 1)}/${frame.name}[${frame.index}]`;
    return frame.path;
  };
  const here = (): string => pathAt(stack.length - 1);

  parser.on('doctype', () => {
    throw new Stop(violation('DOCTYPE_FORBIDDEN', '/', `A DOCTYPE (DTD, entities) is not allowed (${where()}).`));
  });
  parser.on('error', (err) => {
    throw new Stop(violation('XML_MALFORMED', here(), `The file is not well-formed XML: ${err.message}`));
  });
  let opening = ''; // the element whose attributes are being read (its namespace is not resolved yet)
  parser.on('opentagstart', (tag) => {
    attributeCount = 0;
    // The element's path as it will be (its namespace is resolved only once its attributes are read).
    opening = tag.name;
    if (stack.length >= maxDepth)
      throw new Stop(violation('NESTING_TOO_DEEP', here(), `Elements nest at most ${maxDepth} deep.`));
  });
  parser.on('attribute', () => {
    attributeCount += 1;
    if (attributeCount > maxAttributes)
      throw new Stop(
        violation(
          'TOO_MANY_ATTRIBUTES',
          `${stack.length === 0 ? '' : here()}/${opening.slice(opening.indexOf(':') + 1)}`,
          `An element has at most ${maxAttributes} attributes (${where()}).`,
        ),
      );
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const local = tag.local;
    const uri = tag.uri;
    const depth = stack.length;
    const parentFrame = stack[depth - 1];
    let index = 1;
    if (parentFrame !== undefined) {
      parentFrame.children ??= new Map();
      index = (parentFrame.children.get(local) ?? 0) + 1;
      parentFrame.children.set(local, index);
    }
    const frame: Frame = { name: local, uri, index, children: undefined, path: undefined };
    stack.push(frame);
    const path = (): string => pathAt(depth);
    if (depth === 0) out.rootName = uri === MD ? local : uri === '' ? `${local} (no namespace)` : `{${uri}}${local}`;
    if (depth === 0) out.rootPath = path();
    if (uri !== MD && uri !== DS) return; // the rules read nothing else (extensions, attributes, logos)
    const attrs = uri === MD ? plainAttributes(tag.attributes) : {};
    if (depth === 0) {
      if (uri === MD && local === 'EntitiesDescriptor') out.aggregateAttributes = attrs;
    }
    if (
      uri === MD &&
      local === 'EntityDescriptor' &&
      (depth === 0 || (depth === 1 && out.aggregateAttributes !== null))
    ) {
      entity = {
        path: path(),
        attributes: attrs,
        idps: [],
        keys: [],
        singleSignOn: [],
        singleLogout: [],
        nameIdFormats: [],
      };
      out.entities.push(entity);
      return;
    }
    if (entity === null) return;
    const parent = stack.at(-2);
    if (uri === MD && local === 'IDPSSODescriptor' && parent?.name === 'EntityDescriptor') {
      inIdp = true;
      entity.idps.push({ path: path(), attributes: attrs });
    } else if (inIdp && uri === MD && parent?.name === 'IDPSSODescriptor') {
      if (local === 'KeyDescriptor') {
        key = { path: path(), use: attrs.use ?? null, certificates: [] };
        entity.keys.push(key);
      } else if (local === 'SingleSignOnService') {
        entity.singleSignOn.push({ binding: attrs.Binding ?? '', location: attrs.Location ?? '', path: path() });
      } else if (local === 'SingleLogoutService') {
        entity.singleLogout.push({ binding: attrs.Binding ?? '', location: attrs.Location ?? '' });
      } else if (local === 'NameIDFormat') capture = { kind: 'nameid', frame, path: path(), text: '' };
    } else if (key !== null && uri === DS && local === 'X509Certificate' && parent?.name === 'X509Data')
      capture = { kind: 'cert', frame, path: path(), text: '' };
  });
  parser.on('text', (t) => {
    if (capture === null) return;
    if (capture.text.length + t.length > MAX_CAPTURE_CHARS)
      throw new Stop(
        violation('CERTIFICATE_INVALID', capture.path, 'The element holds far more text than a certificate.'),
      );
    capture.text += t;
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    const frame = stack.pop();
    if (capture !== null && frame === capture.frame) {
      if (capture.kind === 'cert') key?.certificates.push({ path: capture.path, text: capture.text });
      else entity?.nameIdFormats.push(capture.text.trim());
      capture = null;
    }
    if (tag.uri !== MD) return;
    if (tag.local === 'KeyDescriptor') key = null;
    else if (tag.local === 'IDPSSODescriptor') inIdp = false;
    else if (tag.local === 'EntityDescriptor' && frame?.path !== undefined && frame.path === entity?.path)
      entity = null;
  });

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof Stop) return { stopped: err.violation, found: out.found };
    throw err;
  }
  return out;
}

function plainAttributes(attributes: Record<string, SaxesAttributeNS>): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  // Unprefixed attributes only: the metadata attributes the rules read have no namespace.
  for (const a of Object.values(attributes)) if (a.prefix === '') out[a.local] = a.value;
  return out;
}

/** Rules 3–5 over the collected facts; violations are added, the metadata returned when it can be built. */
function judge(c: Collected, rules: MetadataRules, violations: MetadataViolation[]): IdpMetadata | null {
  const add = (code: string, path: string, message: string) => violations.push(violation(code, path, message));
  if (c.rootName !== 'EntityDescriptor' && c.rootName !== 'EntitiesDescriptor') {
    add(
      'ENTITY_DESCRIPTOR_MISSING',
      c.rootPath,
      `The root element must be md:EntityDescriptor, not ${c.rootName || 'missing'}.`,
    );
    return null;
  }
  let entity: EntityFacts | undefined;
  if (c.aggregateAttributes !== null) {
    if (rules.entityId === undefined) {
      add(
        'AGGREGATE_NOT_ALLOWED',
        c.rootPath,
        `This is an aggregate of ${c.entities.length} entities (EntitiesDescriptor): upload one IdP's metadata, or name the entity id to take from it.`,
      );
      return null;
    }
    entity = c.entities.find((e) => e.attributes.entityID === rules.entityId);
    if (entity === undefined) {
      add('ENTITY_NOT_FOUND', c.rootPath, `The aggregate holds no EntityDescriptor with entityID "${rules.entityId}".`);
      return null;
    }
    checkValidity(c.aggregateAttributes, c.rootPath, rules, add, false);
  } else entity = c.entities[0];
  if (entity === undefined) return null;

  const entityId = entity.attributes.entityID ?? '';
  if (entityId === '')
    add('ENTITY_ID_MISSING', `${entity.path}/@entityID`, 'The EntityDescriptor must have an entityID.');
  const validity = checkValidity(entity.attributes, entity.path, rules, add, c.aggregateAttributes !== null);

  const idp = entity.idps[0];
  if (idp === undefined)
    add(
      'IDP_DESCRIPTOR_MISSING',
      entity.path,
      'The entity must have an IDPSSODescriptor (this is not an identity provider).',
    );
  else if (!(idp.attributes.protocolSupportEnumeration ?? '').split(/\s+/).includes(SAML2_PROTOCOL))
    add(
      'PROTOCOL_NOT_SAML2',
      `${idp.path}/@protocolSupportEnumeration`,
      `The IDPSSODescriptor must support ${SAML2_PROTOCOL}.`,
    );
  const sso = entity.singleSignOn.filter((e) => e.location !== '');
  if (idp !== undefined && sso.length === 0)
    add('SSO_SERVICE_MISSING', idp.path, 'The IDPSSODescriptor must have a SingleSignOnService with a Location.');

  const signingCertificates: SigningCertificate[] = [];
  for (const k of entity.keys) {
    if (k.use !== null && k.use !== 'signing') continue;
    for (const cert of k.certificates) {
      const parsed = certificate(cert.text);
      if (parsed === null)
        add('CERTIFICATE_INVALID', cert.path, 'The X509Certificate is not a base64 DER X.509 certificate.');
      else if (parsed.notAfterMs <= rules.nowMs)
        add(
          'CERTIFICATE_EXPIRED',
          cert.path,
          `The signing certificate expired on ${new Date(parsed.notAfterMs).toISOString()}.`,
        );
      else signingCertificates.push(parsed);
    }
  }
  if (
    idp !== undefined &&
    signingCertificates.length === 0 &&
    !violations.some((v) => v.code.startsWith('CERTIFICATE_'))
  )
    add(
      'SIGNING_CERTIFICATE_MISSING',
      idp.path,
      'The IDPSSODescriptor must have a KeyDescriptor (use="signing" or no use) with an X509Certificate.',
    );
  if (idp === undefined) return null;
  return {
    entityId,
    validUntilMs: validity.validUntilMs,
    cacheDurationSeconds: validity.cacheDurationSeconds,
    wantAuthnRequestsSigned:
      idp.attributes.WantAuthnRequestsSigned === 'true' || idp.attributes.WantAuthnRequestsSigned === '1',
    signingCertificates,
    singleSignOn: sso.map(({ binding, location }) => ({ binding, location })),
    singleLogout: entity.singleLogout.filter((e) => e.location !== ''),
    nameIdFormats: entity.nameIdFormats.filter((f) => f !== ''),
  };
}

/** Rule 4 for one element. `inherited`: an aggregate's own validity already covers the entity. */
function checkValidity(
  attrs: Record<string, string>,
  path: string,
  rules: MetadataRules,
  add: (code: string, path: string, message: string) => void,
  inherited: boolean,
): { validUntilMs: number | null; cacheDurationSeconds: number | null } {
  const validUntil = attrs.validUntil;
  const cacheDuration = attrs.cacheDuration;
  let validUntilMs: number | null = null;
  let cacheDurationSeconds: number | null = null;
  if (validUntil !== undefined) {
    validUntilMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(validUntil)
      ? Date.parse(validUntil)
      : NaN;
    if (Number.isNaN(validUntilMs))
      add(
        'VALID_UNTIL_INVALID',
        `${path}/@validUntil`,
        `validUntil "${validUntil}" is not an xs:dateTime with a time zone.`,
      );
    else if (validUntilMs <= rules.nowMs)
      add('METADATA_EXPIRED', `${path}/@validUntil`, `The metadata expired at ${validUntil}.`);
  }
  if (cacheDuration !== undefined) {
    cacheDurationSeconds = durationSeconds(cacheDuration);
    if (cacheDurationSeconds === null)
      add(
        'CACHE_DURATION_INVALID',
        `${path}/@cacheDuration`,
        `cacheDuration "${cacheDuration}" is not an xs:duration.`,
      );
  }
  if (validUntil === undefined && !inherited) {
    const max = rules.maxCacheDurationSeconds;
    if (cacheDuration === undefined || max === null)
      add(
        'VALID_UNTIL_MISSING',
        `${path}/@validUntil`,
        max === null ? 'The metadata must carry validUntil.' : 'The metadata must carry validUntil or cacheDuration.',
      );
    else if (cacheDurationSeconds !== null && cacheDurationSeconds > max)
      add('CACHE_DURATION_TOO_LONG', `${path}/@cacheDuration`, `cacheDuration is at most ${max} s without validUntil.`);
  }
  return {
    validUntilMs: validUntilMs !== null && Number.isNaN(validUntilMs) ? null : validUntilMs,
    cacheDurationSeconds,
  };
}

/** xs:duration without years or months (their length varies): `P1D`, `PT12H`, `PT3600S`, `P1DT2H30M`. */
function durationSeconds(value: string): number | null {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (m === null || value === 'P' || value.endsWith('T')) return null;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}

function certificate(text: string): SigningCertificate | null {
  const base64 = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  try {
    const cert = new X509Certificate(Buffer.from(base64, 'base64'));
    return { base64, notAfterMs: Date.parse(cert.validTo), sha256: cert.fingerprint256 };
  } catch {
    return null;
  }
}
