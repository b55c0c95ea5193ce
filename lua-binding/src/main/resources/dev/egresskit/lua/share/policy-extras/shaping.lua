-- EgressKit's policy-extras.shaping: an inert stand-in. Traffic shaping configures KumoMTA's
-- delivery (egress paths, TSA automation), which EgressKit does not perform; the set-up calls
-- work and return what KumoMTA's return, so a policy loads unchanged.
local kumo = require 'kumo'
local mod = {}
local configured = false

local function file_names(self, files)
  if self ~= mod then
    return self
  end
  return files
end

local function check_once()
  if configured then
    error('shaping module has already been configured', 3)
  end
  configured = true
end

local function get_egress_path_config(domain, egress_source, site_name)
  return kumo.make_egress_path {}
end

function mod.setup(self, files)
  check_once()
  kumo.shaping.load(file_names(self, files) or {})
  return get_egress_path_config
end

function mod.setup_with_automation(self, options)
  if self ~= mod then
    options = self
  end
  check_once()
  options = options or {}
  kumo.shaping.load(options.extra_files or {})
  return {
    load_shaping_data = function()
      return {}
    end,
    get_egress_path_config = get_egress_path_config,
    setup_publish = function() end,
    _file_names = options.extra_files or {},
    _options = options,
  }
end

return mod
