kumo.on('get_egress_source', function(name)
  if name == 'base' then
    return kumo.make_egress_source {
      name = 'base',
      source_address = '10.0.0.1',
      ehlo_domain = 'base.example.com',
      remote_port = 2525,
      ttl = '2m',
    }
  elseif name == 'alias' then
    -- Reuse another source's settings through the shared cache (spec §6.1).
    local base = kumo.invoke_get_egress_source('base')
    return kumo.make_egress_source {
      name = 'alias',
      source_address = base.source_address,
      ehlo_domain = 'alias.' .. base.ehlo_domain,
      remote_port = base.remote_port + 1,
      ttl = base.ttl,
    }
  elseif name == 'alias-of-missing' then
    local missing = kumo.invoke_get_egress_source('missing')
    return kumo.make_egress_source { name = name }
  elseif name == 'caught' then
    local ok, err = pcall(kumo.invoke_get_egress_source, 'missing')
    return kumo.make_egress_source { name = name, ehlo_domain = ok and 'no error' or 'caught.example.com' }
  end
  error('unknown source ' .. name)
end)

kumo.on('get_egress_pool', function(name)
  if name == 'copy' then
    local original = kumo.invoke_get_egress_pool('original')
    local entries = {}
    for i, entry in ipairs(original.entries) do
      entries[i] = { name = entry.name, weight = entry.weight * 10 }
    end
    return kumo.make_egress_pool { name = 'copy', entries = entries }
  end
  return kumo.make_egress_pool { name = name, entries = { { name = 'base', weight = 2 }, { name = 'alias' } } }
end)
