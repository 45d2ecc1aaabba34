-- wrk script: POST registrations with a new address each time.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  path = "/api/v1/events/" .. os.getenv("SLUG") .. "/registrations"
  headers = { ["content-type"] = "application/json" }
end

function request()
  counter = counter + 1
  local email = "rush-" .. id .. "-" .. counter .. "@example.org"
  local body = '{"given_name":"Rush","family_name":"N' .. counter .. '","email":"' .. email ..
    '","organisation":"Bench","category":"media","country":"CH","language":"fr","consent":true}'
  return wrk.format("POST", path, headers, body)
end
