/**
 * Resource-definition registry (notes/policy.md items 15, 16, 30): which services, resource types, actions
 * and `abac: true` attributes exist. Validation warns on unknown actions and refuses undeclared attribute
 * keys; compilation resolves attribute keys against it once.
 */
export interface AttributeDefinition {
  readonly type?: 'string' | 'number' | 'bool' | 'date';
  /** Only attributes declared `abac: true` may appear in a Condition; missing or false refuses them. */
  readonly abac?: boolean;
}

export interface ResourceTypeDefinition {
  readonly name: string;
  readonly attributes?: Readonly<Record<string, AttributeDefinition>>;
}

export interface ActionDefinition {
  readonly name: string;
  /** Resource types the action touches; empty means no resource-level support (Resource must be "*"). */
  readonly resources: readonly string[];
}

export interface ServiceDefinition {
  /** The SRN service field, e.g. `scp-iam`. */
  readonly serviceType: string;
  /** The action prefix, e.g. `iam` in `iam:getUser`. */
  readonly actionPrefix: string;
  /** Attribute-key prefixes (seed: `iam:` for scp-iam, `virtual-servers:` beside `server:` actions). */
  readonly keyPrefixes: readonly string[];
  readonly resourceTypes: readonly ResourceTypeDefinition[];
  readonly actions: readonly ActionDefinition[];
}

export interface ResourceRegistry {
  readonly services: readonly ServiceDefinition[];
}

/** A resolved attribute key: which resource type of which service, and the lower-cased attribute name. */
export interface ResolvedAttributeKey {
  readonly serviceType: string;
  readonly resourceType: string;
  readonly attribute: string;
}

export type AttributeKeyResolution =
  | { readonly ok: true; readonly key: ResolvedAttributeKey }
  | { readonly ok: false; readonly code: 'KEY_UNKNOWN' | 'KEY_NOT_ABAC' | 'KEY_AMBIGUOUS'; readonly message: string };

/**
 * `{prefix}:{resourceType}{Attribute}`: every resource type that prefixes the rest (ignoring case) is a
 * candidate; the candidates whose remainder is a declared `abac: true` attribute count. One is the answer,
 * two (e.g. `user` + `groupName` and `userGroup` + `name`) are ambiguous and refused (item 30).
 */
export function resolveAttributeKey(registry: ResourceRegistry, key: string): AttributeKeyResolution {
  const colon = key.indexOf(':');
  const prefix = key.slice(0, colon).toLowerCase();
  const rest = key.slice(colon + 1).toLowerCase();
  const service = registry.services.find((s) => s.keyPrefixes.some((p) => p.toLowerCase() === prefix));
  if (colon <= 0 || service === undefined) {
    return { ok: false, code: 'KEY_UNKNOWN', message: `no service uses the condition-key prefix "${prefix}"` };
  }
  const found: ResolvedAttributeKey[] = [];
  let declared = false;
  for (const type of service.resourceTypes) {
    const typeName = type.name.toLowerCase();
    if (!rest.startsWith(typeName) || rest.length === typeName.length) continue;
    const attribute = rest.slice(typeName.length);
    const def = Object.entries(type.attributes ?? {}).find(([name]) => name.toLowerCase() === attribute)?.[1];
    if (def === undefined) continue;
    declared = true;
    if (def.abac === true) found.push({ serviceType: service.serviceType, resourceType: type.name, attribute });
  }
  const first = found[0];
  if (found.length > 1)
    return {
      ok: false,
      code: 'KEY_AMBIGUOUS',
      message: `"${key}" splits into more than one resource type and attribute`,
    };
  if (first !== undefined) return { ok: true, key: first };
  return declared
    ? { ok: false, code: 'KEY_NOT_ABAC', message: `"${key}" is not declared abac: true` }
    : { ok: false, code: 'KEY_UNKNOWN', message: `"${key}" names no declared attribute of ${service.serviceType}` };
}

/** Case-insensitive lookup of a concrete action; `exact` tells whether the case matched too (item 7). */
export function findAction(
  registry: ResourceRegistry,
  action: string,
): {
  readonly service: ServiceDefinition | undefined;
  readonly action: ActionDefinition | undefined;
  readonly exact: boolean;
} {
  const colon = action.indexOf(':');
  const prefix = action.slice(0, colon).toLowerCase();
  const name = action.slice(colon + 1);
  const service = registry.services.find((s) => s.actionPrefix.toLowerCase() === prefix);
  const lower = name.toLowerCase();
  const def = service?.actions.find((a) => a.name.toLowerCase() === lower);
  return {
    service,
    action: def,
    exact: def !== undefined && def.name === name && service?.actionPrefix === action.slice(0, colon),
  };
}
