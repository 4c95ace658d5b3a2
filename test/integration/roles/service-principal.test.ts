import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import type { Account, Role } from '../../../src/store/ports.js';
import { createAccount, startGateway, type TestGateway } from '../login/helpers.js';
import { bearerClient, codeOf, roleSrn } from './api.helpers.js';
import { policy, role } from './console-switch.helpers.js';

/**
 * ROLE-2 `service` principals over HTTP: a configured service assumes a role that trusts it, with its own
 * credential (HTTP Basic), and gets a role session with the role's permissions; nothing else lets it in.
 */
const SECRET = 'Zm9vYmFyLXNlcnZpY2Utc2VjcmV0LTMyLWJ5dGVzLWxvbmc';
const NEXT = 'bmV4dC1zZXJ2aWNlLXNlY3JldC0zMi1ieXRlcy1sb25nLXg';
const digest = (s: string) => createHash('sha256').update(s).digest('hex');
const basic = (name: string, secret: string) => `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

describe('AssumeRole by a configured service (ROLE-2 service)', () => {
  let t: TestGateway;
  let a: Account;
  let forGateway: Role; // trusts api-gateway
  let forFunctions: Role; // trusts cloud-function only
  const { get } = bearerClient(() => t);

  const assume = async (authorization: string, target: Role, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${t.base}/v1/sts/assume-role`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ roleSrn: roleSrn(target), sessionName: 'svc-run', ...extra }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startGateway({
      IAMGW_TOKENS_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
      IAMGW_SERVICES_CREDENTIALS: `api-gateway:${digest(SECRET)},api-gateway:${digest(NEXT)}`,
    });
    a = await createAccount(t.gw);
    const listRoles = await policy(t.gw, a.id, 'ListRoles', {
      Effect: 'Allow',
      Action: 'iam:listRoles',
      Resource: '*',
    });
    forGateway = await role(t.gw, a, 'gateway-role', [{ kind: 'service', value: 'api-gateway' }], [listRoles.id]);
    forFunctions = await role(t.gw, a, 'function-role', [{ kind: 'service', value: 'cloud-function' }], [listRoles.id]);
  });
  afterAll(() => t.close());

  it('a trusted service assumes with either configured secret; the session has the role’s permissions only', async () => {
    for (const secret of [SECRET, NEXT]) {
      const r = await assume(basic('api-gateway', secret), forGateway);
      expect(r.status).toBe(200);
      const token = String(r.body.access_token);
      expect(decodeJwt(token)).toMatchObject({
        ptype: 'role-session',
        role: roleSrn(forGateway),
        source: 'service:api-gateway',
        auth: 'service',
        sessionName: 'svc-run',
      });
      expect(await get(`/v1/accounts/${a.id}/roles`, token)).toBe(200);
      expect(await get(`/v1/accounts/${a.id}/users`, token)).toBe(403);
    }
    const audit = await t.gw.store.audit.list(a.id, { limit: 100 });
    expect(audit.items.find((e) => e.action === 'role.assume' && e.result === 'success')).toMatchObject({
      actor: 'service:api-gateway',
    });
  });

  it('a role that trusts another service refuses it, as it refuses an unknown role', async () => {
    expect(codeOf(await assume(basic('api-gateway', SECRET), forFunctions))).toBe('ROLE_NOT_TRUSTED');
  });

  it('a wrong secret and an unknown service get the same 401, and nothing starts', async () => {
    const before = (await t.gw.store.audit.list(a.id, { limit: 1000 })).items.length;
    const wrong = await assume(basic('api-gateway', 'guess'), forGateway);
    const unknown = await assume(basic('cloud-function', SECRET), forFunctions);
    const digestAsSecret = await assume(basic('api-gateway', digest(SECRET)), forGateway);
    for (const r of [wrong, unknown, digestAsSecret]) {
      expect(r.status).toBe(401);
      expect(codeOf(r)).toBe('SERVICE_CREDENTIALS_INVALID');
      expect(r.body.access_token).toBeUndefined();
    }
    expect({ ...wrong.body, error: { ...(wrong.body.error as object), requestId: 'x' } }).toEqual({
      ...unknown.body,
      error: { ...(unknown.body.error as object), requestId: 'x' },
    });
    expect((await t.gw.store.audit.list(a.id, { limit: 1000 })).items.length).toBe(before);
  });

  it('a user trust entry or an account-wide one never matches a service, and a service name is no bearer token', async () => {
    const accountWide = await role(t.gw, a, 'account-role', [{ kind: 'current-account', value: a.id }], []);
    expect(codeOf(await assume(basic('api-gateway', SECRET), accountWide))).toBe('ROLE_NOT_TRUSTED');
    expect((await assume('Bearer api-gateway', forGateway)).status).toBe(401);
  });
});
