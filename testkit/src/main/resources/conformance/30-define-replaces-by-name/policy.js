kumo.define_egress_source({
  name: 'ip-1',
  source_address: '10.0.0.1',
});

kumo.define_egress_source({
  name: 'ip-2',
  source_address: '10.0.0.2',
});

// "the most recently defined version of that name will replace any previously
// defined source with that name"
kumo.define_egress_source({
  name: 'ip-1',
  source_address: '10.0.0.11',
  ehlo_domain: 'mta11.example.com',
});
