-- One failure (or one announcement) of a source, applied atomically on the shared state.
-- KEYS[1] the window of (source, health event, window shape): a sorted set, member = failure id
--         (node:sequence, so a replayed failure counts once), score = bucket index
-- KEYS[2] the suspension of the source: "REASON UNTIL_MS ORIGIN SOURCE", expiring at UNTIL_MS
-- ARGV: mode ('T' count, 'C' count and suspend whatever the sum, 'A' announce only, 'W' nothing), bucket
--       to count in, head bucket (the window ends there), bucket count, window TTL in ms, limit,
--       until (epoch ms), reason, origin node, channel, source name, failure id, tally channel
-- A counted failure is published on the tally channel as "SUM OLDEST ORIGIN ID WINDOW_KEY" (the
-- window's sum with it, the oldest bucket in that sum), after the suspension it may have caused.
-- Returns { sum over the window (0 for 'A'), the suspension now in force or '' }.
local mode = ARGV[1]
if mode == 'W' then
  return { 0, '' } -- warm-up at start: proves scripting works, touches nothing
end
local sum = 0
local trip = mode ~= 'T'
if mode == 'T' or mode == 'C' then
  local oldest = tonumber(ARGV[3]) - tonumber(ARGV[4])
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[12])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', oldest)
  sum = redis.call('ZCOUNT', KEYS[1], '(' .. oldest, '+inf')
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  trip = trip or sum >= tonumber(ARGV[6])
end
local function tally()
  if mode == 'T' or mode == 'C' then
    local first = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (tonumber(ARGV[3]) - tonumber(ARGV[4])),
      '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    local oldest = first[2] or ARGV[2]
    redis.call('PUBLISH', ARGV[13], sum .. ' ' .. oldest .. ' ' .. ARGV[9] .. ' ' .. ARGV[12] .. ' ' .. KEYS[1])
  end
end
if not trip then
  tally()
  return { sum, '' }
end
local untilMs = tonumber(ARGV[7])
local current = redis.call('GET', KEYS[2])
if current then
  local currentUntil = tonumber(string.match(current, '^%S+ (%d+) '))
  if currentUntil and currentUntil >= untilMs then
    tally()
    return { sum, current }
  end
end
local value = ARGV[8] .. ' ' .. ARGV[7] .. ' ' .. ARGV[9] .. ' ' .. ARGV[11]
redis.call('SET', KEYS[2], value, 'PXAT', ARGV[7])
redis.call('PUBLISH', ARGV[10], value)
tally()
return { sum, value }
