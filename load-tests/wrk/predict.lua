-- wrk script: single predict on model "bench" (10 features), optional posterior samples
local samples = os.getenv("SAMPLES") or "0"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local i = 0
request = function()
  i = i + 1
  local body = string.format(
    '{"features":{"site":"s%d","app":"a%d","device":"d%d","os":"o%d","hour":"h%d",' ..
    '"country":"c%d","slot":"p%d","price":%f,"age":%d,"ctr":%f},"samples":%s}',
    i % 1000, i % 300, i % 50, i % 7, i % 24, i % 40, i % 12, (i % 100) / 10.0, i % 80,
    (i % 17) / 17.0, samples)
  return wrk.format(nil, "/v1/models/bench/predict", nil, body)
end
