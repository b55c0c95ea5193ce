-- Writes cases.tsv: what the reference Lua 5.4 returns for string.find, match, gmatch and gsub
-- (and string.byte and rep)
-- over a set of patterns and subjects (hand-picked ones for every feature and error of the
-- manual's section 6.4.1, then seeded random ones). PatternDifferentialTest replays every line
-- against the sandbox's own matcher, so lua5.4 is needed only to regenerate the file:
--
--   cd lua-binding/src/test/resources/lua54-patterns && lua5.4 generate.lua > cases.tsv
--
-- Line formats (tab-separated):
--   fixture <TAB> @name <TAB> Lua source of an expression (a gsub replacement table or function)
--   function <TAB> arg... <TAB> => <TAB> ok <TAB> result...   (gmatch: iterations split by "|")
--   function <TAB> arg... <TAB> => <TAB> err <TAB> message
-- Values: "text (string; bytes outside printable ASCII, backslash and tab as \xHH), #123
-- (integer), ~ (nil), !t / !f (booleans), @name (a fixture).

assert(_VERSION == "Lua 5.4", "run with lua5.4")

local fixtures = {
  {"@table", "{a = '<A>', b = false, c = 3, ab = '<AB>', ['1'] = 'one'}"},
  {"@upper", "function(s) if type(s) == 'string' then return s:upper() end return s end"},
  {"@join", "function(...) local t = table.pack(...) local o = {} "
      .. "for i = 1, t.n do o[i] = tostring(t[i]) end return table.concat(o, '|') end"},
  {"@nil", "function() return nil end"},
  {"@false", "function() return false end"},
  {"@bad", "function() return {} end"},
}
local fixtureValue = {}

local function escape(s)
  return (s:gsub("[%z\1-\31\\\127-\255]", function(c)
    return string.format("\\x%02x", c:byte())
  end))
end

local function encode(v)
  local t = type(v)
  if t == "nil" then return "~" end
  if t == "boolean" then return v and "!t" or "!f" end
  if t == "number" then
    assert(math.type(v) == "integer", "non-integer result")
    return "#" .. string.format("%d", v)
  end
  if t == "string" then return '"' .. escape(v) end
  if fixtureValue[v] then return fixtureValue[v] end
  error("cannot encode " .. t)
end

local out = {}
for _, f in ipairs(fixtures) do
  local value = assert(load("return " .. f[2]))()
  fixtureValue[value] = f[1]
  fixtureValue[f[1]] = value
  out[#out + 1] = "fixture\t" .. f[1] .. "\t" .. f[2]
end

local function run(name, ...)
  local args = table.pack(...)
  local encoded = {}
  for i = 1, args.n do encoded[i] = encode(args[i]) end
  local results
  local ok, err = pcall(function()
    if name == "gmatch" then
      local parts, count = {}, 0
      for a, b, c, d in string.gmatch(table.unpack(args, 1, args.n)) do
        count = count + 1
        if count > 40 then break end
        local values = table.pack(a, b, c, d)
        local n = values.n
        while n > 0 and values[n] == nil do n = n - 1 end
        for i = 1, n do parts[#parts + 1] = encode(values[i]) end
        parts[#parts + 1] = "|"
      end
      results = parts
    else
      local values = table.pack(string[name](table.unpack(args, 1, args.n)))
      results = {}
      for i = 1, values.n do results[i] = encode(values[i]) end
    end
  end)
  local line = name .. "\t" .. table.concat(encoded, "\t") .. "\t=>\t"
  if ok then
    line = line .. "ok" .. (#results > 0 and "\t" .. table.concat(results, "\t") or "")
  else
    -- Where the error was raised (this script's line) is not part of what is compared.
    line = line .. "err\t" .. escape((tostring(err):gsub("^generate%.lua:%d+: ", "")))
  end
  out[#out + 1] = line
end

local patterns = {
  "", "a", "abc", ".", "..", "a*", "a+", "a-", "a?", "a*b", "a+b", "a-b", "a?b", "^a", "^a*",
  "a$", "^$", "^", "$", "a$b", "^^", "$$", "a.b", "%a+", "%A+", "%c", "%C+", "%d+", "%D+", "%g+",
  "%G", "%l+", "%L+", "%p+", "%P+", "%s+", "%S+", "%u+", "%U+", "%w+", "%W+", "%x+", "%X+",
  "%z", "%%", "%.", "%]", "%-", "[abc]", "[^abc]", "[a-c]+", "[^a-c]+", "[%a_][%w_]*", "[]]",
  "[^]]", "[]a]", "[a-]", "[-a]", "[%]]", "[%-a]", "[a%-z]", "[%d%s]+", "[^%s]+", "[.]", "[%%]",
  "[a-c-e]", "[\0-\31]+", "[\128-\255]+", "(a)", "(a)(b)", "()a()", "(()a)", "((a)(b))", "(a*)",
  "(a-)", "(.-)b", "(.*)b", "(%w+)%s*=%s*(%w+)", "(a)%1", "(a*)%1", "(.)%1", "((a)%2)", "()",
  "(()())", "%b()", "%b{}", "%b''", "%bab", "(%b())", "%f[%w]%w+", "%f[%W]", "%f[%a]",
  "%f[^%z]", "%f[%z]", "x%f[%d]", ".-$", ".*$", "^.-", "a.-b", "a.*b", "[a-z]+$", "^(%s*)(.-)(%s*)$",
  "%s*$", "(h)(e)(l)(l)(o)", "\0", "%z+", "a\0", "[%z]",
  -- errors
  "%", "a%", "[a", "[a%", "[", "[^", "(a", "a)", "%1", "(a)%2", "%b", "%bx", "%f", "%fa",
  "((a)", "(()", "%0", "[]", "[^]", "%f[a", "(()%1)",
}
local subjects = {
  "", "a", "aaa", "abc", "aab", "baaac", "hello world", "x = 1, y = 22", "f(a(b)c)d", "{x{y}}",
  "'q'", "a.b-c]d%e", "  trim  ", "\0a\0", "caf\195\169", "abcabcabc", "ABC def 123 _!",
  "a\tb\nc", "]-^$", "ab\0ab",
}

for _, p in ipairs(patterns) do
  for _, s in ipairs(subjects) do
    run("find", s, p)
    run("match", s, p)
    run("gmatch", s, p)
    run("gsub", s, p, "<%0>")
  end
end

-- init positions, plain finds, gmatch's init
for _, p in ipairs({"a", "", "b+", "^a", "(a)", "a.", "%", "[a"}) do
  for _, s in ipairs({"", "abab", "aaa"}) do
    for _, init in ipairs({-100, -3, -1, 0, 1, 2, 3, 4, 5, 100}) do
      run("find", s, p, init)
      run("find", s, p, init, true)
      run("match", s, p, init)
      run("gmatch", s, p, init)
    end
  end
end

-- gsub replacements and counts
local repls = {"x", "", "%%", "%0%0", "%1", "%1-%2", "%2", "%", "%x", "a%", 7, "@table", "@upper",
  "@join", "@nil", "@false", "@bad"}
for _, p in ipairs({"%w+", "(%w)(%w?)", "()(a)", "", "^a", "b*", "(a)(b)(c)", "%s*$", "%f[%w]"}) do
  for _, s in ipairs({"", "abc", "a b c", "ab ab", "1 c"}) do
    for _, r in ipairs(repls) do
      local repl = fixtureValue[r] or r
      run("gsub", s, p, repl)
      for _, n in ipairs({0, 1, 2}) do
        run("gsub", s, p, repl, n)
      end
    end
  end
end

-- string.byte ranges and string.rep separators, also replaced by the sandbox
for _, s in ipairs({"", "abc", "hello"}) do
  for _, i in ipairs({-100, -2, -1, 0, 1, 2, 3, 6, 100, 1 << 40}) do
    run("byte", s, i)
    for _, j in ipairs({-100, -2, -1, 0, 1, 2, 3, 6, 100, 1 << 40}) do
      run("byte", s, i, j)
    end
  end
  for _, n in ipairs({-1, 0, 1, 3}) do
    run("rep", s, n)
    run("rep", s, n, ",")
    run("rep", s, n, "")
  end
end

-- seeded random patterns over a small alphabet
math.randomseed(20261201)
local tokens = {"a", "b", ".", "%a", "%d", "%s", "%w", "%p", "%%", "[ab]", "[^a]", "[a-c]", "(",
  ")", "()", "*", "+", "-", "?", "^", "$", "%b()", "%f[%w]", "%1", "%2", "[", "]", "%", " "}
local letters = {"a", "a", "b", "(", ")", "1", " ", ".", "%", "]"}
for _ = 1, 3000 do
  local p = {}
  for i = 1, math.random(1, 6) do p[i] = tokens[math.random(#tokens)] end
  local s = {}
  for i = 1, math.random(0, 10) do s[i] = letters[math.random(#letters)] end
  local fn = ({"find", "match", "gmatch", "gsub"})[math.random(4)]
  if fn == "gsub" then
    run(fn, table.concat(s), table.concat(p), "<%0>")
  else
    run(fn, table.concat(s), table.concat(p))
  end
end

io.write(table.concat(out, "\n"), "\n")
