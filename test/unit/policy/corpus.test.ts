/**
 * The decision corpus (test/fixtures/policy-cases/*.json): each group is policies + requests → expected
 * decision + deciding statements (`policyId#Sid`). Request defaults keep the files short: the principal
 * is user alice of account A, `now` is 2025-01-01T00:00:00Z, and policies belong to account A unless they
 * say otherwise (a resource-based policy belongs to the account of the resource it is attached to).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import {
  compilePolicy,
  evaluate,
  prepareRequest,
  simulate,
  type AuthorizationRequest,
  type CompiledPolicy,
  type PrincipalClaims,
} from '../../../src/policy/index.js';
import { parseSrn } from '../../../src/srn/index.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const DIR = new URL('../../fixtures/policy-cases/', import.meta.url);

interface CorpusPolicy {
  id: string;
  kind?: 'identity' | 'resource';
  account?: string;
  attachedTo?: string;
  document: unknown;
}
interface CorpusCase {
  name: string;
  request: Partial<AuthorizationRequest> & { now?: string };
  expected: { decision: string; deciding: string[] };
}
interface CorpusGroup {
  name: string;
  policies: CorpusPolicy[];
  cases: CorpusCase[];
}

const ALICE: PrincipalClaims = {
  sub: `srn:e::${A}:::scp-iam:user/alice`,
  acct: A,
  ptype: 'user',
  auth: 'console',
  mfa: true,
  userName: 'alice',
};

function ownerOf(p: CorpusPolicy): string {
  if (p.account !== undefined) return p.account;
  const attached = p.attachedTo === undefined ? undefined : parseSrn(p.attachedTo);
  return attached?.ok === true ? attached.srn.account : A;
}

function load(): [string, CorpusGroup[]][] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, (JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as { groups: CorpusGroup[] }).groups]);
}

const files = load();

describe('policy corpus', () => {
  it('holds at least 300 cases', () => {
    const total = files.reduce((n, [, groups]) => n + groups.reduce((m, g) => m + g.cases.length, 0), 0);
    expect(total).toBeGreaterThanOrEqual(300);
  });

  describe.each(files)('%s', (_file, groups) => {
    describe.each(groups.map((g) => [g.name, g] as const))('%s', (_name, group) => {
      const identity: CompiledPolicy[] = [];
      const resource: Record<string, CompiledPolicy> = {};
      for (const p of group.policies) {
        const compiled = compilePolicy(p.document, { id: p.id, kind: p.kind ?? 'identity', account: ownerOf(p) });
        if (p.kind === 'resource') resource[p.attachedTo as string] = compiled;
        else identity.push(compiled);
      }
      it.each(group.cases.map((c) => [c.name, c] as const))('%s', (_case, c) => {
        const request: AuthorizationRequest = {
          principal: c.request.principal ?? ALICE,
          action: c.request.action as string,
          resources: c.request.resources ?? [],
          context: c.request.context ?? {},
          now: Date.parse(c.request.now ?? '2025-01-01T00:00:00Z'),
        };
        const d = evaluate(request, { identity, resource });
        const deciding = d.deciding.map((r) => `${r.policyId}#${r.sid ?? r.index}`).sort();
        expect({ decision: d.decision, deciding }).toEqual({
          decision: c.expected.decision,
          deciding: [...c.expected.deciding].sort(),
        });
        expect(d.allowed).toBe(c.expected.decision === 'Allow');
        // The prepared path (parsed once, evaluated twice) answers exactly as the plain one.
        const prepared = prepareRequest(request);
        expect(evaluate(prepared, { identity, resource })).toEqual(d);
        expect(evaluate(prepared, { identity, resource })).toEqual(d);
        expect(simulate(prepared, { identity, resource })).toEqual(simulate(request, { identity, resource }));
      });
    });
  });
});
