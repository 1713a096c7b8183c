-- wrk script: bulk NDJSON ingest of 1000 ten-feature examples per request into model "bench"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-ndjson"
local lines = {}
for i = 1, 1000 do
  lines[i] = string.format(
    '{"features":{"site":"s%d","app":"a%d","device":"d%d","os":"o%d","hour":"h%d",' ..
    '"country":"c%d","slot":"p%d","price":%f,"age":%d,"ctr":%f},"label":%d}',
    i % 1000, i % 300, i % 50, i % 7, i % 24, i % 40, i % 12, (i % 100) / 10.0, i % 80,
    (i % 17) / 17.0, (i * 7919) % 3 == 0 and 1 or 0)
end
wrk.body = table.concat(lines, "\n")
wrk.path = "/v1/models/bench/examples"
