import { Schema, type Connection, type IndexDefinition, type IndexOptions, type Model } from 'mongoose';
import type { AggregateSpec } from '../aggregates.js';

/**
 * One mongoose model per aggregate on the store's own connection. The schema declares only the fields
 * every entity shares; aggregate fields pass through (`strict: false`) because their shape is the port's
 * and the adapter maps them generically. Indexes come from AGGREGATES, so every unique rule and every
 * reverse-lookup path is indexed, and they are created by `init()` at startup (autoIndex off: never lazily).
 */
export type Doc = Record<string, unknown> & { _id: string };
export type DocModel = Model<Doc>;

/** A short buffer so a request fails closed fast while the server is away (OPS-6). */
function schemaOptions(collection: string, bufferTimeoutMS: number) {
  return {
    collection,
    strict: false,
    versionKey: false,
    minimize: false,
    autoIndex: false,
    autoCreate: false,
    bufferTimeoutMS,
  } as const;
}

export function entityModel(
  conn: Connection,
  collection: string,
  spec: AggregateSpec,
  bufferTimeoutMS: number,
): DocModel {
  const schema = new Schema<Doc>(
    {
      _id: String,
      accountId: { type: String, required: true },
      version: { type: Number, required: true },
      tags: [Schema.Types.Mixed],
    },
    schemaOptions(collection, bufferTimeoutMS),
  );
  const indexes: Array<[IndexDefinition, IndexOptions]> = [
    [{ accountId: 1, _id: 1 }, {}],
    [{ accountId: 1, tagIndex: 1 }, {}],
  ];
  for (const rule of spec.unique) {
    const key: IndexDefinition = rule.global ? { [rule.field]: 1 } : { accountId: 1, [rule.field]: 1 };
    // sparse, not partialFilterExpression: FerretDB v1 does not implement partial indexes. A null alias is
    // therefore stored as an absent field (sparse skips missing fields, not nulls).
    indexes.push([key, { unique: true, ...(rule.optional ? { sparse: true } : {}) }]);
  }
  for (const path of new Set(Object.values(spec.filters).flat())) indexes.push([{ accountId: 1, [path]: 1 }, {}]);
  // Derived keys are global lookups (LOGIN-8 verified contacts across accounts), so no accountId prefix.
  for (const d of spec.derived ?? []) indexes.push([{ [d.field]: 1 }, {}]);
  for (const [key, options] of indexes) schema.index(key, options);
  return conn.model<Doc>(collection, schema, collection);
}

export function auditModel(conn: Connection, bufferTimeoutMS: number): DocModel {
  const schema = new Schema<Doc>(
    {
      _id: String,
      accountId: { type: String, required: true },
      at: { type: Number, required: true },
      details: Schema.Types.Mixed,
    },
    schemaOptions('auditEvents', bufferTimeoutMS),
  );
  schema.index({ accountId: 1, at: -1, _id: -1 });
  return conn.model<Doc>('auditEvents', schema, 'auditEvents');
}

/** Creates collections and indexes; both calls are idempotent. */
export async function ensureModel(model: DocModel): Promise<void> {
  await model.createCollection();
  await model.createIndexes();
}
