kumo.on('get_egress_source', function (source_name) {
  if (source_name == 'ip-1') {
    // Make a source that will emit from 10.0.0.1
    kumo.make_egress_source({
      name: 'ip-1',
      source_address: '10.0.0.1',
      ehlo_domain: 'mta1.examplecorp.com',
    });
  }
  throw new Error('you need to do something for other source names');
});
