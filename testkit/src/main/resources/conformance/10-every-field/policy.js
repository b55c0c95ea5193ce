kumo.on('get_egress_source', function (name) {
  return kumo.make_egress_source({
    name: name,
    ehlo_domain: 'mta1.example.com',
    source_address: '127.0.0.2',
    remote_port: 2525,
    socks5_proxy_server: '127.0.0.1:1080',
    socks5_proxy_source_address: '127.0.0.9',
    socks5_proxy_username: 'user',
    socks5_proxy_password: { key_data: 's3cret' },
    suspend_when_unplumbed: { duration: '5m' },
    suspend_when_proxy_unhealthy: { trigger: { Threshold: '3/5m' }, duration: '10m' },
    ttl: '1h 30m',
  });
});
