import { describe, expect, it, jest } from '@jest/globals';
import { decodeJwt } from 'jose';
import { seededGateway } from '../../integration/tokens/fixtures.js';

/**
 * Refresh takes the subject's store-derived facts (active, groups, `pver`) from a cache under the
 * account's IAM epoch (DESIGN §5): a repeated refresh reads nothing from the entity store, and any write
 * that changes those facts — through the real, epoch-bumping store — is in the very next token.
 */
describe('token issue reuses the subject under the IAM epoch', () => {
  it('a second refresh reads no user, groups or policies; a membership or policy change shows in the next token', async () => {
    const s = await seededGateway();
    try {
      const first = await s.gw.tokens.service.issueForSession(s.session.id, { withRefresh: true });
      const firstClaims = decodeJwt(first.access_token);
      const reads = [
        jest.spyOn(s.gw.store.users, 'get'),
        jest.spyOn(s.gw.store.groups, 'list'),
        jest.spyOn(s.gw.store.policies, 'get'),
      ];
      const second = await s.gw.tokens.service.refresh(first.refresh_token ?? '');
      for (const read of reads) expect(read).not.toHaveBeenCalled();
      expect(decodeJwt(second.access_token)).toMatchObject({ groups: [s.group.id], pver: firstClaims.pver });

      const policy = await s.gw.store.policies.update(
        s.account.id,
        s.policy.id,
        s.policy.version,
        { policyVersion: 2 },
        'test',
      );
      const third = await s.gw.tokens.service.refresh(second.refresh_token ?? '');
      expect(decodeJwt(third.access_token).pver).not.toBe(firstClaims.pver);
      expect(policy.policyVersion).toBe(2);

      await s.gw.store.groups.update(s.account.id, s.group.id, s.group.version, { memberIds: [] }, 'test');
      const fourth = await s.gw.tokens.service.refresh(third.refresh_token ?? '');
      expect(decodeJwt(fourth.access_token)).toMatchObject({ groups: [] });
      expect(reads[0]).toHaveBeenCalled();
    } finally {
      await s.gw.close();
    }
  });

  it('a user disabled through the store gets no further token, cache or not; re-enabled, it gets one again', async () => {
    const s = await seededGateway();
    try {
      const first = await s.gw.tokens.service.issueForSession(s.session.id, { withRefresh: true });
      await s.gw.tokens.service.issueForSession(s.session.id); // warm the cache under the current epoch
      const disabled = await s.gw.store.users.update(
        s.account.id,
        s.user.id,
        s.user.version,
        { state: 'disabled' },
        'test',
      );
      await expect(s.gw.tokens.service.refresh(first.refresh_token ?? '')).rejects.toMatchObject({
        code: 'TOKEN_PRINCIPAL_INACTIVE',
      });
      await expect(s.gw.tokens.service.issueForSession(s.session.id)).rejects.toMatchObject({
        code: 'TOKEN_PRINCIPAL_INACTIVE',
      });
      await s.gw.store.users.update(s.account.id, s.user.id, disabled.version, { state: 'active' }, 'test');
      await expect(s.gw.tokens.service.issueForSession(s.session.id)).resolves.toMatchObject({ token_type: 'Bearer' });
    } finally {
      await s.gw.close();
    }
  });
});
