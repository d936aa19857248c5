-- A session in headless Neovim with the configuration of docs/editors.md: each step asks the
-- edict language server what a user's keys would, and writes what came back to `$OUT` as JSON.
-- Run by cli/tests/it/neovim.rs, from the copy of the policies in `$WS`.
local ws, out = os.getenv('WS'), os.getenv('OUT')
local results = {}

local function fail(msg)
  results.error = msg
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(results))
  f:close()
  vim.cmd('qa!')
end

local function open(path)
  vim.cmd.edit(ws .. '/' .. path)
  local buf = vim.api.nvim_get_current_buf()
  local ok = vim.wait(30000, function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'edict' }) > 0
  end, 50)
  if not ok then fail('the edict server did not attach to ' .. path) end
  return buf, vim.lsp.get_clients({ bufnr = buf, name = 'edict' })[1]
end

-- The position of the first `needle` in a buffer, `skip` bytes into it, as LSP wants it.
local function position(buf, needle, skip, client)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i, line in ipairs(lines) do
    local s = line:find(needle, 1, true)
    if s then
      local col = vim.str_utfindex(line, client.offset_encoding, s - 1 + (skip or 0), false)
      return { line = i - 1, character = col }
    end
  end
  fail('no `' .. needle .. '` in the buffer')
end

local function request(buf, client, method, params)
  local reply = client:request_sync(method, params, 10000, buf)
  if not reply then fail(method .. ' timed out') end
  if reply.err then fail(method .. ': ' .. reply.err.message) end
  return reply.result
end

local function doc(buf) return { uri = vim.uri_from_bufnr(buf) } end

-- 1. Diagnostics after CJK text and an emoji, where Neovim puts them (byte columns).
local cjk, client = open('cjk.edict')
vim.wait(15000, function() return #vim.diagnostic.get(cjk) > 0 end, 50)
results.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(cjk)) do
  table.insert(results.diagnostics, { code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col })
end

-- 2. Hover on a set name.
local transit = open('transit.edict')
local hover = request(transit, client, 'textDocument/hover',
  { textDocument = doc(transit), position = position(transit, 'transit_countries', 2, client) })
results.hover = hover and hover.contents and hover.contents.value or ''

-- 3. Definition across files: `hengqin` is declared in ports.edict.
local def = request(transit, client, 'textDocument/definition',
  { textDocument = doc(transit), position = position(transit, 'arrival_port: hengqin', 15, client) })
local loc = def[1] or def
results.definition = { file = vim.fs.basename(vim.uri_to_fname(loc.uri or loc.targetUri)),
  line = (loc.range or loc.targetSelectionRange).start.line }

-- 4. Completion after `in `: the order a client shows, by `sortText`.
local after_in = position(transit, 'arrival_port in ', #'arrival_port in ', client)
local completion = request(transit, client, 'textDocument/completion',
  { textDocument = doc(transit), position = after_in })
local items = completion.items or completion
table.sort(items, function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
results.completion = {}
for i = 1, math.min(5, #items) do table.insert(results.completion, items[i].label) end

-- 5. Rename across files, applied as Neovim applies it, every buffer written.
local edit = request(transit, client, 'textDocument/rename', {
  textDocument = doc(transit),
  position = position(transit, 'transit_countries', 2, client),
  newName = 'eligible_nationalities',
})
vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
vim.cmd('silent! wall')
results.renamed_files = vim.tbl_count(edit.changes or {}) + #(edit.documentChanges or {})

-- 6. Formatting: a badly laid out file, formatted through the server and written.
local messy = open('messy.edict')
vim.lsp.buf.format({ bufnr = messy, timeout_ms = 10000 })
vim.cmd('silent! write')
results.formatted = table.concat(vim.api.nvim_buf_get_lines(messy, 0, -1, false), '\n')
-- The same for a file without a final newline, one with CRLF line endings and one with a byte
-- order mark: the bytes written are checked against `edict fmt --check`.
for _, name in ipairs({ 'noeol.edict', 'crlf.edict', 'bom.edict' }) do
  local buf = open(name)
  vim.lsp.buf.format({ bufnr = buf, timeout_ms = 10000 })
  vim.cmd('silent! write')
end

-- 7. Tree-sitter, set up as docs/editors.md says: the parser, highlights and folds.
vim.cmd.edit(ws .. '/transit.edict')
local ts_buf = vim.api.nvim_get_current_buf()
local ok, parser = pcall(vim.treesitter.get_parser, ts_buf, 'edict')
if not ok then fail('no tree-sitter parser for edict: ' .. tostring(parser)) end
local tree = parser:parse()[1]
results.treesitter = {
  has_error = tree:root():has_error(),
  items = tree:root():named_child_count(),
  highlighter = vim.treesitter.highlighter.active[ts_buf] ~= nil,
}
local function captures_at(needle, skip)
  local lines = vim.api.nvim_buf_get_lines(ts_buf, 0, -1, false)
  for i, line in ipairs(lines) do
    local s = line:find(needle, 1, true)
    if s then
      local names = {}
      for _, c in ipairs(vim.treesitter.get_captures_at_pos(ts_buf, i - 1, s - 1 + (skip or 0))) do
        table.insert(names, c.capture)
      end
      return names
    end
  end
  fail('no `' .. needle .. '` in transit.edict')
end
results.treesitter.set_keyword = captures_at('set transit_ports', 0)
results.treesitter.set_name = captures_at('set transit_ports', 4)
local set_line = vim.fn.search('^set transit_ports', 'n')
results.treesitter.fold_start = vim.treesitter.foldexpr(set_line)
results.treesitter.fold_inside = vim.treesitter.foldexpr(set_line + 1)

-- 8. Typing a condition key by key, with completion popping up as docs/editors.md sets it up:
-- what is typed is what stays (no item inserted unasked), and a space asks for names only
-- after `in `. Keys go through Neovim's input queue, read by its main loop once this script
-- has returned, one every 150 ms so that the server's answers come in between.
local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(results))
  f:close()
  vim.cmd('qa!')
end
vim.cmd.edit(ws .. '/typing.edict')
local typing = vim.api.nvim_get_current_buf()
vim.api.nvim_buf_set_lines(typing, 0, -1, false, { 'rule typed for transit_entry {', '', '}' })
if not vim.wait(30000, function()
  return #vim.lsp.get_clients({ bufnr = typing, name = 'edict' }) > 0
end, 50) then fail('the edict server did not attach to typing.edict') end
vim.api.nvim_win_set_cursor(0, { 2, 0 })
local typed = '  when t.arrival_port in transit_ports and t.origin '
results.popups = {}
local k = 0
local function step()
  if vim.fn.pumvisible() == 1 then table.insert(results.popups, typed:sub(1, k)) end
  k = k + 1
  if k > #typed then
    results.typed = vim.api.nvim_buf_get_lines(typing, 1, 2, false)[1]
    vim.api.nvim_input('<Esc>')
    vim.defer_fn(finish, 200)
    return
  end
  vim.api.nvim_input(typed:sub(k, k))
  vim.defer_fn(step, 150)
end
vim.api.nvim_input('i')
vim.defer_fn(step, 300)
vim.defer_fn(function() fail('typing did not finish') end, 60000)
