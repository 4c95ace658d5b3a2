import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { decodeJwt } from 'jose';
import { buildApp, type Gateway } from '../../../src/app.js';
import { randomIds, systemClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { revocationKeys } from '../../../src/authz/revocation.js';
import { createMemoryStore } from '../../../src/store/memory/memory-store.js';
import { MemorySigningKeyStore } from '../../../src/store/memory/signing-key-store.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import { KEK, accessToken, newSession, seedPrincipal } from './fixtures.js';

/**
 * ENT-5 across instances: two gateways share real Redis (sessions, markers) and one entity store. A member
 * removed from a group on A loses the group at once on B, even though B holds the token in its
 * verified-token cache; the user's next token (after logging in again) lacks the group.
 */
describeWithServer('redis', 'revocation across two gateway instances on one Redis (ENT-5, TOK-4)', () => {
  let a: Gateway;
  let b: Gateway;
  let urlB = '';
  const prefix = uniqueName('iamgw-two');
  const store = createMemoryStore({ clock: systemClock, ids: randomIds });
  const signingKeys = new MemorySigningKeyStore();

  beforeAll(async () => {
    const env = {
      REDIS_URL: servers.redisUrl,
      IAMGW_SESSIONS_KEY_PREFIX: prefix,
      IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK,
    };
    [a, b] = await Promise.all([
      buildApp(testConfig(env), { store, signingKeys }),
      buildApp(testConfig(env), { store, signingKeys }),
    ]);
    const server = await b.listen();
    urlB = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const authorizeOnB = (token: string, resource: string) =>
    fetch(`${urlB}/v1/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, action: 'iam:getUser', resource }),
    });

  it('a group removal on A refuses the earlier token on B on the very next request; a new token has no such group', async () => {
    const { account, user, group, session } = await seedPrincipal(a);
    const resource = `srn:e::${account.id}:::scp-iam:user/${user.id}`;
    const token = await accessToken(a, session);
    expect(((await (await authorizeOnB(token, resource)).json()) as { allowed: boolean }).allowed).toBe(true);

    // The IAM service's removeMember path: marker for the user, the write, the marker again (src/iam).
    const started = performance.now();
    await a.sessions.markRevoked([revocationKeys.user(user.id)], a.clock.now());
    await a.store.groups.mutate(account.id, group.id, 'admin', (g) => ({
      memberIds: g.memberIds.filter((m) => m !== user.id),
    }));
    await a.sessions.markRevoked([revocationKeys.user(user.id)], a.clock.now());
    const refused = await authorizeOnB(token, resource);
    const latencyMs = performance.now() - started;
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOKEN_REVOKED');
    process.stdout.write(`ENT-5 two-instance revocation: removal on A → refusal on B in ${latencyMs.toFixed(1)} ms\n`);

    await expect(b.tokens.service.issueForSession(session.id)).rejects.toMatchObject({ code: 'TOKEN_REVOKED' });
    await new Promise((r) => setTimeout(r, 2)); // the new login happens after the marker (ms resolution)
    const again = await newSession(b, user);
    const fresh = await accessToken(b, again);
    expect(decodeJwt(fresh).groups).toEqual([]);
    const answer = (await (await authorizeOnB(fresh, resource)).json()) as { allowed: boolean; decision: string };
    expect(answer).toMatchObject({ allowed: false, decision: 'ImplicitDeny' });
  });

  it('an instance with another http.publicUrl is another issuer: it refuses the tokens of A (README, several instances)', async () => {
    const { account, user, session } = await seedPrincipal(a);
    const resource = `srn:e::${account.id}:::scp-iam:user/${user.id}`;
    const token = await accessToken(a, session);
    const elsewhere = await buildApp(
      testConfig({
        REDIS_URL: servers.redisUrl,
        IAMGW_SESSIONS_KEY_PREFIX: prefix,
        IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK,
        IAMGW_HTTP_PUBLIC_URL: 'https://other.iam.example',
      }),
      { store, signingKeys },
    );
    try {
      expect(elsewhere.config.http.publicUrl).not.toBe(a.config.http.publicUrl);
      const server = await elsewhere.listen();
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const refused = await fetch(`${url}/v1/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, action: 'iam:getUser', resource }),
      });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TOKEN_ISSUER_MISMATCH');
      // Same signing keys, same sessions: only the issuer differs, and B (same publicUrl as A) accepts it.
      expect(((await (await authorizeOnB(token, resource)).json()) as { allowed: boolean }).allowed).toBe(true);
    } finally {
      await elsewhere.close();
    }
  });
});
