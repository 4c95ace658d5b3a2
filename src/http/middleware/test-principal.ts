import type { Context } from 'koa';
import { z } from 'zod';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';

/**
 * TEST ONLY. Identifies the caller from an `X-Test-Principal` header (base64url JSON of a Principal), so
 * the admin API can be exercised before and besides real token authentication. src/app.ts wires it only
 * when config.env is `test` (NODE_ENV=test); a test asserts that a development or production app ignores
 * the header.
 */
const schema = z.object({
  accountId: z.string().min(1),
  userId: z.string().min(1),
  userName: z.string().optional(),
  srn: z.string().min(1),
  type: z.enum(['root', 'user', 'role-session', 'federated']),
  auth: z.enum(['console', 'authkey', 'tempkey']).default('console'),
  mfa: z.boolean().default(false),
  amr: z.array(z.string()).default(['pwd']),
  groups: z.array(z.string()).default([]),
  issuedAtMs: z.number().default(0),
});

export const TEST_PRINCIPAL_HEADER = 'x-test-principal';

export async function testPrincipalAuthenticator(ctx: Context): Promise<Principal | null> {
  const raw = ctx.get(TEST_PRINCIPAL_HEADER);
  if (!raw) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('UNAUTHENTICATED');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AppError('UNAUTHENTICATED');
  const { userName, ...rest } = parsed.data;
  return { ...rest, ...(userName === undefined ? {} : { userName }) };
}

export function encodeTestPrincipal(p: Partial<Principal> & Pick<Principal, 'accountId' | 'userId' | 'srn' | 'type'>): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}
