-- bench/record/workloads/tables.lua: a Lua workload for the recorder: string
-- building, table growth (Lua's allocator is realloc-only) and a word count.
local words = {}
local byLetter = {} -- arrays grown one word at a time: Lua reallocs their array parts
for line in io.lines(arg[1]) do
  for w in line:gmatch("%a+") do
    w = w:lower()
    words[w] = (words[w] or 0) + 1
    local c = w:sub(1, 1)
    local a = byLetter[c] or {}
    byLetter[c] = a
    a[#a + 1] = #w
    if #a > 300 then byLetter[c] = nil end
  end
end
local list = {}
for w, n in pairs(words) do list[#list + 1] = { w = w, n = n } end
table.sort(list, function(a, b) if a.n ~= b.n then return a.n > b.n end return a.w < b.w end)
local parts = {}
for i = 1, math.min(200, #list) do parts[#parts + 1] = string.format("%s=%d", list[i].w, list[i].n) end
local s = table.concat(parts, ",")
local acc = ""
for i = 1, 300 do acc = acc .. s:sub(i, i + 40) .. "\n" end
local fib = { 1, 1 }
for i = 3, 2000 do fib[i] = (fib[i - 1] + fib[i - 2]) % 1000003 end
print(#s, #acc, fib[2000])
-- arrays grown one element at a time: Lua reallocs the array part (doubling)
local keep = {}
for k = 1, 60 do
  local t = {}
  for i = 1, 40 * (k % 7 + 1) do t[i] = i end
  keep[k % 5 + 1] = t
end
print(#keep)
