var specs = {
  'no-name': {},
  'unknown-field': { name: 'unknown-field', sourceaddress: '10.0.0.1' },
  'wrong-types': { name: 'wrong-types', source_address: 5, remote_port: 'x', ehlo_domain: true },
  'bad-ip': { name: 'bad-ip', source_address: '010.0.0.1' },
  'ip-with-port': { name: 'ip-with-port', source_address: '10.0.0.1:25' },
  'port-too-big': { name: 'port-too-big', remote_port: 70000 },
  'port-negative': { name: 'port-negative', remote_port: -1 },
  'proxy-no-port': { name: 'proxy-no-port', socks5_proxy_server: 'proxy.example.com' },
  'proxy-v6-unbracketed': { name: 'proxy-v6-unbracketed', socks5_proxy_server: '::1:1080' },
};

kumo.on('get_egress_source', function (name) {
  return kumo.make_egress_source(specs[name]);
});
