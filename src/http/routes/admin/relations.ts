import type Router from '@koa/router';
import type { Context } from 'koa';
import { IAM_ACTIONS } from '../../../policy/index.js';
import { iamSrn, type IamServices } from '../../../iam/index.js';
import type { IamResourceType } from '../../../authz/srn.js';
import { ACCOUNT_BASE, adminAction, srnOf, type AdminContext } from './crud.js';
import { actor, body, param } from './http-helpers.js';

/** SRNs of the ids a body lists under `field` (attach/add calls authorise every target). */
function bodySrns(admin: AdminContext, type: IamResourceType, field: string) {
  return (ctx: Context): string[] => {
    const ids = (ctx.request.body as Record<string, unknown> | undefined)?.[field];
    return Array.isArray(ids)
      ? ids
          .filter((i): i is string => typeof i === 'string')
          .map((id) => iamSrn(param(ctx, 'accountId'), type, id, admin.offering))
      : [];
  };
}

/** Memberships, attachments, role bindings, effective permissions and connected targets (ENT-3..6). */
export function registerRelationRoutes(router: Router, admin: AdminContext, iam: IamServices): void {
  const a = (ctx: Context) => param(ctx, 'accountId');
  const user = srnOf(admin, 'user');
  const group = srnOf(admin, 'group');
  const role = srnOf(admin, 'role');
  const policyParam = srnOf(admin, 'policy', 'policyId');
  const policies = bodySrns(admin, 'policy', 'policyIds');
  const with_ =
    (...fns: Array<(ctx: Context) => string | string[]>) =>
    (ctx: Context) =>
      fns.flatMap((f) => f(ctx));

  const users = `${ACCOUNT_BASE}/users/:id`;
  router.get(
    `${users}/effective-policies`,
    adminAction(admin, IAM_ACTIONS.getUser, user),
    async function effectivePolicies(ctx) {
      ctx.body = { items: await iam.policies.effectiveFor(a(ctx), param(ctx, 'id')) };
    },
  );
  router.post(
    `${users}/policies`,
    adminAction(admin, IAM_ACTIONS.attachUserPolicy, with_(user, policies)),
    async function attachUserPolicies(ctx) {
      ctx.body = admin.views.user(await iam.users.attachPolicies(a(ctx), param(ctx, 'id'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${users}/policies/:policyId`,
    adminAction(admin, IAM_ACTIONS.detachUserPolicy, with_(user, policyParam)),
    async function detachUserPolicy(ctx) {
      ctx.body = admin.views.user(
        await iam.users.detachPolicy(a(ctx), param(ctx, 'id'), param(ctx, 'policyId'), actor(ctx)),
      );
    },
  );

  const groups = `${ACCOUNT_BASE}/groups/:id`;
  router.get(`${groups}/members`, adminAction(admin, IAM_ACTIONS.getGroup, group), async function listMembers(ctx) {
    ctx.body = { items: await iam.groups.members(a(ctx), param(ctx, 'id')) };
  });
  router.post(
    `${groups}/members`,
    adminAction(admin, IAM_ACTIONS.addUserToGroup, with_(group, bodySrns(admin, 'user', 'userIds'))),
    async function addMembers(ctx) {
      ctx.body = admin.views.group(await iam.groups.addMembers(a(ctx), param(ctx, 'id'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${groups}/members/:userId`,
    adminAction(admin, IAM_ACTIONS.removeUserFromGroup, with_(group, srnOf(admin, 'user', 'userId'))),
    async function removeMember(ctx) {
      ctx.body = admin.views.group(
        await iam.groups.removeMember(a(ctx), param(ctx, 'id'), param(ctx, 'userId'), actor(ctx)),
      );
    },
  );
  router.post(
    `${groups}/policies`,
    adminAction(admin, IAM_ACTIONS.attachGroupPolicy, with_(group, policies)),
    async function attachGroupPolicies(ctx) {
      ctx.body = admin.views.group(await iam.groups.attachPolicies(a(ctx), param(ctx, 'id'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${groups}/policies/:policyId`,
    adminAction(admin, IAM_ACTIONS.detachGroupPolicy, with_(group, policyParam)),
    async function detachGroupPolicy(ctx) {
      ctx.body = admin.views.group(
        await iam.groups.detachPolicy(a(ctx), param(ctx, 'id'), param(ctx, 'policyId'), actor(ctx)),
      );
    },
  );
  router.put(
    `${groups}/role-bindings`,
    adminAction(admin, IAM_ACTIONS.attachGroupPolicy, with_(group, policies)),
    async function setRoleBindings(ctx) {
      ctx.body = admin.views.group(await iam.groups.setBindings(a(ctx), param(ctx, 'id'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${groups}/role-bindings`,
    adminAction(admin, IAM_ACTIONS.detachGroupPolicy, group),
    async function removeRoleBindings(ctx) {
      const projectId = typeof ctx.query.projectId === 'string' ? ctx.query.projectId : undefined;
      ctx.body = admin.views.group(
        await iam.groups.removeBindings(a(ctx), param(ctx, 'id'), { projectId }, actor(ctx)),
      );
    },
  );

  router.get(
    `${ACCOUNT_BASE}/policies/:id/targets`,
    adminAction(admin, IAM_ACTIONS.getPolicy, srnOf(admin, 'policy')),
    async function policyTargets(ctx) {
      ctx.body = await iam.policies.targets(a(ctx), param(ctx, 'id'));
    },
  );

  const roles = `${ACCOUNT_BASE}/roles/:id`;
  router.post(
    `${roles}/policies`,
    adminAction(admin, IAM_ACTIONS.attachRolePolicy, with_(role, policies)),
    async function attachRolePolicies(ctx) {
      ctx.body = admin.views.role(await iam.roles.attachPolicies(a(ctx), param(ctx, 'id'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${roles}/policies/:policyId`,
    adminAction(admin, IAM_ACTIONS.detachRolePolicy, with_(role, policyParam)),
    async function detachRolePolicy(ctx) {
      ctx.body = admin.views.role(
        await iam.roles.detachPolicy(a(ctx), param(ctx, 'id'), param(ctx, 'policyId'), actor(ctx)),
      );
    },
  );
}
