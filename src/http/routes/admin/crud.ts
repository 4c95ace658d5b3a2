import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { IAM_CRUD_ACTIONS, type IamCrudKind } from '../../../policy/index.js';
import {
  bulkAuditDetails,
  iamSrn,
  type AdminAudit,
  type Authorizer,
  type BulkResult,
  type CreateGrant,
  type ResourceTags,
} from '../../../iam/index.js';
import type { IamResourceType } from '../../../authz/srn.js';
import { idList, parseInput } from '../../../iam/validation.js';
import { defined } from '../../../iam/common.js';
import { z } from 'zod';
import { actor, body, changedFields, param, respond } from './http-helpers.js';
import { noteAudit, requireAction, type ResourceFn } from './require-action.js';
import type { Serializers } from '../../serializers.js';

/** The five operations every IAM entity service offers, plus TEN-7 bulk delete; `C` is what a create answers. */
export interface CrudService<T, C = T> {
  list(accountId: string, query: unknown): Promise<{ items: T[]; nextCursor: string | null }>;
  create(accountId: string, input: unknown, by: string): Promise<C>;
  get(accountId: string, id: string): Promise<T>;
  update(accountId: string, id: string, input: unknown, by: string): Promise<T>;
  delete(accountId: string, id: string, by: string): Promise<void>;
  bulkDelete(accountId: string, ids: readonly string[], by: string): Promise<BulkResult>;
  /** ENT-7: the attach/add permissions a create body's relation fields need (users, groups, roles). */
  createGrants?(accountId: string, input: unknown): Promise<CreateGrant[]>;
}

export interface AdminContext {
  authorizer: Authorizer;
  /** SRN offering of IAM resources. */
  offering: string;
  resourceTags: Pick<ResourceTags, 'resolve'>;
  audit: Pick<AdminAudit, 'record'>;
  /** Response serializers (http/serializers.ts): no stored record is answered as it is. */
  views: Serializers;
}

/** How one kind's entities are answered: one entity, and what a create returns. */
export interface CrudViews<T, C> {
  one: (entity: T) => unknown;
  created: (result: C) => unknown;
}

/** `requireAction` as every admin route uses it: entity tags sent to the evaluator (POL-6), calls audited (ENT-7). */
export function adminAction(admin: AdminContext, action: string, resources: ResourceFn, many = false): Middleware {
  return requireAction(admin.authorizer, action, resources, {
    resourceTags: admin.resourceTags,
    audit: admin.audit,
    ...(many ? { many } : {}),
  });
}

/**
 * ENT-7: after `iam:create<Kind>`, every relation the body grants is authorised like its own route
 * (attachGroupPolicy on each policy, addUserToGroup on each user …), before the handler writes anything.
 * A refusal throws ACCESS_DENIED inside the create's `requireAction`, which audits it as the create's failure.
 */
function requireCreateGrants(admin: AdminContext, service: Pick<CrudService<unknown>, 'createGrants'>): Middleware {
  return async function authorizeCreateGrants(ctx, next) {
    const accountId = param(ctx, 'accountId');
    const grants = service.createGrants === undefined ? [] : await service.createGrants(accountId, body(ctx));
    for (const g of grants.filter((x) => x.ids.length > 0)) {
      const srns = g.ids.map((id) => iamSrn(accountId, g.type, id, admin.offering));
      await requireAction(admin.authorizer, g.action, () => srns, { resourceTags: admin.resourceTags })(
        ctx,
        async () => {},
      );
    }
    await next();
  };
}

/** The id of what a create answered (`{ user, login }` for users, the entity for the others). */
function createdId(value: unknown): string | undefined {
  const v = value as { id?: unknown; user?: { id?: unknown } } | null;
  const id = v?.user?.id ?? v?.id;
  return typeof id === 'string' ? id : undefined;
}

type Kind = Extract<IamCrudKind, 'User' | 'Group' | 'Policy' | 'Role' | 'CredentialProvider' | 'Project'>;

export const ACCOUNT_BASE = '/v1/accounts/:accountId';

/** `srn:…:scp-iam:<type>/<path param>` of the request's account. */
export function srnOf(admin: AdminContext, type: IamResourceType, name = 'id') {
  return (ctx: Context): string => iamSrn(param(ctx, 'accountId'), type, param(ctx, name), admin.offering);
}

const bulkSchema = z.strictObject({ ids: idList.min(1, { error: 'REQUIRED' }) });

/**
 * Registers list/create/get/update/delete and `POST …/bulk-delete` for one entity kind, each behind
 * `requireAction` with the action of the catalogue (`iam:listUsers`, `iam:createUser` …). Account-level
 * actions (list, create) act on `"*"`; the others on the entity's SRN; bulk delete on every id's SRN, so
 * one denied id refuses the whole call before anything is deleted.
 */
export function registerCrud<T, C>(
  router: Router,
  admin: AdminContext,
  kind: Kind,
  path: string,
  type: IamResourceType,
  service: CrudService<T, C>,
  views: CrudViews<T, C>,
): void {
  const base = `${ACCOUNT_BASE}/${path}`;
  const one = srnOf(admin, type);
  const all = () => '*';
  const verbs = IAM_CRUD_ACTIONS[kind];
  router.get(base, adminAction(admin, verbs.list, all), async function list(ctx) {
    ctx.body = admin.views.page(await service.list(param(ctx, 'accountId'), ctx.query), views.one);
  });
  router.post(
    base,
    adminAction(admin, verbs.create, all),
    requireCreateGrants(admin, service),
    async function create(ctx) {
      const created = await service.create(param(ctx, 'accountId'), body(ctx), actor(ctx));
      noteAudit(ctx, defined({ created: createdId(created) }));
      respond(ctx, 201, views.created(created));
    },
  );
  router.post(
    `${base}/bulk-delete`,
    async function parseBulk(ctx, next) {
      ctx.state.bulkIds = parseInput(bulkSchema, ctx.request.body).ids;
      await next();
    },
    adminAction(
      admin,
      verbs.delete,
      (ctx) => (ctx.state.bulkIds as string[]).map((id) => iamSrn(param(ctx, 'accountId'), type, id, admin.offering)),
      true,
    ),
    async function bulkDelete(ctx) {
      const result = await service.bulkDelete(param(ctx, 'accountId'), ctx.state.bulkIds as string[], actor(ctx));
      noteAudit(ctx, { details: bulkAuditDetails(result) });
      ctx.body = result;
    },
  );
  router.get(`${base}/:id`, adminAction(admin, verbs.get, one), async function get(ctx) {
    ctx.body = views.one(await service.get(param(ctx, 'accountId'), param(ctx, 'id')));
  });
  router.patch(`${base}/:id`, adminAction(admin, verbs.update, one), async function update(ctx) {
    const input = body(ctx);
    ctx.body = views.one(await service.update(param(ctx, 'accountId'), param(ctx, 'id'), input, actor(ctx)));
    noteAudit(ctx, { details: { fields: changedFields(input) } });
  });
  router.delete(`${base}/:id`, adminAction(admin, verbs.delete, one), async function remove(ctx) {
    await service.delete(param(ctx, 'accountId'), param(ctx, 'id'), actor(ctx));
    respond(ctx, 204);
  });
}
