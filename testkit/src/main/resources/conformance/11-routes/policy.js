var routes = {
  'direct-v4': { source_address: '127.0.0.2' },
  'direct-v6': { source_address: '2001:db8::1' },
  'haproxy': { ha_proxy_server: '127.0.0.1:5001', ha_proxy_source_address: '127.0.0.9' },
  'haproxy-bracketed': { ha_proxy_server: '[10.0.0.1]:5000', ha_proxy_source_address: '10.0.0.2' },
  'socks5-bind': { socks5_proxy_server: '127.0.0.1:1080', socks5_proxy_source_address: '127.0.0.9' },
  'socks5-connect': { socks5_proxy_server: 'proxy.example.com:1080' },
  'socks5-v6': { socks5_proxy_server: '[::1]:1080', socks5_proxy_source_address: '::1' },
  'socks5-file-password': { socks5_proxy_server: '127.0.0.1:1080', socks5_proxy_username: 'u',
                            socks5_proxy_password: '/etc/kumo/socks5-password' },
};

kumo.on('get_egress_source', function (name) {
  var spec = routes[name];
  if (spec === undefined) {
    throw new Error('no route called ' + name);
  }
  spec.name = name;
  return kumo.make_egress_source(spec);
});
