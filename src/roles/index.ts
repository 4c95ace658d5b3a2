/**
 * Role sessions (SPEC §5, ROLE-1..6): trust matching (trust.ts) and AssumeRole (assume-role.ts). Sessions
 * start through the session issuer (src/issuer); their permissions come from src/authz (the role's
 * policies only). HTTP: src/http/routes/sts.ts.
 */
export {
  RoleAssumption,
  assumeRoleBody,
  type AssumedRole,
  type AssumeRoleDeps,
  type AssumeRoleInput,
} from './assume-role.js';
export { ServiceCredentials, serviceSource } from './services.js';
export { matchTrust, type TrustCaller, type TrustedPrincipal } from './trust.js';
export {
  ConsoleRoleSwitch,
  consoleSessionName,
  roleBannerOf,
  switchRoleForm,
  type ConsoleCaller,
  type ConsoleRoleSwitchDeps,
  type RoleBanner,
} from './console-switch.js';
export { RecentRoles, RECENT_ROLES_MAX, ROLE_COLOURS, type RecentRole, type RoleColour } from './recent-roles.js';
