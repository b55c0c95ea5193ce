-- EgressKit's policy-extras.listener_domains: an inert stand-in (listener domains configure
-- KumoMTA's SMTP reception, which EgressKit does not perform).
local kumo = require 'kumo'
local mod = {}

function mod.setup(self, files)
  return function(domain, listener, conn_meta)
    return kumo.make_listener_domain {}
  end
end

return mod
