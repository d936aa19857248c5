; Folds for Edict: every item, and the blocks and lists inside one.
[
  (source_declaration)
  (enum_declaration)
  (entity_declaration)
  (record_declaration)
  (catalogue_declaration)
  (set_declaration)
  (amend_declaration)
  (decision_declaration)
  (rule_declaration)
  (condition_declaration)
  (test_declaration)
  (value_declaration)
  (relation_declaration)
  (record)
  (list)
  (cases_clause)
] @fold
