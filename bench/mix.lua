-- A mixed S3 + DynamoDB load for wrk (load.sh sets up the bucket, the table
-- and 1,000 objects first). Each request is one of, with these weights:
--   S3 PutObject 20, GetObject 30, ListObjectsV2 (prefix, 100 keys) 5,
--   DynamoDB PutItem 20, GetItem 20, Query (one partition) 5.
-- MIX_LIMIT (env) stops each thread after that many responses, so a soak
-- ends on a count; wrk's -d bounds it in time too. (wrk itself sleeps out
-- -d: each thread that stops appends a line to MIX_DONE_FILE, and load.sh
-- interrupts wrk once all have.) Statuses other than 2xx
-- are counted per status and printed at the end (wrk cannot say which
-- request an answer belongs to when a thread has many connections; every
-- key read exists, so any of them is an error).
local s3auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/s3/aws4_request, " ..
               "SignedHeaders=host;x-amz-date, Signature=00"
local ddbauth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, " ..
                "SignedHeaders=host;x-amz-date, Signature=00"
local payload = string.rep("x", 1024)
local ops = {"PutObject", "GetObject", "ListObjectsV2", "PutItem", "GetItem", "Query"}
local weights = {20, 30, 5, 20, 20, 5}
local threads = {}
local limit = tonumber(os.getenv("MIX_LIMIT") or "0")
local done_file = os.getenv("MIX_DONE_FILE")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(id * 7919 + os.time())
  done_count = 0
  errors = {}
end

local function pick()
  local r, acc = math.random(100), 0
  for i, w in ipairs(weights) do
    acc = acc + w
    if r <= acc then return ops[i] end
  end
  return ops[1]
end

local function ddb(target, body)
  return wrk.format("POST", "/", {["X-Amz-Target"] = "DynamoDB_20120810." .. target,
    ["Content-Type"] = "application/x-amz-json-1.0", ["Authorization"] = ddbauth}, body)
end

function request()
  local op = pick()
  local k = math.random(1000)
  if op == "PutObject" then
    return wrk.format("PUT", "/mix-bucket/k" .. k, {["Authorization"] = s3auth}, payload)
  elseif op == "GetObject" then
    return wrk.format("GET", "/mix-bucket/k" .. k, {["Authorization"] = s3auth})
  elseif op == "ListObjectsV2" then
    return wrk.format("GET", "/mix-bucket?list-type=2&max-keys=100&prefix=k" .. math.random(9),
      {["Authorization"] = s3auth})
  elseif op == "PutItem" then
    return ddb("PutItem", string.format(
      '{"TableName":"mix","Item":{"pk":{"S":"p%d"},"sk":{"N":"%d"},"v":{"S":"%s"}}}',
      k % 100, k, string.sub(payload, 1, 200)))
  elseif op == "GetItem" then
    return ddb("GetItem", string.format('{"TableName":"mix","Key":{"pk":{"S":"p%d"},"sk":{"N":"%d"}}}',
      k % 100, k))
  else
    return ddb("Query", string.format(
      '{"TableName":"mix","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p%d"}},"Limit":20}',
      k % 100))
  end
end

function response(status, headers, body)
  if status >= 300 then
    errors[status] = (errors[status] or 0) + 1
  end
  done_count = done_count + 1
  if limit > 0 and done_count == limit then
    if done_file then
      local f = io.open(done_file, "a")
      f:write("done\n")
      f:close()
    end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total, by = 0, {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("errors")) do
      by[status] = (by[status] or 0) + n
      total = total + n
    end
  end
  io.write(string.format("answers other than 2xx: %d", total))
  for status, n in pairs(by) do io.write(string.format(" (%s: %d)", status, n)) end
  io.write(string.format("\nsocket errors: connect %d, read %d, write %d, timeout %d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("latency max: %.2f ms\n", latency.max / 1000))
end
