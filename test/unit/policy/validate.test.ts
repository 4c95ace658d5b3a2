import { describe, expect, it } from '@jest/globals';
import { validatePolicy, type PolicyIssue, type ValidationResult } from '../../../src/policy/index.js';

const A = '9b7653f6f47a42e38055934a0575a813';
const stmt = (extra: Record<string, unknown> = {}) => ({
  Sid: 's',
  Effect: 'Allow',
  Action: 'iam:getUser',
  Resource: '*',
  ...extra,
});
const docOf = (...s: unknown[]) => ({ Version: '2024-07-01', Statement: s });
const codes = (r: ValidationResult, kind: 'errors' | 'warnings' = 'errors'): [string, string][] =>
  (kind === 'errors' ? (r.ok ? [] : r.errors) : r.warnings).map((i: PolicyIssue) => [i.code, i.path]);

describe('validatePolicy', () => {
  it('accepts a minimal identity policy with no warnings', () => {
    const r = validatePolicy(JSON.stringify(docOf(stmt())));
    expect(r).toMatchObject({ ok: true, warnings: [] });
  });

  it('reports every error at once, each with its path', () => {
    const r = validatePolicy({
      Version: '2012-10-17',
      Id: 'x',
      Statement: [
        { Sid: 's', Effect: 'allow', Action: 'iam:getUser', NotAction: 'iam:x', NotResource: '*' },
        { Sid: 's', Effect: 'Deny', Resource: '*' },
      ],
    });
    expect(codes(r)).toEqual([
      ['UNKNOWN_KEY', '$.Id'],
      ['VERSION_INVALID', '$.Version'],
      ['UNKNOWN_KEY', '$.Statement[0].NotResource'],
      ['EFFECT_INVALID', '$.Statement[0].Effect'],
      ['ACTION_AND_NOT_ACTION', '$.Statement[0]'],
      ['MISSING_KEY', '$.Statement[0].Resource'],
      ['SID_DUPLICATE', '$.Statement[1].Sid'],
      ['ACTION_MISSING', '$.Statement[1]'],
    ]);
  });

  it('refuses repeated keys that JSON.parse would silently merge', () => {
    const text = `{"Version":"2024-07-01","Statement":[{"Effect":"Deny","Effect":"Allow","Action":"iam:getUser","Resource":"*","Condition":{"StringEquals":{"scp:UserName":"a"},"StringEquals":{"scp:UserName":"b"}}}]}`;
    expect(codes(validatePolicy(text))).toEqual([
      ['JSON_DUPLICATE_KEY', '$.Statement[0].Effect'],
      ['JSON_DUPLICATE_KEY', '$.Statement[0].Condition.StringEquals'],
    ]);
  });

  it('refuses malformed JSON such as the seed samples without commas', () => {
    expect(codes(validatePolicy('{ "Version": "2024-07-01" "Statement": [] }'))).toEqual([['JSON_INVALID', '$']]);
  });

  it('applies the 10 KiB limit by default and takes another limit as an option', () => {
    const big = JSON.stringify(
      docOf(stmt({ Resource: Array.from({ length: 200 }, (_, i) => `srn:e::${A}:::scp-iam:user/user-${i}`) })),
    );
    expect(big.length).toBeGreaterThan(10240);
    expect(codes(validatePolicy(big))).toEqual([['POLICY_TOO_LARGE', '$']]);
    expect(validatePolicy(big, { maxBytes: 20000 }).ok).toBe(true);
    expect(codes(validatePolicy(JSON.stringify(docOf(stmt())), { maxBytes: 50 }))).toEqual([['POLICY_TOO_LARGE', '$']]);
  });

  it('measures the limit in UTF-8 bytes', () => {
    const text = JSON.stringify(
      docOf(stmt({ Sid: undefined, Condition: { StringEquals: { 'scp:RequestTag/team': '팀'.repeat(40) } } })),
    );
    const bytes = new TextEncoder().encode(text).length;
    expect(validatePolicy(text, { maxBytes: bytes }).ok).toBe(true);
    expect(validatePolicy(text, { maxBytes: bytes - 1 }).ok).toBe(false);
  });

  it('forbids Principal in identity policies and requires it in resource policies', () => {
    expect(codes(validatePolicy(docOf(stmt({ Principal: { scp: `srn:e::${A}:::scp-iam:user/a` } }))))).toEqual([
      ['PRINCIPAL_FORBIDDEN', '$.Statement[0].Principal'],
    ]);
    expect(codes(validatePolicy(docOf(stmt()), { kind: 'resource' }))).toEqual([
      ['PRINCIPAL_REQUIRED', '$.Statement[0].Principal'],
    ]);
    const bad = docOf(
      stmt({ Principal: { scp: ['*', 'srn:e::1234:::iam:user/ROOT'], Service: ['Bad Name'], AWS: 'x' } }),
    );
    expect(codes(validatePolicy(bad, { kind: 'resource' }))).toEqual([
      ['UNKNOWN_KEY', '$.Statement[0].Principal.AWS'],
      ['PRINCIPAL_WILDCARD', '$.Statement[0].Principal.scp[0]'],
      ['PRINCIPAL_INVALID', '$.Statement[0].Principal.scp[1]'],
      ['PRINCIPAL_INVALID', '$.Statement[0].Principal.Service[0]'],
    ]);
    expect(codes(validatePolicy(docOf(stmt({ Principal: '*' })), { kind: 'resource' }))).toEqual([
      ['PRINCIPAL_WILDCARD', '$.Statement[0].Principal'],
    ]);
  });

  it('checks operators, qualifiers, keys and values', () => {
    const r = validatePolicy(
      docOf(
        stmt({
          Condition: {
            StringEqualsIsIgnoreCase: { 'scp:UserName': 'Alice' },
            stringEquals: { 'scp:UserName': 'a' },
            StringEqualsIfExists: { 'scp:UserName': 'a' },
            'forAllValues:StringEquals': { 'scp:TagKeys': 'a' },
            NumericLessThan: { "scp:RequestAttribute/body['n']": ['1', 'ten'] },
            IpAddress: { 'scp:SourceIp': '10.0.0.0/33' },
            DateEquals: { 'scp:CurrentTime': '2025-01-01T00:00:00' },
            Bool: { 'scp:MultiFactorAuthPresent': 'yes' },
            StringLike: {
              'scp:Nope': 'a',
              'iam:userEmail': 'a',
              'iam:state': 'a',
              'iam:userLast_name': 'a',
              'nosuch:thing': 'a',
              'scp:RequestTag/x': [],
            },
          },
        }),
      ),
    );
    const c = '$.Statement[0].Condition';
    expect(codes(r)).toEqual([
      ['OPERATOR_UNKNOWN', `${c}.stringEquals`],
      ['OPERATOR_IF_EXISTS', `${c}.StringEqualsIfExists`],
      ['QUALIFIER_UNKNOWN', `${c}['forAllValues:StringEquals']`],
      ['CONDITION_VALUE_INVALID', `${c}.NumericLessThan['scp:RequestAttribute/body[\\'n\\']'][1]`],
      ['CONDITION_VALUE_INVALID', `${c}.IpAddress['scp:SourceIp']`],
      ['CONDITION_VALUE_INVALID', `${c}.DateEquals['scp:CurrentTime']`],
      ['CONDITION_VALUE_INVALID', `${c}.Bool['scp:MultiFactorAuthPresent']`],
      ['KEY_UNKNOWN', `${c}.StringLike['scp:Nope']`],
      ['KEY_NOT_ABAC', `${c}.StringLike['iam:userEmail']`],
      ['KEY_UNKNOWN', `${c}.StringLike['iam:state']`],
      ['KEY_UNKNOWN', `${c}.StringLike['iam:userLast_name']`],
      ['KEY_UNKNOWN', `${c}.StringLike['nosuch:thing']`],
      ['CONDITION_VALUE_INVALID', `${c}.StringLike['scp:RequestTag/x']`],
    ]);
  });

  it('refuses SRN patterns that POL-4 forbids, with the element path', () => {
    const r = validatePolicy(
      docOf(stmt({ Resource: ['*', `srn:e::*:kr-west1::scp-iam:user/x`, 'srn:e::kr-west1:::scp-iam:group/foo'] })),
    );
    expect(codes(r)).toEqual([
      ['SRN_WILDCARD_NOT_ALLOWED', '$.Statement[0].Resource[1]'],
      ['SRN_INVALID', '$.Statement[0].Resource[2]'],
    ]);
  });

  it('refuses an upper-case offering, region or service at write time (stricter than AWS; docs/policy.md)', () => {
    const r = validatePolicy(
      docOf(
        stmt({
          Resource: [
            'srn:E:::kr-west1::scp-iam:user/x',
            'srn:e:::KR-WEST1::scp-iam:user/x',
            'srn:e:::kr-west1::SCP-IAM:user/x',
            'srn:e:::kr-west1::scp-iam:User/X', // type and id are case-sensitive names: allowed
          ],
        }),
      ),
    );
    expect(codes(r)).toEqual([
      ['SRN_INVALID', '$.Statement[0].Resource[0]'],
      ['SRN_INVALID', '$.Statement[0].Resource[1]'],
      ['SRN_INVALID', '$.Statement[0].Resource[2]'],
    ]);
  });

  it('returns warnings separately from errors', () => {
    const r = validatePolicy(
      docOf(
        stmt({
          Sid: 'a',
          Action: ['iam:GetUser', 'iam:showUser', 'iam:get*'],
          Condition: {
            StringEquals: { 'scp:TagKeys': 'x', 'scp:RequestTag/o': '${scp:UserName}' },
            'ForAllValues:StringLike': { 'scp:TagKeys': 'x*' },
          },
        }),
        { Sid: 'b', Effect: 'Allow', NotAction: 'iam:deleteUser', Resource: '*' },
      ),
    );
    expect(r.ok).toBe(true);
    const p = '$.Statement[0]';
    expect(codes(r, 'warnings')).toEqual([
      ['WARN_ACTION_CASE', `${p}.Action[0]`],
      ['WARN_ACTION_UNKNOWN', `${p}.Action[1]`],
      ['WARN_MULTIVALUED_KEY_UNQUALIFIED', `${p}.Condition.StringEquals['scp:TagKeys']`],
      ['WARN_FOR_ALL_VALUES_ALLOW', `${p}.Condition['ForAllValues:StringLike']`],
      ['WARN_POLICY_VARIABLE', `${p}.Condition.StringEquals['scp:RequestTag/o']`],
      ['WARN_NOT_ACTION_ALLOW', '$.Statement[1].NotAction'],
    ]);
  });

  it('refuses shapes that are not documents', () => {
    expect(codes(validatePolicy([]))).toEqual([['NOT_AN_OBJECT', '$']]);
    expect(codes(validatePolicy({ Version: '2024-07-01', Statement: [] }))).toEqual([
      ['STATEMENT_EMPTY', '$.Statement'],
    ]);
    expect(codes(validatePolicy({ Version: '2024-07-01', Statement: [stmt({ Action: [] })] }))).toEqual([
      ['LIST_EMPTY', '$.Statement[0].Action'],
    ]);
    expect(codes(validatePolicy({ Version: '2024-07-01', Statement: [stmt({ Action: 'getUser' })] }))).toEqual([
      ['ACTION_INVALID', '$.Statement[0].Action'],
    ]);
  });
});
