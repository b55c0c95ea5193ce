// A helper that checks a source one field at a time (as KumoMTA's sources helper does):
// every probe passes, because each field is valid on its own.
const probes = [
  { ha_proxy_server: '10.0.0.1:5000' },
  { ha_proxy_source_address: '10.0.0.2' },
  { socks5_proxy_source_address: '10.0.0.3' },
  { socks5_proxy_username: 'mta1' },
  { socks5_proxy_password: { key_data: 'probe-secret' } },
  { source_address: '10.0.0.4' },
  { ha_proxy_server: '[::1]:5000' },
];
for (const probe of probes) {
  probe.name = 'dummy';
  kumo.make_egress_source(probe);
}

const specs = {
  'complete': { ha_proxy_server: '10.0.0.1:5000', ha_proxy_source_address: '10.0.0.2' },
  'half': { ha_proxy_server: '10.0.0.1:5000' },
  'user-only': { socks5_proxy_server: '10.0.0.1:1080', socks5_proxy_username: 'mta1' },
  'family': { source_address: '10.0.0.4', ha_proxy_server: '[::1]:5000',
              ha_proxy_source_address: '10.0.0.2' },
};

kumo.on('get_egress_source', function (name) {
  const spec = specs[name];
  spec.name = name;
  return kumo.make_egress_source(spec);
});
