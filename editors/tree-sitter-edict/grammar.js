/**
 * @file Edict: a declarative language for border and immigration rules.
 * @license Apache-2.0
 *
 * The tree-sitter grammar for editors (highlighting, locals, folds). The reference grammar is
 * grammar/src/edict.pest; a test (lsp/tests/tree_sitter.rs) keeps this one in step with its
 * keywords and parses every .edict file of the repository. Regenerate src/ with
 * tools/tree-sitter/generate.sh after changing this file.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  range: 5,
  add: 6,
  postfix: 7,
};

/** Items separated by optional commas, with an optional trailing comma. */
function loose(rule) {
  return seq(rule, repeat(seq(optional(','), rule)), optional(','));
}

/** Items separated by commas, with an optional trailing comma. */
function commaSep1(rule) {
  return seq(rule, repeat(seq(',', rule)), optional(','));
}

module.exports = grammar({
  name: 'edict',

  word: $ => $.identifier,

  extras: $ => [/\s/, '\uFEFF', $.comment],

  supertypes: $ => [$._expression, $._item],

  rules: {
    source_file: $ => repeat($._item),

    _item: $ => choice(
      $.source_declaration,
      $.enum_declaration,
      $.entity_declaration,
      $.record_declaration,
      $.catalogue_declaration,
      $.set_declaration,
      $.amend_declaration,
      $.decision_declaration,
      $.rule_declaration,
      $.condition_declaration,
      $.test_declaration,
      $.request_declaration,
      $.value_declaration,
      $.relation_declaration,
      $.labels_declaration,
    ),

    comment: _ => token(seq('//', /[^\n]*/)),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    // ---- literals ------------------------------------------------------------------------
    datetime: _ => token(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/),
    date: _ => token(/\d{4}-\d{2}-\d{2}/),
    duration: _ => token(/\d+(min|mo|h|d|w|y)/),
    integer: _ => token(/\d+/),
    string: $ => seq(
      '"',
      repeat(choice($.string_content, $.escape_sequence)),
      token.immediate('"'),
    ),
    string_content: _ => token.immediate(prec(1, /[^"\\\n]+/)),
    escape_sequence: _ => token.immediate(/\\(["\\nt]|u\{[0-9A-Fa-f]{1,6}\})/),
    boolean: _ => choice('true', 'false'),

    // ---- types ---------------------------------------------------------------------------
    type: $ => seq(
      field('name', $.identifier),
      optional(seq('<', $.type, '>')),
      optional('?'),
    ),

    // ---- expressions ---------------------------------------------------------------------
    _expression: $ => choice(
      $.binary_expression,
      $.not_expression,
      $.range_expression,
      $.field_expression,
      $.index_expression,
      $.parenthesized_expression,
      $.record,
      $.list,
      $.identifier,
      $.datetime,
      $.date,
      $.duration,
      $.integer,
      $.string,
      $.boolean,
    ),

    binary_expression: $ => choice(
      prec.left(PREC.or, seq(field('left', $._expression), field('operator', 'or'), field('right', $._expression))),
      prec.left(PREC.and, seq(field('left', $._expression), field('operator', 'and'), field('right', $._expression))),
      prec.left(PREC.compare, seq(
        field('left', $._expression),
        field('operator', choice('==', '!=', '<=', '>=', '<', '>', 'in', $.not_in)),
        field('right', $._expression),
      )),
      prec.left(PREC.add, seq(field('left', $._expression), field('operator', choice('+', '-')), field('right', $._expression))),
    ),

    not_in: _ => seq('not', 'in'),

    not_expression: $ => prec(PREC.not, seq('not', field('operand', $._expression))),

    range_expression: $ => prec.left(PREC.range, seq(
      field('start', $._expression), '..', field('end', $._expression),
    )),

    field_expression: $ => prec(PREC.postfix, seq(
      field('value', $._expression), '.', field('field', $.identifier),
    )),

    index_expression: $ => prec(PREC.postfix, seq(
      field('value', $._expression), '[', field('index', $._expression), ']',
    )),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    record: $ => seq('{', optional(loose($.field_initializer)), '}'),

    field_initializer: $ => seq(field('name', $.identifier), ':', field('value', $._expression)),

    list: $ => seq('[', optional(commaSep1($._expression)), ']'),

    // ---- clauses shared by several items -------------------------------------------------
    from_clause: $ => seq('from', $._expression),
    // `until 2024-12-17 by nia_2024_12_17 item 1`: the later announcement that ended it.
    until_clause: $ => seq('until', $._expression, optional($.ended_by)),
    // `covers transit_ports`: the set whose members a relation holds an entry for.
    covers_clause: $ => seq('covers', field('set', $.identifier)),
    ended_by: $ => seq('by', field('source', $.identifier), optional(seq('item', field('item', $.integer)))),
    cite_clause: $ => seq('cite', field('source', $.identifier), optional(seq('item', field('item', $.integer)))),
    // `but nia_2025_11 item 4 says 144h "words"`: another source states the fact otherwise.
    but_clause: $ => prec.right(seq(
      'but', field('source', $.identifier), optional(seq('item', field('item', $.integer))),
      'says', field('says', $._expression), optional(field('quote', $.string)),
    )),
    announced_clause: $ => seq('announced', $.integer, optional('partial')),

    // ---- items ---------------------------------------------------------------------------
    source_declaration: $ => seq(
      'source', field('name', $.identifier),
      '{', optional(loose($.field_initializer)), '}',
    ),

    // `labels { transit_entry { en: "Visa-free transit", zh: "过境免签" } }`
    labels_declaration: $ => seq('labels', '{', repeat($.label_entry), '}'),

    label_entry: $ => seq(
      field('name', $.identifier),
      optional(seq(token.immediate('.'), field('member', $.identifier))),
      field('texts', $.record),
    ),

    enum_declaration: $ => seq(
      'enum', field('name', $.identifier),
      '{', optional(loose(alias($.identifier, $.enum_variant))), '}',
    ),

    entity_declaration: $ => prec.right(seq(
      'entity', field('name', $.identifier),
      optional(seq('in', field('parent', $.type))),
      optional($.identified_clause),
      optional($.field_declarations),
    )),

    identified_clause: $ => seq('identified', 'by', $.identifier, repeat(seq(',', $.identifier))),

    field_declarations: $ => seq('{', optional(loose($.field_declaration)), '}'),

    field_declaration: $ => seq(field('name', $.identifier), ':', field('type', $.type)),

    record_declaration: $ => seq('record', field('name', $.identifier), $.field_declarations),

    catalogue_declaration: $ => seq(
      'catalogue', field('type', $.identifier),
      '{', optional(loose($.catalogue_entry)), '}',
    ),

    catalogue_entry: $ => prec.right(seq(
      field('name', $.identifier),
      optional(seq('in', field('parent', $.identifier))),
      optional(field('attributes', $.record)),
    )),

    set_declaration: $ => seq(
      'set', field('name', $.identifier), ':', field('type', $.type),
      repeat(choice($.from_clause, $.until_clause, $.announced_clause, $.cite_clause)),
      choice($.member_block, $.set_formula),
    ),

    member_block: $ => seq('{', optional(loose(alias($.identifier, $.member))), '}'),

    set_formula: $ => seq('=', $._set_expression),

    _set_expression: $ => choice($.set_operation, $.parenthesized_set, $.identifier),

    set_operation: $ => prec.left(seq(
      field('left', $._set_expression),
      field('operator', choice('union', 'intersect', 'except')),
      field('right', $._set_expression),
    )),

    parenthesized_set: $ => seq('(', $._set_expression, ')'),

    amend_declaration: $ => seq(
      'amend', field('set', $.identifier),
      repeat(choice($.from_clause, $.announced_clause, $.cite_clause)),
      '{', repeat($.amend_operation), '}',
    ),

    amend_operation: $ => choice(
      seq(field('action', choice('add', 'remove')), $.amend_members),
      seq(field('action', 'move'), $.amend_members, 'into', field('into', $.identifier)),
    ),

    amend_members: $ => prec.right(loose(alias($.identifier, $.member))),

    decision_declaration: $ => prec.right(seq(
      'decision', field('name', $.identifier),
      '(', optional(commaSep1($.parameter)), ')',
      '->', field('outcome', $.type),
      optional($.decision_body),
    )),

    parameter: $ => seq(field('name', $.identifier), ':', field('type', $.type)),

    decision_body: $ => seq('{', repeat(choice($.as_of_clause, $.zone_clause, $.hit_clause, $.otherwise_clause)), '}'),

    as_of_clause: $ => seq('as', 'of', $._expression),
    zone_clause: $ => seq('zone', $._expression),
    hit_clause: $ => seq('hit', field('policy', choice('unique', 'first', 'priority', 'collect'))),
    otherwise_clause: $ => seq('otherwise', $._expression),

    rule_declaration: $ => seq(
      'rule', field('name', $.identifier), 'for', field('decision', $.identifier),
      '{',
      repeat(choice(
        $.from_clause, $.until_clause, $.cite_clause, $.priority_clause, $.when_clause, $.then_clause,
      )),
      '}',
    ),

    priority_clause: $ => seq('priority', $.integer),
    when_clause: $ => seq('when', $._expression),
    then_clause: $ => seq('then', $._expression),

    condition_declaration: $ => seq(
      'condition', field('name', $.identifier), 'for', field('decision', $.identifier),
      '{', repeat($.when_clause), '}',
    ),

    test_declaration: $ => seq(
      'test', field('name', $.identifier), 'for', field('decision', $.identifier),
      '{', repeat(choice($.given_clause, $.given_base, $.expect_clause, $.cases_clause)), '}',
    ),

    // `request beijing_visit for transit_stay { given v = { ... } }`: a request tests share.
    request_declaration: $ => seq(
      'request', field('name', $.identifier), 'for', field('decision', $.identifier),
      '{', repeat($.given_clause), '}',
    ),

    // `given beijing_visit`: the test starts from a named request.
    given_base: $ => prec(-1, seq('given', field('request', $.identifier))),

    given_clause: $ => seq('given', field('name', $.identifier), '=', field('value', $._expression)),

    expect_clause: $ => seq('expect', $._expectation),

    _expectation: $ => choice($.expect_rule, $.expect_otherwise, $._expression),
    expect_rule: $ => seq('rule', field('rule', $.identifier)),
    expect_otherwise: _ => 'otherwise',

    cases_clause: $ => seq(
      'cases', '(', commaSep1($._expression), ')',
      '{', repeat($.case_row), '}',
    ),

    case_row: $ => seq(commaSep1($._expression), '=>', $._expectation),

    value_declaration: $ => seq(
      'value', field('name', $.identifier), ':', field('type', $.type),
      '{', repeat($.value_entry), '}',
    ),

    value_entry: $ => prec.right(seq(
      field('value', $._expression),
      repeat(choice($.from_clause, $.until_clause, $.cite_clause, $.but_clause)),
    )),

    relation_declaration: $ => seq(
      'relation', field('name', $.identifier), ':', field('key', $.type), '->', field('value', $.type),
      optional($.covers_clause), '{', repeat(choice($.otherwise_clause, $.relation_entry)), '}',
    ),

    relation_entry: $ => prec.right(seq(
      commaSep1(field('key', $.identifier)), ':', field('value', $._expression),
      repeat(choice($.from_clause, $.until_clause, $.cite_clause, $.but_clause)),
    )),
  },
});
