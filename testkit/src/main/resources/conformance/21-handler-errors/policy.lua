kumo.on('get_egress_source', function(name)
  if name == 'boom' then
    error('no source for ' .. name)
  elseif name == 'nil-index' then
    local config = nil
    return kumo.make_egress_source { name = config.name }
  elseif name == 'nothing' then
    kumo.make_egress_source { name = name }
  elseif name == 'explicit-nil' then
    return nil
  elseif name == 'plain-table' then
    return { name = name }
  elseif name == 'a-string' then
    return name
  elseif name == 'other-name' then
    return kumo.make_egress_source { name = 'somebody-else' }
  elseif name == 'a-pool' then
    return kumo.make_egress_pool { name = name }
  elseif name == 'ok' then
    return kumo.make_egress_source { name = name }
  end
end)
