-- GCRA (generic cell rate algorithm) for one key, the algorithm and stored
-- value of redis_rate (after rwz/redis-gcra), so budgets carry over:
-- the key holds the theoretical arrival time (TAT) in seconds since
-- 2017-01-01, and a request is allowed when it fits within the burst.
-- KEYS[1] = the budget's key
-- ARGV[1] = burst, ARGV[2] = requests per period, ARGV[3] = period in seconds
-- ARGV[4] = how many requests to take at most (a lease; default 1)
-- Returns {n, "-1"} when n >= 1 requests were taken (as many as fit, up to
-- ARGV[4]), {0, retry_after_seconds} when not even one fits.
redis.replicate_commands()

local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local want = tonumber(ARGV[4] or '1')

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

-- n requests fit when tat + n*interval - burst_offset <= now.
local fit = math.floor((now - tat + burst_offset) / emission_interval + 1e-9)
local n = math.min(want, fit)
if n < 1 then
  local diff = now - (tat + emission_interval - burst_offset)
  return {0, tostring(-diff)}
end
local new_tat = tat + n * emission_interval
redis.call('SET', KEYS[1], new_tat, 'EX', math.ceil(new_tat - now))
return {n, '-1'}
