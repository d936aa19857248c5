; Scopes, definitions and references for Edict (nvim-treesitter and Helix).
; Declarations are visible across the whole workspace; the language server resolves names
; between files. Here a file is one scope, and a test's `given` name is local to the test.

(source_file) @local.scope
(test_declaration) @local.scope
(request_declaration) @local.scope

(enum_declaration name: (identifier) @local.definition.type)
(entity_declaration name: (identifier) @local.definition.type)
(record_declaration name: (identifier) @local.definition.type)
(decision_declaration name: (identifier) @local.definition.function)
(rule_declaration name: (identifier) @local.definition.function)
(condition_declaration name: (identifier) @local.definition.function)
(set_declaration name: (identifier) @local.definition.constant)
(value_declaration name: (identifier) @local.definition.constant)
(relation_declaration name: (identifier) @local.definition.constant)
(source_declaration name: (identifier) @local.definition.constant)
(enum_variant) @local.definition.constant
(catalogue_entry name: (identifier) @local.definition.constant)
(parameter name: (identifier) @local.definition.parameter)
(given_clause name: (identifier) @local.definition.var)

(identifier) @local.reference
