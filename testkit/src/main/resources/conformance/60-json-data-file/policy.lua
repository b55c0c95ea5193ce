-- Sources kept as data: the file is read again whenever a cached source expires.
local function load_config()
  return kumo.json_load('sources.json')
end

kumo.on('get_egress_source', function(name)
  local config = load_config().source[name]
  if config == nil then
    error('sources.json has no source ' .. name)
  end
  config.name = name
  return kumo.make_egress_source(config)
end)

kumo.on('get_egress_pool', function(name)
  local pool = load_config().pool[name]
  local entries = {}
  for _, source in ipairs({ 'ip-1', 'ip-2' }) do
    if pool[source] ~= nil then
      table.insert(entries, { name = source, weight = pool[source].weight })
    end
  end
  return kumo.make_egress_pool { name = name, entries = entries }
end)
