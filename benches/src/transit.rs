//! The benchmark requests of the 240-hour transit decision: varied on purpose, so that every
//! condition both holds and fails (nationals of listed and unlisted countries, designated and
//! other ports, arrivals before and after the five ports were added on 2025-11-05, onward travel
//! back to the origin or to mainland China, stays under, at and over 240 hours); and the
//! realistic requests, drawn over every entry of the catalogues (`realistic_requests`).

use edict_runtime::artifact::{Artifact, DecisionTable, Domain};
use edict_runtime::value::parse_datetime;
use edict_runtime::{TypeDesc, Value};
use edict_testkit::Rng;

/// The decision the side-by-side benchmarks compare.
pub const DECISION: &str = "transit_entry";

/// The fields of the transit traveller record, by name.
struct Fields {
    count: usize,
    nationality: usize,
    origin: usize,
    port: usize,
    arrival: usize,
    destination: usize,
    departure: usize,
}

/// Position of a record field of the decision's single parameter, by name.
pub fn field(a: &Artifact, d: &DecisionTable, name: &str) -> Result<usize, String> {
    record_fields(a, d)?
        .iter()
        .position(|(f, _)| f == name)
        .ok_or_else(|| format!("`{}` has no input field `{name}`", d.name))
}

/// The fields of the decision's single record parameter.
pub fn record_fields<'a>(
    a: &'a Artifact,
    d: &DecisionTable,
) -> Result<&'a [(String, TypeDesc)], String> {
    match d.params.as_slice() {
        [(_, TypeDesc::Record(r))] => a
            .records
            .get(*r as usize)
            .map(|r| r.fields.as_slice())
            .ok_or_else(|| format!("`{}`: unknown record", d.name)),
        _ => Err(format!("`{}` does not take one record", d.name)),
    }
}

/// The type name and entity name of an entity value `(type, entity)`.
pub fn entity_names(a: &Artifact, t: u32, e: u32) -> Result<(&str, &str), String> {
    let ty = a
        .catalogue
        .entity_types
        .get(t as usize)
        .ok_or("bad entity type")?;
    let ent = ty.entities.get(e as usize).ok_or("bad entity")?;
    Ok((&ty.name, &ent.name))
}

/// Index of an entity type by name.
pub fn entity_type(a: &Artifact, name: &str) -> Result<u32, String> {
    a.catalogue
        .entity_types
        .iter()
        .position(|t| t.name == name)
        .map(|i| i as u32)
        .ok_or_else(|| format!("no entity type `{name}`"))
}

/// One version of a set: from which day (none: always), and its members.
pub type SetVersion = (Option<i64>, Vec<u32>);

/// The slices of a set: `(from day, members)`.
pub fn set_slices(a: &Artifact, name: &str) -> Result<Vec<SetVersion>, String> {
    let s = a
        .sets
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("no set `{name}`"))?;
    if !matches!(s.domain, Domain::Entity(_)) {
        return Err(format!("set `{name}` does not hold entities"));
    }
    Ok(s.slices
        .iter()
        .map(|sl| (sl.from, sl.members.clone()))
        .collect())
}

/// What the request generators draw from: the decision's fields, the catalogues' sizes, and
/// the sets the rule tests.
struct Catalogue {
    fields: Fields,
    country: u32,
    port: u32,
    n_countries: usize,
    n_ports: usize,
    /// Mainland China, which onward travel may not go to.
    cn: u32,
    /// The eligible nationalities (the last version of `transit_countries`).
    listed: Vec<u32>,
    /// The versions of `transit_ports`.
    ports: Vec<SetVersion>,
}

