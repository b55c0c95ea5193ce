kumo.on('get_egress_pool', function (name) {
  if (name == 'plain-table') {
    return { name: name, entries: [] };
  } else if (name == 'nothing') {
    kumo.make_egress_pool({ name: name });
  } else if (name == 'a-source') {
    return kumo.make_egress_source({ name: name });
  } else if (name == 'other-name') {
    return kumo.make_egress_pool({ name: 'another-pool' });
  } else if (name == 'no-entry-name') {
    return kumo.make_egress_pool({ name: name, entries: [{ weight: 2 }] });
  }
});
