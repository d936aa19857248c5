# The 240-hour visa-free transit decision (policies/transit.edict) in Rego.
#
# input: the traveller's record. Countries and ports are their names ("us", "hengqin"),
# date-times seconds since 1970-01-01T00:00: {"nationality": "us", "origin": "us",
# "arrival_port": "hengqin", "arrival": 1762768800, "onward_destination": "jp",
# "onward_departure": 1763193600}. The sets, with their amendments, are data generated from
# the compiled Edict artifact (see sets.rego).
package edict.transit

import data.edict.sets
import rego.v1

default decision := {"status": "visa_required"}

decision := {"status": "visa_free_transit", "max_stay": "240h"} if visa_free_transit

# A national of an eligible country, entering at a port designated on the day of arrival, with
# an onward ticket to a third country or region (not back where they came from, not mainland
# China), leaving within 240 hours (the stay limit, from 2024-12-17).
visa_free_transit if {
	sets.in_set(input.nationality, "transit_countries", input.arrival)
	sets.in_set(input.arrival_port, "transit_ports", input.arrival)
	input.onward_destination != input.origin
	input.onward_destination != "cn"
	input.onward_departure > input.arrival
	input.arrival >= 1734393600 # 2024-12-17T00:00
	input.onward_departure - input.arrival <= 240 * 3600
}
