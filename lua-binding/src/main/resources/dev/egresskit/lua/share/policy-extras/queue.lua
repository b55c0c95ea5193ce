-- EgressKit's policy-extras.queue: an inert stand-in. Queue configuration belongs to KumoMTA's
-- delivery, which EgressKit does not perform; setup returns KumoMTA's object shape.
local kumo = require 'kumo'
local mod = {}
local configured = false

local function options_of(self, options)
  if self ~= mod then
    return self
  end
  return options
end

function mod.setup_with_options(self, options)
  options = options_of(self, options) or {}
  if configured then
    error('queue module has already been configured', 2)
  end
  configured = true
  local helper = { file_names = options.file_names or {} }
  function helper:apply(msg) end
  function helper:resolve_config(domain, tenant, campaign)
    return kumo.make_queue_config {}
  end
  return helper
end

function mod.setup(self, files)
  return mod.setup_with_options { file_names = options_of(self, files) }
end

return mod
