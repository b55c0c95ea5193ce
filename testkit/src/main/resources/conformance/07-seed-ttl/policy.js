kumo.on('get_egress_source', function (source_name) {
  return kumo.make_egress_source({
    name: source_name,
    // "you can specify any duration using a string like "5 mins" to specify 5 minutes"
    ttl: '5 mins',
  });
});
