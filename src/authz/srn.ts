import { formatSrn } from '../srn/index.js';

/**
 * SRNs of IAM resources (TEN-2). IAM is a global service: the region is empty. The offering is `e` (the
 * seed's examples); config has no offering setting yet, so a deployment under another offering passes its
 * own to the services and the authorizer (docs/api.md).
 */
export const IAM_SERVICE = 'scp-iam';
export const DEFAULT_OFFERING = 'e';

export type IamResourceType =
  'user' | 'group' | 'policy' | 'role' | 'credential-provider' | 'project' | 'account' | 'auth-key' | 'role-session';

export function iamSrn(
  accountId: string,
  resourceType: IamResourceType,
  id: string,
  offering = DEFAULT_OFFERING,
): string {
  return formatSrn({ offering, account: accountId, region: '', service: IAM_SERVICE, resourceType, resourceId: id });
}
