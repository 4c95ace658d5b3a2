/**
 * The built-in resource definitions: `scp-iam` (the actions the admin API authorises) and two sample
 * services from the seed (`virtual-servers`, whose actions use the `server:` prefix, and `object-store`).
 */
import type { ActionDefinition, ResourceRegistry, ServiceDefinition } from './registry.js';

/** [kind, resource type, plural] — plurals spelled out so `listPolicies` is English, not `listPolicys`. */
const CRUD_KINDS = [
  ['User', 'user', 'Users'],
  ['Group', 'group', 'Groups'],
  ['Policy', 'policy', 'Policies'],
  ['Role', 'role', 'Roles'],
  ['CredentialProvider', 'credential-provider', 'CredentialProviders'],
  ['AuthKey', 'auth-key', 'AuthKeys'],
  ['Project', 'project', 'Projects'],
  ['Account', 'account', 'Accounts'],
] as const;

const crud = CRUD_KINDS.flatMap(([kind, type, plural]): ActionDefinition[] => [
  { name: `create${kind}`, resources: [] },
  { name: `get${kind}`, resources: [type] },
  { name: `list${plural}`, resources: [] },
  { name: `update${kind}`, resources: [type] },
  { name: `delete${kind}`, resources: [type] },
]);

const RELATION_ACTIONS = [
  ['addUserToGroup', ['group', 'user']],
  ['removeUserFromGroup', ['group', 'user']],
  ['attachUserPolicy', ['user', 'policy']],
  ['detachUserPolicy', ['user', 'policy']],
  ['attachGroupPolicy', ['group', 'policy']],
  ['detachGroupPolicy', ['group', 'policy']],
  ['attachRolePolicy', ['role', 'policy']],
  ['detachRolePolicy', ['role', 'policy']],
  ['assumeRole', ['role']],
  ['revokeRoleSessions', ['role']],
  ['simulatePolicy', []],
  ['unlockUser', ['user']],
  ['getAccountSummary', []],
  ['listAuditEvents', []],
] as const;

export type IamCrudKind = (typeof CRUD_KINDS)[number][0];
type CrudKind = IamCrudKind;
type CrudPlural = (typeof CRUD_KINDS)[number][2];
export type IamActionName =
  | `create${CrudKind}`
  | `get${CrudKind}`
  | `list${CrudPlural}`
  | `update${CrudKind}`
  | `delete${CrudKind}`
  | (typeof RELATION_ACTIONS)[number][0];

const IAM_ACTION_DEFINITIONS: readonly ActionDefinition[] = [
  ...crud,
  ...RELATION_ACTIONS.map(([name, resources]) => ({ name, resources })),
];

/** Every `iam:` action the admin API authorises, e.g. `IAM_ACTIONS.getUser === 'iam:getUser'`. */
export const IAM_ACTIONS = Object.freeze(
  Object.fromEntries(IAM_ACTION_DEFINITIONS.map((a) => [a.name, `iam:${a.name}`])),
) as { readonly [K in IamActionName]: `iam:${K}` };

/**
 * ROLE-2's named services (the seed's list): a role may trust one of these as a `service` principal, and
 * only these may be given a credential (config `services.credentials`, src/roles/services.ts).
 */
export const SERVICE_PRINCIPALS = ['api-gateway', 'config-inspection', 'virtual-server', 'cloud-function'] as const;
export type ServicePrincipal = (typeof SERVICE_PRINCIPALS)[number];

/** The `scp-iam` service: user attributes follow the seed's resource-definition example. */
export const SCP_IAM_SERVICE: ServiceDefinition = {
  serviceType: 'scp-iam',
  actionPrefix: 'iam',
  keyPrefixes: ['iam'],
  resourceTypes: [
    {
      name: 'user',
      attributes: {
        state: { type: 'string' },
        firstname: { type: 'string', abac: true },
        lastname: { type: 'string', abac: true },
        email: { type: 'string', abac: false },
        company: { type: 'string', abac: true },
        name: { type: 'string', abac: true },
      },
    },
    { name: 'group', attributes: { name: { type: 'string', abac: true } } },
    { name: 'policy', attributes: { type: { type: 'string', abac: true } } },
    { name: 'role' },
    { name: 'credential-provider' },
    { name: 'auth-key' },
    { name: 'project', attributes: { name: { type: 'string', abac: true } } },
    { name: 'account' },
  ],
  actions: IAM_ACTION_DEFINITIONS,
};

export const VIRTUAL_SERVERS_SERVICE: ServiceDefinition = {
  serviceType: 'virtual-servers',
  actionPrefix: 'server',
  keyPrefixes: ['virtual-servers', 'server'],
  resourceTypes: [
    {
      name: 'instance',
      attributes: {
        flavor: { type: 'string', abac: true },
        state: { type: 'string' },
        cpuCount: { type: 'number', abac: true },
      },
    },
    { name: 'volume', attributes: { size: { type: 'number', abac: true } } },
  ],
  actions: [
    { name: 'showInstance', resources: ['instance'] },
    { name: 'listInstances', resources: [] },
    { name: 'createInstance', resources: [] },
    { name: 'startInstance', resources: ['instance'] },
    { name: 'stopInstance', resources: ['instance'] },
    { name: 'deleteInstance', resources: ['instance'] },
    { name: 'attachVolume', resources: ['instance', 'volume'] },
  ],
};

export const OBJECT_STORE_SERVICE: ServiceDefinition = {
  serviceType: 'object-store',
  actionPrefix: 'object-store',
  keyPrefixes: ['object-store'],
  resourceTypes: [{ name: 'bucket', attributes: { storageClass: { type: 'string', abac: true } } }],
  actions: [
    { name: 'UploadObject', resources: ['bucket'] },
    { name: 'DownloadObject', resources: ['bucket'] },
    { name: 'DeleteObject', resources: ['bucket'] },
    { name: 'ListBuckets', resources: [] },
  ],
};

export const DEFAULT_REGISTRY: ResourceRegistry = {
  services: [SCP_IAM_SERVICE, VIRTUAL_SERVERS_SERVICE, OBJECT_STORE_SERVICE],
};

/** The five CRUD actions of each entity kind, e.g. `IAM_CRUD_ACTIONS.Policy.list === 'iam:listPolicies'`. */
export const IAM_CRUD_ACTIONS = Object.freeze(
  Object.fromEntries(
    CRUD_KINDS.map(([kind, , plural]) => [
      kind,
      {
        create: `iam:create${kind}`,
        get: `iam:get${kind}`,
        list: `iam:list${plural}`,
        update: `iam:update${kind}`,
        delete: `iam:delete${kind}`,
      },
    ]),
  ),
) as { readonly [K in IamCrudKind]: Readonly<Record<'create' | 'get' | 'list' | 'update' | 'delete', string>> };
