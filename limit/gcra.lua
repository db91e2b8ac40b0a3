-- GCRA (generic cell rate algorithm) for one key, the algorithm and stored
-- value of redis_rate (after rwz/redis-gcra), so budgets carry over:
-- the key holds the theoretical arrival time (TAT) in seconds since
-- 2017-01-01, and a request is allowed when it fits within the burst.
-- KEYS[1] = the budget's key
-- ARGV[1] = burst, ARGV[2] = requests per period, ARGV[3] = period in seconds
-- Returns {1, "-1"} when allowed (and spent), {0, retry_after_seconds} when not.
redis.replicate_commands()

local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local period = tonumber(ARGV[3])

local emission_interval = period / rate
local burst_offset = emission_interval * burst

local now = redis.call('TIME')
now = (now[1] - 1483228800) + (now[2] / 1000000)

local tat = redis.call('GET', KEYS[1])
if tat then
  tat = math.max(tonumber(tat), now)
else
  tat = now
end

local new_tat = tat + emission_interval
local diff = now - (new_tat - burst_offset)
if diff < 0 then
  return {0, tostring(-diff)}
end
redis.call('SET', KEYS[1], new_tat, 'EX', math.ceil(new_tat - now))
return {1, '-1'}
