/** Random valid documents and random requests: evaluation never throws, and the answer is self-consistent. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  compilePolicy,
  evaluate,
  simulate,
  validatePolicy,
  type AuthorizationRequest,
} from '../../../src/policy/index.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const B = '0123456789abcdef0123456789abcdef';
const word = fc.constantFrom(
  'a',
  'dev',
  'x*',
  '?b',
  '*',
  '10.0.0.0/8',
  '2025-01-01',
  '5',
  'true',
  '',
  `srn:e::${A}:::scp-iam:user/*`,
);
const keys = fc.constantFrom(
  'scp:SourceIp',
  'scp:TagKeys',
  'scp:UserName',
  'scp:CurrentTime',
  'scp:ResourceTag/env',
  "scp:RequestAttribute/body['n']",
  'iam:userLastname',
  'scp:MultiFactorAuthPresent',
);
const operators = fc.constantFrom(
  'StringEquals',
  'StringNotLike',
  'NumericLessThan',
  'DateGreaterThan',
  'Bool',
  'IpAddress',
  'NotIpAddress',
  'SrnLike',
  'Null',
  'StringEqualsIsIgnoreCase',
);
const qualifier = fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:');
const action = fc.constantFrom('iam:getUser', 'iam:*', 'iam:get*', '*', 'iam:?etUser', 'object-store:UploadObject');
const resource = fc.constantFrom(
  '*',
  'srn:e:::::scp-iam:user/*',
  `srn:e::${A}:kr-*::scp-iam:user/a?`,
  `srn:e::${B}:::object-store:bucket/*`,
);

const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  Action: fc.array(action, { minLength: 1, maxLength: 3 }),
  Resource: fc.array(resource, { minLength: 1, maxLength: 2 }),
  Condition: fc.dictionary(
    fc.tuple(qualifier, operators).map(([q, o]) => q + o),
    fc.dictionary(keys, fc.array(word, { minLength: 1, maxLength: 2 }), { maxKeys: 2 }),
    { maxKeys: 2 },
  ),
});

const contextValue = fc.oneof(word, fc.array(word, { maxLength: 3 }), fc.constant(null));
const request = fc.record({
  action: fc.constantFrom('iam:getUser', 'IAM:GetUser', 'object-store:UploadObject', 'iam:listUsers'),
  srn: fc.constantFrom(
    '*',
    `srn:e::${A}:::scp-iam:user/ab`,
    `srn:e::${A}:kr-west1::scp-iam:user/a1`,
    `srn:e::${B}:::object-store:bucket/b`,
    'garbage',
  ),
  context: fc.dictionary(keys, contextValue, { maxKeys: 4 }),
  tag: fc.option(word),
  mfa: fc.boolean(),
});

describe('fuzz', () => {
  it('valid random documents compile, and evaluation never throws', () => {
    fc.assert(
      fc.property(
        fc.array(statement, { minLength: 1, maxLength: 4 }),
        fc.array(request, { minLength: 1, maxLength: 3 }),
        (statements, requests) => {
          const doc = { Version: '2024-07-01', Statement: statements };
          fc.pre(validatePolicy(doc).ok); // random values can be invalid for their operator; those are validation's job
          const policy = compilePolicy(doc, { id: 'p', kind: 'identity', account: A });
          for (const r of requests) {
            const req: AuthorizationRequest = {
              principal: { sub: `srn:e::${A}:::scp-iam:user/u`, acct: A, ptype: 'user', mfa: r.mfa },
              action: r.action,
              resources: [{ srn: r.srn, ...(r.tag === null ? {} : { tags: { env: r.tag } }) }],
              context: r.context,
              now: 0,
            };
            const d = evaluate(req, { identity: [policy] });
            expect(d.allowed).toBe(d.decision === 'Allow');
            expect(d.decision === 'Error').toBe(d.errors.length > 0);
            if (d.decision === 'ExplicitDeny') expect(d.deciding.every((s) => s.effect === 'Deny')).toBe(true);
            if (d.decision === 'Allow') expect(d.deciding.length).toBeGreaterThan(0);
            const applied = simulate(req, { identity: [policy] })
              .statements.filter((s) => s.outcome === 'applied')
              .map((s) => s.index);
            expect(applied).toEqual(d.matched.map((s) => s.index));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('random JSON text never makes validation throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        expect(typeof validatePolicy(text).ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('a malformed request denies instead of throwing', () => {
    const policy = compilePolicy(
      { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      { id: 'p', kind: 'identity', account: A },
    );
    const d = evaluate({ action: 'iam:getUser', resources: ['*'], now: 0 } as unknown as AuthorizationRequest, {
      identity: [policy],
    });
    expect(d).toMatchObject({ allowed: false, decision: 'Error' });
  });
});
