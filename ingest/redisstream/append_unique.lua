-- Appends each event whose ID was not seen within the dedup window and marks
-- it seen, atomically (one script).
-- Markers are fields of one hash per window-wide time bucket, not a key per
-- event: a batch costs two HMGETs and one HSET instead of an EXISTS and a
-- SET PX per event, and the script names three keys whatever the batch size.
-- An ID marked in bucket b is found by every lookup in bucket b or b+1 (the
-- current and previous buckets are both read), so it is remembered at least
-- one window; the bucket's TTL (two windows, renewed on each write) outlives
-- those lookups.
-- The appends come before the marks so that a failure half-way can at worst
-- leave events appended but unmarked (a retry appends them again and the
-- idempotent consumers absorb it), never an ID marked without its event.
-- KEYS[1] = stream, KEYS[2] = current bucket, KEYS[3] = previous bucket
-- ARGV[1] = bucket TTL in ms, ARGV[2] = MINID to trim to ("" = no trim),
-- ARGV[3..] = event ID, event JSON, event ID, event JSON, ...
-- Returns one entry per event: the new stream ID, or 0 for a duplicate.
local n = (#ARGV - 2) / 2
local ids = {}
for i = 1, n do ids[i] = ARGV[1 + 2 * i] end

-- unpack has a stack limit; large batches go in slices.
local function each(cmd, key, list, step, f)
  for lo = 1, #list, step do
    local r = redis.call(cmd, key, unpack(list, lo, math.min(lo + step - 1, #list)))
    if f then f(lo, r) end
  end
end

local seen = {}
for k = 2, 3 do
  each('HMGET', KEYS[k], ids, 1000, function(lo, r)
    for j = 1, #r do
      if r[j] then seen[ids[lo + j - 1]] = true end
    end
  end)
end

local out, marks = {}, {}
for i = 1, n do
  local id = ids[i]
  if seen[id] then
    out[i] = 0
  else
    out[i] = redis.call('XADD', KEYS[1], '*', 'e', ARGV[2 + 2 * i])
    seen[id] = true -- a repeat later in the same batch is a duplicate
    marks[#marks + 1] = id
    marks[#marks + 1] = '1'
  end
end
if #marks > 0 then
  each('HSET', KEYS[2], marks, 1000)
  redis.call('PEXPIRE', KEYS[2], ARGV[1])
end
if ARGV[2] ~= '' then
  redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
end
return out
