var rules = {
  immediate: { suspend_when_unplumbed: { duration: '5m' } },
  explicit: { suspend_when_unplumbed: { trigger: 'Immediate', duration: '30s' } },
  threshold: { suspend_when_proxy_unhealthy: { trigger: { Threshold: '3/5m' }, duration: '10m' } },
  'no-duration': { suspend_when_unplumbed: { trigger: 'Immediate' } },
  'zero-limit': { suspend_when_unplumbed: { trigger: { Threshold: '0/5m' }, duration: '1m' } },
  'bare-period': { suspend_when_unplumbed: { trigger: { Threshold: '3/5' }, duration: '1m' } },
  'unknown-unit': { suspend_when_unplumbed: { trigger: { Threshold: '3/5x' }, duration: '1m' } },
  'no-slash': { suspend_when_unplumbed: { trigger: { Threshold: '3' }, duration: '1m' } },
};

kumo.on('get_egress_source', function (name) {
  var spec = rules[name];
  spec.name = name;
  return kumo.make_egress_source(spec);
});
