-- Appends each event whose ID was not seen within the dedup window and marks
-- it seen, atomically (one script). The append comes first so that a failure
-- can never leave an ID marked seen without its event in the stream.
-- KEYS[1] = stream, KEYS[2..n+1] = seen-marker keys, one per event
-- ARGV[1] = dedup window in ms, ARGV[2] = MINID to trim to ("" = no trim),
-- ARGV[3..n+2] = event JSON, in the same order as the markers
-- Returns one entry per event: the new stream ID, or 0 for a duplicate.
local out = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    out[#out + 1] = 0
  else
    out[#out + 1] = redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
    redis.call('SET', KEYS[i], '1', 'PX', ARGV[1])
  end
end
if ARGV[2] ~= '' then
  redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[2])
end
return out
