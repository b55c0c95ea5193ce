kumo.on('get_egress_source', function (name) {
  var config = kumo.json_load('../' + name + '.json');
  return kumo.make_egress_source({ name: name });
});
