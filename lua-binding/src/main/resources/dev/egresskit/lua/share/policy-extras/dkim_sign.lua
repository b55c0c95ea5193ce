-- EgressKit's policy-extras.dkim_sign: an inert stand-in (EgressKit signs no messages).
local mod = {}

function mod.setup(self, files)
  return function(msg) end
end

return mod
