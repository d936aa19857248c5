//! Hard limits that keep parsing and every later phase bounded on hostile input.

/// Files larger than this are refused with a diagnostic instead of being parsed.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// Deepest nesting of `(`, `{` allowed inside one item. Policies need a handful of levels;
/// the limit keeps the recursive-descent parser far from the end of the stack.
pub const MAX_NESTING: usize = 48;

/// Deepest expression tree allowed (a chain `a and b and c ...` counts one level per operand).
/// Every later phase recurses over expressions, so this bounds their stack use too.
pub const MAX_EXPR_DEPTH: usize = 200;

/// The most top-level items one file may hold.
pub const MAX_ITEMS: usize = 500_000;

/// The longest string literal, in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
