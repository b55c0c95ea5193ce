kumo.define_egress_source({ name: 'half', ha_proxy_server: '10.0.0.1:5000' });
kumo.define_egress_source({ name: 'ok', source_address: '10.0.0.1' });
