-- A policy that registers nothing.
local unused = 1
