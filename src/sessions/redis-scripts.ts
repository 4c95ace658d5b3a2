/**
 * Lua scripts of the Redis SessionStore. Each one is a read-modify-write that must be atomic across
 * every gateway instance, so it runs inside Redis. Those in `scripts` touch exactly one key (KEYS[1]),
 * which keeps them valid under Redis Cluster too; `multiKeyScripts` (below) are the few that cannot.
 * Time comes from the Redis server (TIME), never from the calling instance, so instances with skewed
 * clocks agree on every expiry; Redis 7 replicates script effects, so reading TIME before writing is
 * allowed.
 */

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Session hash fields: p principal JSON, d data JSON, c created, a absolute expiry, i idle TTL, s last seen. */
export const SESSION_FIELDS = ['p', 'd', 'c', 'a', 'i', 's'] as const;

export const scripts = {
  /** ARGV: principal JSON, data JSON, absolute TTL ms, idle TTL ms → the stored fields. */
  sessionCreate: `${NOW_MS}
local abs = now + tonumber(ARGV[3])
local idle = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'p', ARGV[1], 'd', ARGV[2], 'c', now, 'a', abs, 'i', idle, 's', now)
redis.call('PEXPIRE', KEYS[1], math.min(idle, abs - now))
return redis.call('HMGET', KEYS[1], 'p', 'd', 'c', 'a', 'i', 's')`,

  /**
   * Touch (get) or patch-and-touch (update). ARGV[1]: '' or a patch JSON whose null values delete keys.
   * The key's PEXPIRE is min(idle TTL, time left to the absolute expiry), so Redis itself ends the
   * session at whichever deadline comes first and a touch can never push past the absolute one.
   * cjson keeps 14 significant digits of numbers: session data holds small values only.
   */
  sessionTouch: `local f = redis.call('HMGET', KEYS[1], 'a', 'i')
if not f[1] then return false end
${NOW_MS}
local left = tonumber(f[1]) - now
if left <= 0 then
  redis.call('DEL', KEYS[1])
  return false
end
if ARGV[1] ~= '' then
  local d = cjson.decode(redis.call('HGET', KEYS[1], 'd'))
  for k, v in pairs(cjson.decode(ARGV[1])) do
    if v == cjson.null then d[k] = nil else d[k] = v end
  end
  local encoded = '{}'
  if next(d) ~= nil then encoded = cjson.encode(d) end
  redis.call('HSET', KEYS[1], 'd', encoded)
end
redis.call('HSET', KEYS[1], 's', now)
redis.call('PEXPIRE', KEYS[1], math.min(tonumber(f[2]), left))
return redis.call('HMGET', KEYS[1], 'p', 'd', 'c', 'a', 'i', 's')`,

  /**
   * Per-user index: a sorted set of session ids scored by absolute expiry. ARGV: id, absolute TTL ms.
   * Drops entries past their absolute expiry and keeps the set alive as long as its longest session.
   */
  userIndexAdd: `${NOW_MS}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now))
return 1`,

  /**
   * ARGV: TTL ms, ceiling ('' = none) → {value, applied}. The TTL is set only by the increment that
   * creates the counter; with a ceiling nothing is written once the value reached it.
   */
  counterIncrement: `local v = tonumber(redis.call('GET', KEYS[1]) or '0')
local ceiling = tonumber(ARGV[2])
if ceiling and v >= ceiling then return {v, 0} end
v = redis.call('INCR', KEYS[1])
if v == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {v, 1}`,

  /**
   * Exact sliding window over a sorted set of hit times (score = server ms, member = random id).
   * ARGV: window ms, limit, member → {allowed, count, retryAfterMs}.
   * Chosen over the two-bucket approximation because the throttle limits are small (tens of hits) and
   * must hold exactly: the approximation can admit up to twice the limit around a bucket edge or refuse
   * early, and its retryAfter is a guess. The cost stays bounded because refused hits are not stored, so
   * the set never holds more than \`limit\` members, and retryAfter is exact (the oldest hit ageing out).
   */
  slidingWindowHit: `${NOW_MS}
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, count + 1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, count, math.max(1, tonumber(oldest[2]) + window - now)}`,
} as const;

export type ScriptName = keyof typeof scripts;

/**
 * Scripts over a variable number of keys, called with the key count first (`scriptN`). Each one is a
 * read (or a write and its notification) that must happen as one unit, so they cannot be one-key.
 */
export const multiKeyScripts = {
  /**
   * One credential check (TOK-4). KEYS[1] the session, KEYS[2..ARGV[1]+1] markers, the rest epochs →
   * {exists, {marker values}, {epoch values}}. Missing values come back as nil, so positions are kept.
   */
  sessionInspect: `local markers = tonumber(ARGV[1] or (#KEYS - 1))
local values, epochs = {}, {}
for i = 2, markers + 1 do values[i - 1] = redis.call('GET', KEYS[i]) end
for i = markers + 2, #KEYS do epochs[i - markers - 1] = redis.call('GET', KEYS[i]) end
return {redis.call('EXISTS', KEYS[1]), values, epochs}`,

  /**
   * Revocation markers and their notification in one unit (ENT-5, TOK-4): no crash can land between the
   * write and the PUBLISH that invalidates every instance's inspect cache. KEYS: marker keys. ARGV:
   * revoked-at ms, TTL ms, channel, then the caller's subject key of each marker. Keeps the larger
   * timestamp; every mark restarts the TTL. Publishes `[[subjectKey, storedMs], …]`, the stored maxima
   * (a listener must never learn an older time than Redis holds), spliced as the stored digits so no
   * number is rounded on the way.
   */
  revocationMarkAll: `local at = tonumber(ARGV[1])
local parts = {}
for i, key in ipairs(KEYS) do
  local cur = redis.call('GET', key)
  if at > tonumber(cur or '0') then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    cur = ARGV[1]
  else
    redis.call('PEXPIRE', key, ARGV[2])
  end
  parts[i] = '[' .. cjson.encode(ARGV[i + 3]) .. ',' .. (cur or ARGV[1]) .. ']'
end
redis.call('PUBLISH', ARGV[3], '[' .. table.concat(parts, ',') .. ']')
return 1`,
} as const;

export type MultiKeyScriptName = keyof typeof multiKeyScripts;
