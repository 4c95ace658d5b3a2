import type { Clock } from '../clock.js';
import { Lru } from '../cache/lru.js';
import type { FactsMemo, SubjectFacts } from './subject.js';

/**
 * A subject's store-derived facts (groups, `pver`, still active) under its account's IAM epoch, so a
 * refresh does not re-read user, groups and every policy (DESIGN §5). Same scheme as the authorizer's
 * policy-set cache (docs/decisions.md, Tokens): the epoch is read in the same session-store call as the
 * revocation markers, every write that can change these facts replaces it (src/authz/epochs.ts: user
 * state/kind/attachments, any group, policy or role write, deletions), and the max age bounds what a lost
 * bump could leave stale. Refusals are never cached: an inactive principal is read again each time.
 */
export class SubjectCache {
  private readonly entries: Lru<string, { facts: SubjectFacts; untilMs: number }>;

  constructor(
    private readonly clock: Clock,
    size = 10_000,
    private readonly maxAgeMs = 60_000,
  ) {
    this.entries = new Lru(size);
  }

  /** A memo under `epoch` (`<epoch key>\0<value>` as read for this very issue); none → always read. */
  under(epoch: string | undefined): FactsMemo | undefined {
    if (epoch === undefined) return undefined;
    return async (key, read) => {
      const k = `${epoch}\u0000${key}`;
      const now = this.clock.now();
      const hit = this.entries.get(k);
      if (hit !== undefined && now < hit.untilMs) return hit.facts;
      const facts = await read();
      this.entries.set(k, { facts, untilMs: now + this.maxAgeMs });
      return facts;
    };
  }
}
