/**
 * ROLE-2's `service` principals: the named services (SERVICE_PRINCIPALS) that call AssumeRole with a
 * credential of their own, configured as `services.credentials` entries `<service>:<sha256 hex of the
 * secret>`. Only digests are configured, so a leaked configuration file gives nobody a service's secret;
 * secrets are ≥ 32 random bytes, so one SHA-256 is as good as a slow hash here (there is nothing to guess).
 * Several digests of one service are its current and next secret while it rotates (docs/roles.md).
 *
 * A service proves itself with `Authorization: Basic base64(<service>:<secret>)` on the STS routes (as an
 * OAuth client does with client_secret_basic). An unknown service and a wrong secret answer the same, and
 * take the same work: every configured digest is compared, in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ServiceCredential {
  service: string;
  digest: Buffer;
}

export class ServiceCredentials {
  private constructor(private readonly credentials: readonly ServiceCredential[]) {}

  /** The configured entries (already checked by the config schema: `<service>:<64 hex>`). */
  static fromConfig(entries: readonly string[]): ServiceCredentials {
    return new ServiceCredentials(
      entries.map((e) => {
        const at = e.lastIndexOf(':');
        return { service: e.slice(0, at), digest: Buffer.from(e.slice(at + 1), 'hex') };
      }),
    );
  }

  /** The service these credentials prove, or null. */
  verify(service: string, secret: string): string | null {
    const digest = createHash('sha256').update(secret, 'utf8').digest();
    let matched = false;
    for (const c of this.credentials) {
      // Both comparisons always run, so the time says nothing about which part was wrong.
      const sameSecret = timingSafeEqual(digest, c.digest);
      const sameName = c.service === service;
      matched = (sameSecret && sameName) || matched;
    }
    return matched ? service : null;
  }

  /** `Authorization: Basic …` → [service, secret], or null for any other header (RFC 7617). */
  static basic(authorization: string | undefined): [string, string] | null {
    if (authorization === undefined || !/^basic /i.test(authorization)) return null;
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon <= 0 ? ['', ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
}

/** How a service appears as the `source` of the role sessions it starts, and as the audit actor. */
export const serviceSource = (service: string): string => `service:${service}`;
