kumo.on('get_egress_source', function(name)
  local config = kumo.toml_load('sources.toml').source[name]
  if config == nil then
    error('sources.toml has no source ' .. name)
  end
  config.name = name
  return kumo.make_egress_source(config)
end)
