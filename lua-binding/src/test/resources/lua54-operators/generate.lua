-- Writes cases.tsv: what the reference Lua 5.4 returns for expressions that use the syntax Lua
-- 5.3 and 5.4 added (floor division, bitwise operators, their precedence among the others,
-- <const>, <close> on what cannot be closed, \u{XXX} escapes), each compiled with
-- load("return " .. expression).
-- Lua54OperatorsDifferentialTest replays every line through the sandbox's load, so lua5.4 is
-- needed only to regenerate the file:
--
--   cd lua-binding/src/test/resources/lua54-operators && lua5.4 generate.lua > cases.tsv
--
-- Line format (tab-separated): expression <TAB> ok <TAB> value... | expression <TAB> err <TAB>
-- message. Numbers are written with %.17g (LuaJ has one number type, so an integer and the float
-- of the same value compare equal), strings as "text with bytes outside printable ASCII as \xHH,
-- booleans as true/false, nil as nil. Error messages lose their chunk name and line, and the
-- variable Lua 5.4 names in parentheses at the end.

assert(_VERSION == "Lua 5.4", "run with lua5.4")

local expressions = {
  -- floor division
  "7 // 2", "-7 // 2", "7 // -2", "-7 // -2", "7.5 // 2", "-7.5 // 2", "0 // 5", "'10' // 3",
  "2^53 // 3", "9007199254740991 // 3", "1e15 // 7", "-9007199254740991 // 2", "7 // 0.5",
  "7 // 0", "1 // 0", "'a' // 1", "{} // 1", "nil // 2",
  -- bitwise operators
  "5 & 3", "5 | 3", "5 ~ 3", "~5", "~0", "~-1", "1 << 62", "1 << 63", "1 << 64", "1 << -1",
  "256 >> 4", "-1 >> 1", "-1 >> 63", "-1 >> 64", "3 >> -2", "'12' & 10", "0xFF & 0x0F",
  "0xF0 | 0x0F ~ 0xFF", "2^53 | 1", "-2^53 & -1", "3.0 & 1", "1.5 & 1", "nil & 1", "1 | {}",
  "2^64 | 0", "'1.5' | 0", "~'3'", "~1.5", "~nil",
  -- precedence and associativity among all binary operators
  "1 | 2 & 3", "1 & 2 | 3", "1 ~ 3 & 2", "5 ~ 1 | 2", "6 & 3 ~ 1", "1 << 2 + 1", "1 + 2 << 1",
  "2 * 3 // 2", "7 // 2 * 3", "- 7 // 2 ^ 2", "2 ^ 3 // 3", "1 .. 2 // 1", "3 == 7 // 2",
  "1 < 2 | 0", "~1 & 3", "~(1 & 3)", "~~5", "1 | ~0 >> 60", "4 // 2 // 2", "64 >> 2 >> 1",
  "2 ^ 2 ^ 3 // 1", "#'abcd' // 3", "not 1 == 2 | 0", "1 and 6 & 3 or 0", "nil or 7 // 2",
  "-2 ^ 2 // 1", "3 % 2 // 1", "10 - 4 // 2 - 1", "(1 | 2) & 2", "1 << 3 .. ''",
  "{7 // 2, [4 & 6] = 1 | 8, x = ~1}", "(function(a, b) return a // b, a & b, a | b end)(9, 4)",
  "(function(...) local t = {...} return t[1] << t[2] end)(3, 4)",
  "('x'):rep(5 // 2)", "math.max(5 // 2, 7 & 3)", "string.format('%d', 255 >> 4)",
  -- metamethods
  "setmetatable({}, {__band = function(a, b) return 'band' end}) & 1",
  "1 | setmetatable({}, {__bor = function(a, b) return b == 1 end})",
  "1 // setmetatable({}, {__idiv = function(a, b) return 'idiv' end})",
  "~setmetatable({}, {__bnot = function(a, b) return rawequal(a, b) end})",
  "setmetatable({}, {__shl = function() return 'shl' end}) << 1",
  "1 >> setmetatable({}, {__shr = function() return 'shr' end})",
  "setmetatable({}, {__bxor = function() return 'bxor' end}) ~ 1",
  -- <const> and \u{XXX}
  "(function() local x <const> = 5 return x * 2 end)()",
  "(function() local a <const>, b = 1, 2 return a + b end)()",
  "(function() local x <close> = nil return 1 end)()",
  "(function() local x <close>, y = false, 2 return y end)()",
  "(function() local x <close> = {} return 1 end)()",
  "(function() local x <close> = 42 return 1 end)()",
  "'\\u{48}\\u{E4}\\u{20AC}\\u{1F600}'", "'\\u{7FFFFFFF}'", "'a\\u{0}b'", "\"\\u{10FFFF}\"",
  "'\\z   \\u{41}'",
  -- comments and strings that look like the new syntax do not count
  "'//' .. [[ & ]] -- a // b",
}

local function escape(s)
  return (s:gsub("[%z\1-\31\\\127-\255]", function(c)
    return string.format("\\x%02X", c:byte())
  end))
end

local function format(v)
  local t = type(v)
  if t == "number" then
    return string.format("%.17g", v)
  elseif t == "string" then
    return '"' .. escape(v)
  elseif t == "table" then
    -- the array part and the fields x and 4 (what the cases above build)
    local parts = {}
    for i = 1, #v do parts[#parts + 1] = format(v[i]) end
    for _, k in ipairs({4, "x"}) do
      if v[k] ~= nil then parts[#parts + 1] = tostring(k) .. "=" .. format(v[k]) end
    end
    return "{" .. table.concat(parts, ",") .. "}"
  else
    return tostring(v)
  end
end

local function message(m)
  m = tostring(m):gsub("^[^:]*:%d+: ", "")
  return (m:gsub("%s*%((%a+) '[^']*'%)$", ""))
end

for _, e in ipairs(expressions) do
  local f, err = load("return " .. e)
  if not f then
    print(e .. "\terr\t" .. message(err))
  else
    local r = table.pack(pcall(f))
    if r[1] then
      local out = {}
      for i = 2, r.n do out[#out + 1] = format(r[i]) end
      print(e .. "\tok\t" .. table.concat(out, "\t"))
    else
      print(e .. "\terr\t" .. message(r[2]))
    end
  end
end
