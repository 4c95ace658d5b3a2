/**
 * SRN: `srn:{offering}::{accountId}:{region}::{service}:{resourceType}/{id}` (TEN-2). Parsing, formatting,
 * and the patterns of POL-4 (wildcards only in region and type/id). Pure; imports nothing outside src/srn.
 */
export type { Srn, SrnError, SrnResult } from './srn.js';
export { formatSrn, isAccountId, parseSrn } from './srn.js';
export type { CompiledSrnPattern, SrnParts, SrnPattern, SrnPatternResult } from './pattern.js';
export { compileSrnPattern, parseSrnPattern, srnParts } from './pattern.js';
export type { GlobMatcher } from './glob.js';
export { compileGlob, hasWildcard } from './glob.js';
