kumo.define_egress_source({
  name: 'ip-1',
  source_address: 'not an address',
});
