import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { User } from '../../../src/store/ports.js';
import { PASSWORD, createUser, sessionOf, startGateway, type TestGateway } from '../login/helpers.js';
import { KEK, seedPrincipal } from './fixtures.js';

/** The token surface as a user and a service meet it: login → token → authorize / introspect / simulate. */
describe('tokens over HTTP (TOK-1..4, POL-9)', () => {
  let t: TestGateway;
  let seeded: Awaited<ReturnType<typeof seedPrincipal>>;
  let bob: User;
  let token: string;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const bearer = (tok: string) => ({ authorization: `Bearer ${tok}` });

  beforeAll(async () => {
    t = await startGateway({ IAMGW_TOKENS_KEY_ENCRYPTION_KEY: KEK });
    seeded = await seedPrincipal(t.gw);
    const simulate = await t.gw.store.policies.create({
      accountId: seeded.account.id,
      name: 'Simulate',
      type: 'custom',
      policyVersion: 1,
      createdBy: 'test',
      document: {
        Version: '2024-07-01',
        Statement: [{ Sid: 'Sim', Effect: 'Allow', Action: 'iam:simulatePolicy', Resource: '*' }],
      },
    });
    bob = await createUser(t.gw, seeded.account, 'bob', PASSWORD, { policyIds: [simulate.id] });
    await t.gw.store.groups.update(
      seeded.account.id,
      seeded.group.id,
      1,
      { memberIds: [seeded.user.id, bob.id] },
      'test',
    );
    const login = await sessionOf(t, seeded.account.alias ?? '', 'bob', PASSWORD);
    const res = await post('/v1/token/session', {}, { cookie: login.cookie, 'x-csrf-token': login.csrf });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterAll(() => t.close());

  it('a logged-in console session obtains a token that verifies against the published JWKS (discovery → jwks_uri)', async () => {
    const discovery = (await (await fetch(`${t.base}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    expect(discovery.jwks_uri).toBe(`${discovery.issuer}/.well-known/jwks.json`);
    const jwks = createRemoteJWKSet(new URL(`${t.base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: discovery.issuer,
      audience: 'iam-gateway',
      currentDate: new Date(t.gw.clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: expect.stringContaining(bob.id), groups: [seeded.group.id] });
  });

  it('a bearer token cannot mint its own successor at the session endpoint', async () => {
    const res = await post('/v1/token/session', {}, bearer(token));
    expect(res.status).toBe(401);
  });

  it('/v1/authorize: allow with the deciding statement, deny as a normal answer, bad token as 401', async () => {
    const resource = `srn:e::${seeded.account.id}:::scp-iam:user/${bob.id}`;
    const allow = await post('/v1/authorize', { action: 'iam:getUser', resource }, bearer(token));
    expect(allow.status).toBe(200);
    expect(await allow.json()).toMatchObject({
      allowed: true,
      decision: 'Allow',
      deciding: [{ policyId: seeded.policy.id, sid: 'ReadUsers' }],
    });
    const deny = await post('/v1/authorize', { token, action: 'iam:deleteUser', resource });
    expect(await deny.json()).toMatchObject({ allowed: false, decision: 'ImplicitDeny', deciding: [] });
    const bad = await post('/v1/authorize', { token: `${token}x`, action: 'iam:getUser', resource });
    expect([bad.status, ((await bad.json()) as { error: { code: string } }).error.code]).toEqual([
      401,
      'TOKEN_SIGNATURE_INVALID',
    ]);
    const invalid = await post('/v1/authorize', { token, resource }, {});
    expect(invalid.status).toBe(400);
  });

  it('/v1/authorize judges the request context a service sends (POL-9): a scp:SourceIp condition', async () => {
    const officeOnly = await t.gw.store.policies.create({
      accountId: seeded.account.id,
      name: 'OfficeOnly',
      type: 'custom',
      policyVersion: 1,
      createdBy: 'test',
      document: {
        Version: '2024-07-01',
        Statement: [
          {
            Sid: 'FromOffice',
            Effect: 'Allow',
            Action: 'iam:listGroups',
            Resource: '*',
            Condition: { IpAddress: { 'scp:SourceIp': '10.0.0.0/8' } },
          },
        ],
      },
    });
    await createUser(t.gw, seeded.account, 'carol', PASSWORD, { policyIds: [officeOnly.id] });
    const login = await sessionOf(t, seeded.account.alias ?? '', 'carol', PASSWORD);
    const carol = (
      (await (await post('/v1/token/session', {}, { cookie: login.cookie, 'x-csrf-token': login.csrf })).json()) as {
        access_token: string;
      }
    ).access_token;
    const ask = async (context?: Record<string, unknown>) =>
      (
        await post('/v1/authorize', {
          token: carol,
          action: 'iam:listGroups',
          resource: '*',
          ...(context ? { context } : {}),
        })
      ).json();
    expect(await ask({ 'scp:SourceIp': '10.20.30.40' })).toMatchObject({
      allowed: true,
      decision: 'Allow',
      deciding: [{ policyId: officeOnly.id, sid: 'FromOffice' }],
    });
    expect(await ask({ 'scp:SourceIp': '192.168.1.7' })).toMatchObject({ allowed: false, decision: 'ImplicitDeny' });
    expect(await ask()).toMatchObject({ allowed: false }); // no address given: the condition cannot hold
    const bad = await post('/v1/authorize', {
      token: carol,
      action: 'iam:listGroups',
      resource: '*',
      context: { 'scp:SourceIp': { nested: true } },
    });
    expect(bad.status).toBe(400);
  });

  it('counts evaluator decisions by outcome in /metrics (OPS-4)', async () => {
    const count = async (decision: string): Promise<number> => {
      const text = await (await fetch(`${t.base}/metrics`)).text();
      return Number(new RegExp(`iamgw_policy_decisions_total\\{decision="${decision}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const resource = `srn:e::${seeded.account.id}:::scp-iam:user/${bob.id}`;
    const [allow0, deny0] = [await count('allow'), await count('implicit_deny')];
    await post('/v1/authorize', { token, action: 'iam:getUser', resource });
    await post('/v1/authorize', { token, action: 'iam:deleteUser', resource });
    await post('/v1/authorize', { token, action: 'iam:deleteUser', resource });
    expect([await count('allow'), await count('implicit_deny')]).toEqual([allow0 + 1, deny0 + 2]);
  });

  it('/v1/introspect (RFC 7662) needs an authenticated caller and answers active or only active:false', async () => {
    expect((await post('/v1/introspect', { token })).status).toBe(401);
    const active = await post('/v1/introspect', { token }, bearer(token));
    expect(await active.json()).toMatchObject({
      active: true,
      token_type: 'Bearer',
      sub: expect.stringContaining(bob.id),
    });
    const inactive = await post('/v1/introspect', { token: 'not-a-token' }, bearer(token));
    expect(await inactive.json()).toEqual({ active: false });
  });

  it('/v1/token refresh rotates; a reused handle ends the session (TOK-4)', async () => {
    const session = await sessionOf(t, seeded.account.alias ?? '', 'bob', PASSWORD);
    const first = await t.gw.tokens.service.issueForSession(session.sessionId, { withRefresh: true });
    const form = (rt: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(rt)}`,
    });
    const next = await fetch(`${t.base}/v1/token`, form(first.refresh_token ?? ''));
    expect(next.status).toBe(200);
    const reused = await fetch(`${t.base}/v1/token`, form(first.refresh_token ?? ''));
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('REFRESH_TOKEN_REUSED');
    const wrongGrant = await fetch(`${t.base}/v1/token`, { ...form(''), body: 'grant_type=password' });
    expect(((await wrongGrant.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_GRANT_TYPE');
  });

  it('policy simulator: every statement with its outcome; needs iam:simulatePolicy; bad documents are 400 with paths', async () => {
    const path = `/v1/accounts/${seeded.account.id}/policy-simulator`;
    const res = await post(
      path,
      { principal: { userId: seeded.user.id }, action: 'iam:getUser', resource: '*' },
      bearer(token),
    );
    expect(res.status).toBe(200);
    const sim = (await res.json()) as {
      decision: { decision: string };
      statements: { sid: string; outcome: string }[];
    };
    expect(sim.decision.decision).toBe('Allow');
    expect(sim.statements).toEqual([expect.objectContaining({ sid: 'ReadUsers', outcome: 'applied' })]);
    const given = await post(
      path,
      {
        policies: [{ Version: '2024-07-01', Statement: { Effect: 'Deny', Action: 'iam:*', Resource: '*' } }],
        action: 'iam:getUser',
        resource: '*',
      },
      bearer(token),
    );
    expect(((await given.json()) as { decision: { decision: string } }).decision.decision).toBe('ExplicitDeny');
    const broken = await post(
      path,
      {
        policies: [{ Version: '2024-07-01', Statement: { Effect: 'Maybe', Action: 'iam:*', Resource: '*' } }],
        action: 'iam:getUser',
        resource: '*',
      },
      bearer(token),
    );
    expect(broken.status).toBe(400);
    expect(JSON.stringify(await broken.json())).toContain('policies.0');
    const alice = await t.gw.tokens.service.issueForSession(seeded.session.id);
    const denied = await post(
      path,
      { principal: { userId: bob.id }, action: 'iam:getUser', resource: '*' },
      bearer(alice.access_token),
    );
    expect(denied.status).toBe(403);
  });
});
