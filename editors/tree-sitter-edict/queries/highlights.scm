; Highlights for Edict. Capture names resolve in both Neovim (nvim-treesitter) and Helix:
; a name one editor does not know falls back to its prefix (`@variable.member` → `variable`).
; No node is captured twice (a test checks it), so the order of the patterns does not matter:
; Neovim lets the last capture win and Helix the first, and both show the same.

((comment) @comment
  (#not-match? @comment "^///"))
((comment) @comment.documentation
  (#match? @comment.documentation "^///"))

; ---- keywords ------------------------------------------------------------------------------
[
  "source" "enum" "entity" "record" "catalogue" "set" "amend" "decision" "rule"
  "condition" "test" "value" "relation" "request" "labels"
] @keyword

(priority_clause "priority" @keyword)

[
  "from" "until" "cite" "but" "says" "item" "announced" "partial" "add" "remove" "move" "into"
  "for" "as" "of" "zone" "hit" "otherwise" "when" "then" "given" "expect" "cases"
  "identified" "by" "in"
] @keyword

[ "and" "or" "not" "union" "intersect" "except" ] @keyword.operator

(hit_clause policy: [ "unique" "first" "priority" "collect" ] @constant.builtin)

; ---- names -----------------------------------------------------------------------------------
(type name: (identifier) @type)
(enum_declaration name: (identifier) @type)
(entity_declaration name: (identifier) @type)
(record_declaration name: (identifier) @type)
(catalogue_declaration type: (identifier) @type)

(decision_declaration name: (identifier) @function)
(rule_declaration name: (identifier) @function)
(condition_declaration name: (identifier) @function)
(test_declaration name: (identifier) @function)
(rule_declaration decision: (identifier) @function)
(condition_declaration decision: (identifier) @function)
(test_declaration decision: (identifier) @function)
(request_declaration name: (identifier) @function)
(request_declaration decision: (identifier) @function)
(given_base request: (identifier) @function)
(expect_rule rule: (identifier) @function)

(set_declaration name: (identifier) @constant)
(amend_declaration set: (identifier) @constant)
(value_declaration name: (identifier) @constant)
(relation_declaration name: (identifier) @constant)
(source_declaration name: (identifier) @constant)
(cite_clause source: (identifier) @constant)
(ended_by source: (identifier) @constant)
(covers_clause "covers" @keyword)
(covers_clause set: (identifier) @variable)
(but_clause source: (identifier) @constant)
(enum_variant) @constant
(member) @constant
(catalogue_entry name: (identifier) @constant)
(catalogue_entry parent: (identifier) @constant)
(label_entry name: (identifier) @type)
(label_entry member: (identifier) @variable.member)
(relation_entry key: (identifier) @constant)

(parameter name: (identifier) @variable.parameter)
(given_clause name: (identifier) @variable.parameter)
(field_declaration name: (identifier) @variable.member)
(field_initializer name: (identifier) @variable.member)
(field_expression field: (identifier) @variable.member)
(identified_clause (identifier) @variable.member)
(field_expression value: (identifier) @variable)
(index_expression value: (identifier) @constant)

; ---- names used in expressions ---------------------------------------------------------------
; Without the server's resolution a name is coloured by where it stands: a named condition
; where a condition goes; an input on the left of a comparison; a set, an entry or an enum
; value where a value goes (right of `in` or `==`, in a list, a record, a row of cases, a set
; formula).
(when_clause (identifier) @function)
(binary_expression left: (identifier) @function operator: [ "and" "or" ])
(binary_expression operator: [ "and" "or" ] right: (identifier) @function)
(not_expression operand: (identifier) @function)
(binary_expression
  left: (identifier) @variable
  operator: [ "==" "!=" "<=" ">=" "<" ">" "in" "+" "-" (not_in) ])
(binary_expression
  operator: [ "==" "!=" "<=" ">=" "<" ">" "in" "+" "-" (not_in) ]
  right: (identifier) @constant)
(list (identifier) @constant)
(field_initializer value: (identifier) @constant)
(case_row (identifier) @constant)
(set_operation left: (identifier) @constant)
(set_operation right: (identifier) @constant)
(amend_operation into: (identifier) @constant)

; ---- literals --------------------------------------------------------------------------------
(string) @string
(escape_sequence) @string.escape
[ (date) (datetime) (duration) ] @string.special
; `@number` is Neovim's name for numbers (Helix calls them `constant.numeric` and shows these
; plain).
(integer) @number
(boolean) @constant.builtin

; ---- operators and punctuation ---------------------------------------------------------------
[ "==" "!=" "<=" ">=" "<" ">" "+" "-" ".." "->" "=>" "=" "?" ] @operator
[ "(" ")" "[" "]" "{" "}" ] @punctuation.bracket
[ "," ":" "." ] @punctuation.delimiter
