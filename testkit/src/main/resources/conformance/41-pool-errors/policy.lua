kumo.on('get_egress_pool', function(name)
  if name == 'plain-table' then
    return { name = name, entries = {} }
  elseif name == 'nothing' then
    kumo.make_egress_pool { name = name }
  elseif name == 'a-source' then
    return kumo.make_egress_source { name = name }
  elseif name == 'other-name' then
    return kumo.make_egress_pool { name = 'another-pool' }
  elseif name == 'no-entry-name' then
    return kumo.make_egress_pool { name = name, entries = { { weight = 2 } } }
  end
end)
