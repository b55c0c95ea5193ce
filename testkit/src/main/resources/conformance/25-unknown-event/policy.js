kumo.on('get_egress_sources', function (name) {
  return kumo.make_egress_source({ name: name });
});
