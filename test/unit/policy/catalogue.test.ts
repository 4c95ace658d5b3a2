import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REGISTRY, IAM_ACTIONS, IAM_CRUD_ACTIONS, validatePolicy } from '../../../src/policy/index.js';

describe('scp-iam action catalogue', () => {
  it('spells list actions in English plurals', () => {
    expect(IAM_ACTIONS.listPolicies).toBe('iam:listPolicies');
    expect(IAM_ACTIONS.listUsers).toBe('iam:listUsers');
    expect(Object.values(IAM_ACTIONS)).not.toContain('iam:listPolicys');
  });

  it('names the CRUD actions of each kind, every one of them in the catalogue', () => {
    expect(IAM_CRUD_ACTIONS.Policy).toEqual({
      create: 'iam:createPolicy',
      get: 'iam:getPolicy',
      list: 'iam:listPolicies',
      update: 'iam:updatePolicy',
      delete: 'iam:deletePolicy',
    });
    const all = new Set<string>(Object.values(IAM_ACTIONS));
    for (const verbs of Object.values(IAM_CRUD_ACTIONS))
      for (const a of Object.values(verbs)) expect(all.has(a)).toBe(true);
  });

  it('a policy naming iam:listPolicies validates against the registry', () => {
    const v = validatePolicy(
      { Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:listPolicies', Resource: '*' }] },
      { registry: DEFAULT_REGISTRY },
    );
    expect(v.ok).toBe(true);
  });
});
