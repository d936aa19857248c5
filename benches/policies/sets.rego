# Sets and places of an Edict catalogue, as Rego functions over data generated from the compiled
# artifact (benches/src/rego.rs):
#
#   data.catalogue.sets[name]     the versions of a set, in date order, each
#                                 {"from": s, "until": s, "members": {name: true}}, holding from
#                                 `from` (inclusive) to `until` (exclusive), in seconds since
#                                 1970-01-01T00:00
#   data.catalogue.lineage[name]  an entity and every place it lies in: {name: true}
package edict.sets

import rego.v1

# Is `x`, or a place it lies in, a member of `set` at the date-time `at` (seconds)?
in_set(x, set, at) if {
	some version in data.catalogue.sets[set]
	version.from <= at
	at < version.until
	some place, _ in data.catalogue.lineage[x]
	version.members[place]
}

# Is `x` the place `place` or inside it?
within(x, place) if data.catalogue.lineage[x][place]