impl Catalogue {
    fn of(a: &Artifact) -> Result<Catalogue, String> {
        let d = a
            .decisions
            .iter()
            .find(|d| d.name == DECISION)
            .ok_or_else(|| format!("no decision `{DECISION}`"))?;
        let fields = Fields {
            count: record_fields(a, d)?.len(),
            nationality: field(a, d, "nationality")?,
            origin: field(a, d, "origin")?,
            port: field(a, d, "arrival_port")?,
            arrival: field(a, d, "arrival")?,
            destination: field(a, d, "onward_destination")?,
            departure: field(a, d, "onward_departure")?,
        };
        let country = entity_type(a, "Country")?;
        let port = entity_type(a, "Port")?;
        let cn = a.catalogue.entity_types[country as usize]
            .entities
            .iter()
            .position(|e| e.name == "cn")
            .ok_or("no country `cn`")? as u32;
        Ok(Catalogue {
            fields,
            country,
            port,
            n_countries: a.catalogue.entity_types[country as usize].entities.len(),
            n_ports: a.catalogue.entity_types[port as usize].entities.len(),
            cn,
            listed: set_slices(a, "transit_countries")?
                .last()
                .map(|s| s.1.clone())
                .unwrap_or_default(),
            ports: set_slices(a, "transit_ports")?,
        })
    }

    /// One request: the traveller record with these values.
    fn request(&self, t: Traveller) -> Vec<Value> {
        let f = &self.fields;
        let mut fields = vec![Value::Absent; f.count];
        fields[f.nationality] = Value::Entity(self.country, t.nationality);
        fields[f.origin] = Value::Entity(self.country, t.origin);
        fields[f.port] = Value::Entity(self.port, t.port);
        fields[f.arrival] = Value::DateTime(t.arrival);
        fields[f.destination] = Value::Entity(self.country, t.destination);
        fields[f.departure] = Value::DateTime(t.arrival + t.stay);
        vec![Value::Record(fields)]
    }
}

/// One traveller of a generated request: entries by index, times in seconds.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Traveller {
    nationality: u32,
    port: u32,
    arrival: i64,
    origin: u32,
    destination: u32,
    stay: i64,
}

/// `n` varied requests of the transit decision, deterministic for a seed.
pub fn requests(a: &Artifact, n: usize, seed: u64) -> Result<Vec<Vec<Value>>, String> {
    let c = Catalogue::of(a)?;
    let (n_countries, n_ports, cn) = (c.n_countries, c.n_ports, c.cn);
    let listed = &c.listed;
    let unlisted: Vec<u32> = (0..n_countries as u32)
        .filter(|x| !listed.contains(x))
        .collect();
    let ports = &c.ports;
    let base = ports.first().map(|s| s.1.clone()).unwrap_or_default();
    let latest = ports.last().map(|s| s.1.clone()).unwrap_or_default();
    let added: Vec<u32> = latest
        .iter()
        .copied()
        .filter(|p| !base.contains(p))
        .collect();
    let other: Vec<u32> = (0..n_ports as u32)
        .filter(|p| !latest.contains(p) && !base.contains(p))
        .collect();

    let day0 = parse_datetime("2025-10-22T00:00").ok_or("bad date")?;
    let amended = parse_datetime("2025-11-05T00:00").ok_or("bad date")?;
    let mut rng = Rng::new(seed);
    let pick = |rng: &mut Rng, from: &[u32], all: usize| -> u32 {
        if from.is_empty() {
            rng.below(all) as u32
        } else {
            from[rng.below(from.len())]
        }
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let nationality = if rng.below(10) < 6 {
            pick(&mut rng, listed, n_countries)
        } else {
            pick(&mut rng, &unlisted, n_countries)
        };
        let arrival_port = match rng.below(10) {
            0..=3 => pick(&mut rng, &base, n_ports),
            4..=6 => pick(&mut rng, &added, n_ports),
            _ => pick(&mut rng, &other, n_ports),
        };
        let arrival = match rng.below(20) {
            // Right at the amendment, on either side of midnight.
            0 => amended,
            1 => amended - 60,
            _ => day0 + rng.below(30 * 24 * 60) as i64 * 60,
        };
        let origin = rng.below(n_countries) as u32;
        let destination = match rng.below(10) {
            0 | 1 => origin,
            2 => cn,
            _ => rng.below(n_countries) as u32,
        };
        let hour = 3600;
        let stay = match rng.below(20) {
            0..=7 => 60 + rng.below(240 * 60 - 1) as i64 * 60,
            8..=12 => 240 * hour + 60 + rng.below(56 * 60) as i64 * 60,
            13 | 14 => 240 * hour,
            15 | 16 => 240 * hour + 60,
            17 => 0,
            _ => -(rng.below(48 * 60) as i64 + 1) * 60,
        };
        out.push(c.request(Traveller {
            nationality,
            port: arrival_port,
            arrival,
            origin,
            destination,
            stay,
        }));
    }
    Ok(out)
}

