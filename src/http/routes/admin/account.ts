import type Router from '@koa/router';
import { IAM_ACTIONS } from '../../../policy/index.js';
import { iamSrn, type IamServices } from '../../../iam/index.js';
import { ACCOUNT_BASE, type AdminContext } from './crud.js';
import { actor, body, param } from './http-helpers.js';
import { requireAction } from './require-action.js';

/** The account itself (TEN-1, TEN-3 alias) and the service home counts (ENT-9). */
export function registerAccountRoutes(router: Router, admin: AdminContext, iam: IamServices): void {
  const { authorizer } = admin;
  const account = (ctx: Parameters<typeof param>[0]) => iamSrn(param(ctx, 'accountId'), 'account', param(ctx, 'accountId'), admin.offering);
  router.get(ACCOUNT_BASE, requireAction(authorizer, IAM_ACTIONS.getAccount, account), async function getAccount(ctx) {
    ctx.body = await iam.accounts.get(param(ctx, 'accountId'));
  });
  router.put(`${ACCOUNT_BASE}/alias`, requireAction(authorizer, IAM_ACTIONS.updateAccount, account), async function setAlias(ctx) {
    ctx.body = await iam.accounts.setAlias(param(ctx, 'accountId'), body(ctx), actor(ctx));
  });
  router.delete(`${ACCOUNT_BASE}/alias`, requireAction(authorizer, IAM_ACTIONS.updateAccount, account), async function removeAlias(ctx) {
    ctx.body = await iam.accounts.removeAlias(param(ctx, 'accountId'), actor(ctx));
  });
  router.get(`${ACCOUNT_BASE}/summary`, requireAction(authorizer, IAM_ACTIONS.getAccountSummary, () => '*'), async function summary(ctx) {
    ctx.body = await iam.accounts.summary(param(ctx, 'accountId'));
  });
}
