import { z } from 'zod';

/** Parses a request body; every problem is reported at once as a violation with a path (400, src/validation.ts). */
export { parseInput as parseBody } from '../validation.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
export const contextValue = z.union([scalar, z.array(scalar), z.null()]);
export const requestResource = z.union([
  z.string().min(1),
  z.strictObject({
    srn: z.string().min(1),
    tags: z.record(z.string(), z.string()).optional(),
    attributes: z.record(z.string(), contextValue).optional(),
  }),
]);

/** `resource` (one) or `resources` (several): services ask either way. */
export const resourcesOf = (b: {
  resource?: z.infer<typeof requestResource> | undefined;
  resources?: z.infer<typeof requestResource>[] | undefined;
}) => b.resources ?? (b.resource === undefined ? [] : [b.resource]);
