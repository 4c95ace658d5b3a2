import type Router from '@koa/router';
import { IAM_ACTIONS } from '../../../policy/index.js';
import { iamSrn, type IamServices } from '../../../iam/index.js';
import { ACCOUNT_BASE, adminAction, type AdminContext } from './crud.js';
import { actor, body, param } from './http-helpers.js';

/** The account itself (TEN-1, TEN-3 alias), the service home counts (ENT-9) and its audit log (ENT-7, LOGIN-7). */
export function registerAccountRoutes(router: Router, admin: AdminContext, iam: IamServices): void {
  const account = (ctx: Parameters<typeof param>[0]) =>
    iamSrn(param(ctx, 'accountId'), 'account', param(ctx, 'accountId'), admin.offering);
  router.get(ACCOUNT_BASE, adminAction(admin, IAM_ACTIONS.getAccount, account), async function getAccount(ctx) {
    ctx.body = admin.views.account(await iam.accounts.get(param(ctx, 'accountId')));
  });
  router.put(
    `${ACCOUNT_BASE}/alias`,
    adminAction(admin, IAM_ACTIONS.updateAccount, account),
    async function setAlias(ctx) {
      ctx.body = admin.views.account(await iam.accounts.setAlias(param(ctx, 'accountId'), body(ctx), actor(ctx)));
    },
  );
  router.delete(
    `${ACCOUNT_BASE}/alias`,
    adminAction(admin, IAM_ACTIONS.updateAccount, account),
    async function removeAlias(ctx) {
      ctx.body = admin.views.account(await iam.accounts.removeAlias(param(ctx, 'accountId'), actor(ctx)));
    },
  );
  router.get(
    `${ACCOUNT_BASE}/summary`,
    adminAction(admin, IAM_ACTIONS.getAccountSummary, () => '*'),
    async function summary(ctx) {
      ctx.body = await iam.accounts.summary(param(ctx, 'accountId'));
    },
  );
  router.get(
    `${ACCOUNT_BASE}/audit-events`,
    adminAction(admin, IAM_ACTIONS.listAuditEvents, () => '*'),
    async function listAuditEvents(ctx) {
      ctx.body = admin.views.page(
        await iam.auditEvents.list(param(ctx, 'accountId'), ctx.query),
        admin.views.auditEvent,
      );
    },
  );
}
