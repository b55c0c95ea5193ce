kumo.on('get_egress_source', function (name) {
  kumo.on('get_egress_pool', function (pool) {
    return kumo.make_egress_pool({ name: pool });
  });
  return kumo.make_egress_source({ name: name });
});
