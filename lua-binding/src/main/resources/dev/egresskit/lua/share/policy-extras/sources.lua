-- EgressKit's policy-extras.sources: KumoMTA's sources helper, on EgressKit's data loader.
--
-- sources:setup { 'sources.toml', 'more.json', { source = { ... } } } reads sources and pools
-- in KumoMTA's format ([source."<name>"] with make_egress_source fields, [pool."<p>"."<src>"]
-- with an optional weight), checks each field on its own, caches the data for 5 minutes, and
-- registers get_egress_source, get_egress_pool and validate_config. The reading, checking and
-- caching are kumo.sources.load, shared with JavaScript.
local kumo = require 'kumo'
local mod = {}

local function files_of(self, data_files)
  if self ~= mod then
    data_files = self
  end
  if type(data_files) ~= 'table' then
    error('sources:setup expects a list of file names or inline tables, such as'
      .. " {'/opt/kumomta/etc/sources.toml'}, got " .. type(data_files), 3)
  end
  return data_files
end

function mod.setup(self, data_files)
  data_files = files_of(self, data_files)
  if mod.CONFIGURED then
    error('sources module has already been configured', 2)
  end
  local function get_data()
    return kumo.sources.load(data_files)
  end
  mod.CONFIGURED = { data_files = data_files, get_data = get_data }

  kumo.on('get_egress_source', function(source_name)
    local params = get_data().sources[source_name]
    if params == nil then
      error("source '" .. tostring(source_name) .. "' is not defined in the sources files", 0)
    end
    return kumo.make_egress_source(params)
  end)

  kumo.on('get_egress_pool', function(pool_name)
    local params = get_data().pools[pool_name]
    if params == nil then
      error("pool '" .. tostring(pool_name) .. "' is not defined in the sources files", 0)
    end
    return kumo.make_egress_pool(params)
  end)
end

kumo.on('validate_config', function()
  if not mod.CONFIGURED then
    return
  end
  local data = mod.CONFIGURED.get_data()
  -- Tell `egresskit check` which names the data defines, so it resolves each of them.
  local function sorted_keys(t)
    local names = {}
    for name in pairs(t) do
      names[#names + 1] = name
    end
    table.sort(names)
    return names
  end
  local egresskit = require 'egresskit'
  egresskit.known_sources(sorted_keys(data.sources))
  egresskit.known_pools(sorted_keys(data.pools))
  for _, params in pairs(data.sources) do
    local ok, err = pcall(kumo.make_egress_source, params)
    if not ok then
      print(err)
      kumo.validation_failed()
    end
  end
  for pool, params in pairs(data.pools) do
    local ok, err = pcall(kumo.make_egress_pool, params)
    if not ok then
      print(err)
      kumo.validation_failed()
    end
    for _, entry in ipairs(params.entries) do
      if not data.sources[entry.name] then
        print(string.format("pool '%s' references source '%s' which is not defined", pool,
          entry.name))
      end
    end
  end
end)

return mod
