kumo.on('get_egress_source', function (name) {
  var config = kumo.toml_load('sources.toml').source[name];
  if (config === undefined) {
    throw new Error('sources.toml has no source ' + name);
  }
  config.name = name;
  return kumo.make_egress_source(config);
});
