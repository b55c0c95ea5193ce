kumo.on('get_egress_source', function (name) {
  return kumo.make_egress_source({ name: name });
});

kumo.on('get_egress_source', function (name) {
  return kumo.make_egress_source({ name: name, ehlo_domain: 'second.example.com' });
});
