kumo.on('get_egress_source', function (name) {
  if (name == 'base') {
    return kumo.make_egress_source({
      name: 'base',
      source_address: '10.0.0.1',
      ehlo_domain: 'base.example.com',
      remote_port: 2525,
      ttl: '2m',
    });
  } else if (name == 'alias') {
    // Reuse another source's settings through the shared cache (spec §6.1).
    var base = kumo.invoke_get_egress_source('base');
    return kumo.make_egress_source({
      name: 'alias',
      source_address: base.source_address,
      ehlo_domain: 'alias.' + base.ehlo_domain,
      remote_port: base.remote_port + 1,
      ttl: base.ttl,
    });
  } else if (name == 'alias-of-missing') {
    var missing = kumo.invoke_get_egress_source('missing');
    return kumo.make_egress_source({ name: name });
  } else if (name == 'caught') {
    var ok; try { kumo.invoke_get_egress_source('missing'); ok = true; } catch (e) { ok = false; }
    return kumo.make_egress_source({ name: name, ehlo_domain: ok ? 'no error' : 'caught.example.com' });
  }
  throw new Error('unknown source ' + name);
});

kumo.on('get_egress_pool', function (name) {
  if (name == 'copy') {
    var original = kumo.invoke_get_egress_pool('original');
    var entries = [];
    original.entries.forEach(function (entry, i) {
      entries[i] = { name: entry.name, weight: entry.weight * 10 };
    });
    return kumo.make_egress_pool({ name: 'copy', entries: entries });
  }
  return kumo.make_egress_pool({ name: name, entries: [{ name: 'base', weight: 2 }, { name: 'alias' }] });
});
