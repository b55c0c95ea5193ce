-- EgressKit's policy-extras.log_hooks: an inert stand-in (EgressKit writes no delivery logs).
-- The constructors check the one parameter they need and configure nothing.
local kumo = require 'kumo'
local mod = {}

local function need_name(params, what)
  if type(params) ~= 'table' or type(params.name) ~= 'string' then
    error(what .. ' expects a table with a string name', 3)
  end
end

function mod:new(params)
  need_name(params, 'log_hooks:new')
  kumo.configure_log_hook { name = params.name }
end

function mod:new_json(params)
  need_name(params, 'log_hooks:new_json')
  kumo.configure_log_hook { name = params.name }
end

function mod:new_disposition_hook(params)
  need_name(params, 'log_hooks:new_disposition_hook')
end

return mod
