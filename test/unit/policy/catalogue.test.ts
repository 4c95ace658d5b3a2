import { describe, expect, it } from '@jest/globals';
import { DEFAULT_REGISTRY, IAM_ACTIONS, validatePolicy } from '../../../src/policy/index.js';

describe('scp-iam action catalogue', () => {
  it('spells list actions in English plurals', () => {
    expect(IAM_ACTIONS.listPolicies).toBe('iam:listPolicies');
    expect(IAM_ACTIONS.listUsers).toBe('iam:listUsers');
    expect(Object.values(IAM_ACTIONS)).not.toContain('iam:listPolicys');
  });

  it('a policy naming iam:listPolicies validates against the registry', () => {
    const v = validatePolicy({ Version: '2024-07-01', Statement: [{ Effect: 'Allow', Action: 'iam:listPolicies', Resource: '*' }] }, { registry: DEFAULT_REGISTRY });
    expect(v.ok).toBe(true);
  });
});
