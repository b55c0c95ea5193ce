kumo.on('get_egress_source', function (name) {
  if (name == 'boom') {
    throw new Error('no source for ' + name);
  } else if (name == 'nil-index') {
    var config = null;
    return kumo.make_egress_source({ name: config.name });
  } else if (name == 'nothing') {
    kumo.make_egress_source({ name: name });
  } else if (name == 'explicit-nil') {
    return null;
  } else if (name == 'plain-table') {
    return { name: name };
  } else if (name == 'a-string') {
    return name;
  } else if (name == 'other-name') {
    return kumo.make_egress_source({ name: 'somebody-else' });
  } else if (name == 'a-pool') {
    return kumo.make_egress_pool({ name: name });
  } else if (name == 'ok') {
    return kumo.make_egress_source({ name: name });
  }
});
