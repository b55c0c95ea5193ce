-- Runs the benchmark policy's get_egress_source handler in PUC-Lua with a stub `kumo` whose
-- make_egress_source only copies the table: the floor a Lua handler call can reach. Lua has
-- no wall clock finer than a second, so the caller times a run of CALLS calls against a run of
-- 0 calls (same start-up and warm-up) and divides; the CPU time printed is for reference.
--   lua5.4 stub-kumo.lua POLICY.lua CALLS [WARMUP]
local policy_file, calls = arg[1], tonumber(arg[2] or '200000')
local warmup = tonumber(arg[3] or arg[2] or '200000')
local handlers = {}
kumo = {
  on = function(event, fn) handlers[event] = fn end,
  make_egress_source = function(spec)
    local copy = {}
    for k, v in pairs(spec) do copy[k] = v end
    return copy
  end,
}
dofile(policy_file)
local handler = assert(handlers['get_egress_source'], 'no get_egress_source handler')
local names = {}
for i = 0, 63 do names[i + 1] = 'ip-' .. i end
for i = 1, warmup do handler(names[(i - 1) % 64 + 1]) end -- warm-up
local start = os.clock()
for i = 1, calls do handler(names[(i - 1) % 64 + 1]) end
if calls > 0 then print(string.format('%.4f', (os.clock() - start) / calls * 1e6)) end
