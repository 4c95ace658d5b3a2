/**
 * `scp:CurrentTime` at second precision (POL-6, issue 15 mend): string operators see the form policy
 * authors write (`2026-11-23T10:00:00Z`), as AWS's `aws:CurrentTime`; date operators are unchanged.
 */
import { describe, expect, it } from '@jest/globals';
import { compilePolicy, evaluate, type PolicyStatement, type PrincipalClaims } from '../../../src/policy/index.js';
import { currentTime } from '../../../src/policy/context.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const user: PrincipalClaims = { sub: `srn:e::${A}:::scp-iam:user/u1`, acct: A, ptype: 'user', mfa: false };
const at = Date.parse('2026-11-23T10:00:00.750Z');

function allowed(Condition: PolicyStatement['Condition'], now: number | Date = at): boolean {
  const policy = compilePolicy(
    { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:getUser', Resource: '*', Condition }] },
    { id: 'p', kind: 'identity', account: A },
  );
  return evaluate({ principal: user, action: 'iam:getUser', resources: ['*'], now }, { identity: [policy] }).allowed;
}

describe('scp:CurrentTime', () => {
  it('is ISO 8601 to the second, milliseconds dropped (not rounded), before 1970 too', () => {
    expect(currentTime(at)).toBe('2026-11-23T10:00:00Z');
    expect(currentTime(new Date(at))).toBe('2026-11-23T10:00:00Z');
    expect(currentTime(Date.parse('2026-11-23T10:00:59.999Z'))).toBe('2026-11-23T10:00:59Z');
    expect(currentTime(-1)).toBe('1969-12-31T23:59:59Z');
  });

  it('string operators match the form policy authors write', () => {
    expect(allowed({ StringEquals: { 'scp:CurrentTime': '2026-11-23T10:00:00Z' } })).toBe(true);
    expect(allowed({ StringLike: { 'scp:CurrentTime': '2026-11-23T10:*Z' } })).toBe(true);
    expect(allowed({ StringLike: { 'scp:CurrentTime': '2026-11-23T10:00:00Z' } })).toBe(true);
    expect(allowed({ StringLike: { 'scp:CurrentTime': '2026-11-23T11:*' } })).toBe(false);
    expect(allowed({ StringLike: { 'scp:CurrentTime': '*.*' } })).toBe(false); // no fraction left
  });

  it('date operators compare the same instant', () => {
    expect(allowed({ DateGreaterThanEquals: { 'scp:CurrentTime': '2026-11-23T10:00:00Z' } })).toBe(true);
    expect(allowed({ DateLessThan: { 'scp:CurrentTime': '2026-11-23T10:00:01Z' } })).toBe(true);
    expect(allowed({ DateLessThan: { 'scp:CurrentTime': '2026-11-23T10:00:00Z' } })).toBe(false);
  });
});
