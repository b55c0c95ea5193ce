// The benchmark policy: every source name maps to one address by its number.
kumo.on('get_egress_source', function (name) {
  var m = /\d+/.exec(name);
  var n = m ? parseInt(m[0], 10) : 0;
  return kumo.make_egress_source({
    name: name,
    source_address: '127.0.0.' + (2 + n % 8),
    ehlo_domain: 'mta' + n + '.bench.example',
    ttl: '@TTL@'
  });
});
