-- EgressKit's policy-extras.policy_utils: the pure helpers of KumoMTA's module.
local kumo = require 'kumo'
local mod = {}

-- Copies every key of src into dest (shallow) and returns dest.
function mod.merge_into(src, dest)
  if src then
    for k, v in pairs(src) do
      dest[k] = v
    end
  end
  return dest
end

-- Reads a data file: TOML when the name ends in .toml, JSON otherwise; a table is returned as is.
function mod.load_json_or_toml_file(filename)
  if type(filename) == 'table' then
    return filename
  end
  if filename:match '%.toml$' then
    return kumo.serde.toml_load(filename)
  end
  return kumo.serde.json_load(filename)
end

-- Whether a list-like table contains value.
function mod.table_contains(tbl, value)
  for _, v in pairs(tbl) do
    if v == value then
      return true
    end
  end
  return false
end

-- Whether s starts with prefix / ends with suffix.
function mod.starts_with(s, prefix)
  return s:sub(1, #prefix) == prefix
end

function mod.ends_with(s, suffix)
  return suffix == '' or s:sub(-#suffix) == suffix
end

-- Compares two values by their JSON form and raises an error naming both when they differ.
function mod.assert_eq(a, b, message)
  local ja, jb = kumo.serde.json_encode(a), kumo.serde.json_encode(b)
  if ja ~= jb then
    error(string.format('%s%s ~= %s', message and (message .. ': ') or '', ja, jb), 2)
  end
end

return mod
