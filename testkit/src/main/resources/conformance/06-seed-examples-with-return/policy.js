// The seed's ehlo_domain, ha_proxy_server and socks5_proxy_server examples with the
// missing 'return' added: what their authors meant.
kumo.on('get_egress_source', function (source_name) {
  if (source_name == 'ehlo') {
    return kumo.make_egress_source({
      name: 'ehlo',
      source_address: '10.0.0.1',
      ehlo_domain: 'mta1.examplecorp.com',
    });
  } else if (source_name == 'ha') {
    return kumo.make_egress_source({
      name: 'ha',
      ha_proxy_source_address: '10.0.0.1',
      ha_proxy_server: '10.0.0.1:5000',
      ehlo_domain: 'mta1.examplecorp.com',
    });
  } else if (source_name == 'socks') {
    return kumo.make_egress_source({
      name: 'socks',
      socks5_proxy_source_address: '10.0.0.1',
      socks5_proxy_server: '10.0.0.1:5000',
      ehlo_domain: 'mta1.examplecorp.com',
    });
  }
  throw new Error('you need to do something for other source names');
});