/// The share of realistic requests drawn as eligible travellers: 60%, the share of foreign
/// arrivals that entered China visa-free in the third quarter of 2024 (4.885 million of 8.186
/// million, 59.7%: National Immigration Administration, quarterly figures of 2024-10-18).
/// The transit decision is asked of travellers who consider it, so the share of those who
/// qualify is not lower than among all foreign arrivals; the figure is a floor, not a model.
pub const REALISTIC_ELIGIBLE_PERCENT: usize = 60;

/// `n` distinct requests of the transit decision drawn over every entry of the catalogues:
/// [`REALISTIC_ELIGIBLE_PERCENT`] of them built to be eligible (a listed nationality, a port
/// designated on the day of arrival, onward travel to a third country, a stay within 240
/// hours), the others with every field drawn uniformly over its whole catalogue (all 271
/// countries, every port) and arrivals over 14 months around both versions of the port list,
/// stays from 48 hours before arrival to 20 days after. Unlike [`requests`], no value is
/// favoured, so a decision cannot be served from a few hot cache lines. Deterministic for a
/// seed; no two requests are equal.
pub fn realistic_requests(a: &Artifact, n: usize, seed: u64) -> Result<Vec<Vec<Value>>, String> {
    let c = Catalogue::of(a)?;
    let (n_countries, n_ports, cn) = (c.n_countries, c.n_ports, c.cn);
    let (listed, ports) = (&c.listed, &c.ports);
    let begun = ports
        .first()
        .and_then(|s| s.0)
        .ok_or("transit_ports has no first day")?;
    if listed.is_empty() || ports.iter().any(|s| s.1.is_empty()) || n_countries < 3 {
        return Err("the transit sets are empty".into());
    }
    let day = 86_400;
    let (first_day, last_day) = (begun - 30, begun + 14 * 30);
    let mut rng = Rng::new(seed);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0usize;
    while out.len() < n {
        attempts += 1;
        if attempts > n.saturating_mul(4).max(1000) {
            return Err(format!(
                "only {} distinct requests in {attempts} draws",
                out.len()
            ));
        }
        let eligible = rng.below(100) < REALISTIC_ELIGIBLE_PERCENT;
        let (nationality, arrival_port, arrival, origin, destination, stay);
        if eligible {
            nationality = listed[rng.below(listed.len())];
            let arrival_day = begun + rng.below((last_day - begun) as usize) as i64;
            let in_force = ports
                .iter()
                .rev()
                .find(|s| s.0.is_none_or(|f| f <= arrival_day))
                .map(|s| s.1.as_slice())
                .unwrap_or_default();
            arrival_port = in_force[rng.below(in_force.len())];
            arrival = arrival_day * day + rng.below(24 * 60) as i64 * 60;
            origin = rng.below(n_countries) as u32;
            destination = loop {
                let c = rng.below(n_countries) as u32;
                if c != origin && c != cn {
                    break c;
                }
            };
            stay = 60 + rng.below(240 * 60) as i64 * 60;
        } else {
            nationality = rng.below(n_countries) as u32;
            arrival_port = rng.below(n_ports) as u32;
            let arrival_day = first_day + rng.below((last_day - first_day) as usize) as i64;
            arrival = arrival_day * day + rng.below(24 * 60) as i64 * 60;
            origin = rng.below(n_countries) as u32;
            destination = rng.below(n_countries) as u32;
            stay = (rng.below(22 * 24 * 60) as i64 - 48 * 60) * 60;
        }
        let t = Traveller {
            nationality,
            port: arrival_port,
            arrival,
            origin,
            destination,
            stay,
        };
        if seen.insert(t) {
            out.push(c.request(t));
        }
    }
    Ok(out)
}
