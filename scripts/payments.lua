-- wrk: POST /payments/user/{user} with a fresh Idempotency-Key for every request (a new payment each time), over 200
-- users, and a count of the answers' statuses across every thread, printed as "statuses 201=N 200=N ..." at the end.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000000))
end

function request()
  counter = counter + 1
  local key = run .. "-" .. id .. "-" .. counter
  local user = "load-" .. (counter % 200)
  return wrk.format("POST", "/payments/user/" .. user,
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key },
    '{"amount":12.5,"currency":"EUR"}')
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local line = "statuses"
  for status, count in pairs(total) do
    line = line .. " " .. status .. "=" .. count
  end
  io.write(line .. "\n")
end
