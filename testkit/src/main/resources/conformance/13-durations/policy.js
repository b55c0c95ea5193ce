var ttls = {
  '5 mins': '5 mins', '10m': '10m', '1h 30m': '1h 30m', '1h30m': '1h30m',
  '1.5h': '1.5h', '90': 90, 'zero': '0', '1M': '1M', '1m': '1m',
  'bare-90': '90', '5MIN': '5MIN', 'empty': '', 'negative': -5,
};

kumo.on('get_egress_source', function (name) {
  return kumo.make_egress_source({ name: name, ttl: ttls[name] });
});
