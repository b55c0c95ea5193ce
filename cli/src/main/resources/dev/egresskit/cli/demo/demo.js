// EgressKit demo policy (JavaScript). `egresskit demo --lang js` copies this file into a fresh
// temporary folder next to demo-ports.json, a data file it writes with the loopback addresses
// of the servers it started (their ports are chosen by the kernel, so they are not known in
// advance):
//
//   { "sink": "127.0.0.1:PORT", "haproxy": "127.0.0.1:PORT", "socks5": "127.0.0.1:PORT" }
//
// Reading addresses from a data file is how a real policy keeps its sources as data (KumoMTA's
// `ttl` exists so such data is re-read); `egresskit demo --keep` leaves the folder in place so
// you can run `egresskit resolve` or `egresskit check` on it.

const ports = kumo.json_load('demo-ports.json');

// One source per route. Every address and EHLO name here is checked by the demo against what
// the receiving SMTP server reports it saw.
const SOURCES = {
  // Direct: bind 127.0.0.2 locally, then connect to the destination.
  'direct-1': {
    source_address: '127.0.0.2',
    ehlo_domain: 'direct-1.demo.egresskit.test',
  },
  // HAProxy: connect to ha_proxy_server and send a PROXY v2 header asking for 127.0.0.3. In the
  // demo, a PROXY-aware SMTP sink stands in for HAProxy and records the header.
  'haproxy-1': {
    ha_proxy_server: ports.haproxy,
    ha_proxy_source_address: '127.0.0.3',
    ehlo_domain: 'haproxy-1.demo.egresskit.test',
  },
  // KumoProxy's dialect: SOCKS5 BIND 127.0.0.4 on the proxy, then CONNECT from it.
  'kumoproxy-1': {
    socks5_proxy_server: ports.socks5,
    socks5_proxy_source_address: '127.0.0.4',
    ehlo_domain: 'kumoproxy-1.demo.egresskit.test',
  },
  // A plain RFC 1928 CONNECT: the proxy picks its own egress address.
  'socks5-connect-1': {
    socks5_proxy_server: ports.socks5,
    ehlo_domain: 'socks5-connect-1.demo.egresskit.test',
  },
};

kumo.on('get_egress_source', function (name) {
  const fields = SOURCES[name];
  if (fields === undefined) {
    throw new Error('the demo policy has no source named ' + name);
  }
  const spec = { name: name, ttl: '5 mins' };
  for (const key of Object.keys(fields)) {
    spec[key] = fields[key];
  }
  return kumo.make_egress_source(spec);
});

kumo.on('get_egress_pool', function (name) {
  if (name !== 'demo-pool') {
    throw new Error('the demo policy has no pool named ' + name);
  }
  return kumo.make_egress_pool({
    name: 'demo-pool',
    entries: [
      { name: 'direct-1', weight: 3 },
      { name: 'haproxy-1', weight: 2 },
      { name: 'kumoproxy-1', weight: 2 },
      { name: 'socks5-connect-1', weight: 1 },
    ],
  });
});
