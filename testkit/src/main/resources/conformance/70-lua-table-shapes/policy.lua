kumo.on('get_egress_source', function(name)
  if name == 'mixed' then
    return kumo.make_egress_source { name = name, 'stray positional value' }
  elseif name == 'function-value' then
    return kumo.make_egress_source { name = name, ehlo_domain = function() return 'x' end }
  elseif name == 'integral-float' then
    return kumo.make_egress_source { name = name, remote_port = 2525.0 }
  end
  return kumo.make_egress_source { name = name, remote_port = 25.5 }
end)
