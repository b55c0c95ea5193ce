// Sources kept as data: the file is read again whenever a cached source expires.
function load_config() {
  return kumo.json_load('sources.json');
}

kumo.on('get_egress_source', function (name) {
  var config = load_config().source[name];
  if (config === undefined) {
    throw new Error('sources.json has no source ' + name);
  }
  config.name = name;
  return kumo.make_egress_source(config);
});

kumo.on('get_egress_pool', function (name) {
  var pool = load_config().pool[name];
  var entries = [];
  ['ip-1', 'ip-2'].forEach(function (source) {
    if (pool[source] !== undefined) {
      entries.push({ name: source, weight: pool[source].weight });
    }
  });
  return kumo.make_egress_pool({ name: name, entries: entries });
});
