var pools = {
  weighted: [{ name: 'one', weight: 5 }, { name: 'two', weight: 2 }, { name: 'three', weight: 3 }],
  defaults: [{ name: 'one' }, { name: 'two' }],
  empty: [],
  broken: [{ name: 'one' }, { name: 'broken' }],
  'bad-weight': [{ name: 'one', weight: 1.5 }],
  equal: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
  'two-one': [{ name: 'a', weight: 2 }, { name: 'b', weight: 1 }],
};

kumo.on('get_egress_pool', function (name) {
  return kumo.make_egress_pool({
    name: name,
    entries: pools[name],
    ttl: name == 'weighted' ? '5 mins' : undefined,
  });
});

kumo.on('get_egress_source', function (name) {
  if (name == 'broken') {
    throw new Error('source ' + name + ' is broken');
  }
  return kumo.make_egress_source({ name: name });
});
