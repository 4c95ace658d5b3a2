import { z } from 'zod';
import { validationFailed } from '../errors.js';

/** Parses a request body; every problem is reported at once as a violation with a path (400). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw validationFailed(
    parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.') || '(body)',
      code: i.code === 'unrecognized_keys' ? 'UNKNOWN_FIELD' : i.code === 'invalid_type' ? 'INVALID_TYPE' : 'INVALID',
      message: i.message,
    })),
  );
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const contextValue = z.union([scalar, z.array(scalar), z.null()]);
export const requestResource = z.union([
  z.string().min(1),
  z.strictObject({ srn: z.string().min(1), tags: z.record(z.string(), z.string()).optional(), attributes: z.record(z.string(), contextValue).optional() }),
]);

/** `resource` (one) or `resources` (several): services ask either way. */
export const resourcesOf = (b: { resource?: z.infer<typeof requestResource> | undefined; resources?: z.infer<typeof requestResource>[] | undefined }) =>
  b.resources ?? (b.resource === undefined ? [] : [b.resource]);
