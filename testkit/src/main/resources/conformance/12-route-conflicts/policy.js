var specs = {
  'ha-half-server': { ha_proxy_server: '10.0.0.1:5000' },
  'ha-half-source': { ha_proxy_source_address: '10.0.0.1' },
  'socks5-source-only': { socks5_proxy_source_address: '10.0.0.1' },
  'ha-and-socks5': { ha_proxy_server: '10.0.0.1:5000', ha_proxy_source_address: '10.0.0.2',
                     socks5_proxy_server: '10.0.0.1:1080', socks5_proxy_source_address: '10.0.0.3' },
};

kumo.on('get_egress_source', function (name) {
  var spec = specs[name];
  spec.name = name;
  return kumo.make_egress_source(spec);
});
