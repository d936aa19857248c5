//! Time zones: a decision's date-times are civil times where it applies (its `zone`, an IANA
//! name or a port's own). A request may give instants instead (`2025-11-04T16:00:00Z`, or with
//! an offset, as airline and border systems send them): each is converted to the civil
//! date-time of the decision's zone before the request is read, and the answer says what was
//! used. A date-time without an offset keeps its meaning: a civil time where the port is.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{Map, Value as Json};

use crate::artifact::ZoneSpec;
use crate::engine::Engine;
use crate::request::RequestError;
use crate::value::{TypeDesc, Value};

/// The instants of a request, converted: the zone, and each field with the civil date-time it
/// became.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localized {
    pub zone: String,
    pub converted: Vec<(String, String)>,
}

impl Localized {
    /// `{"zone": "Asia/Shanghai", "t.arrival": "2025-11-05T00:00:00"}`, for an answer.
    pub fn to_json(&self) -> Json {
        let mut o = Map::new();
        o.insert("zone".into(), Json::String(self.zone.clone()));
        for (field, civil) in &self.converted {
            o.insert(field.clone(), Json::String(civil.clone()));
        }
        Json::Object(o)
    }
}

/// Whether `name` is an IANA time zone (from the database built into the program).
pub fn is_time_zone(name: &str) -> bool {
    TimeZone::get(name).is_ok()
}

/// A JSON pointer's way to one date-time field, and its name as a field (`t.arrival`).
struct Instant {
    keys: Vec<String>,
    field: String,
    at: Timestamp,
}

impl Engine {
    /// Converts a request's instants to civil date-times of the decision's zone, in place.
    /// `None` when the request gives none (nothing to do); an error when it gives one and the
    /// decision states no zone.
    pub fn localize(
        &self,
        decision: u32,
        json: &mut Json,
    ) -> Result<Option<Localized>, RequestError> {
        let Some(d) = self.decision(decision) else {
            return Ok(None);
        };
        let params = self.param_types(d);
        let mut found = Vec::new();
        match json {
            Json::Object(obj) if params.len() == 1 && !obj.contains_key(&params[0].0) => {
                let (name, ty) = &params[0];
                self.instants(ty, json, &mut Vec::new(), name, &mut found);
            }
            Json::Object(obj) => {
                for (name, ty) in &params {
                    if let Some(v) = obj.get(name) {
                        self.instants(ty, v, &mut vec![name.clone()], name, &mut found);
                    }
                }
            }
            _ => {}
        }
        if found.is_empty() {
            return Ok(None);
        }
        let zone = match &d.zone {
            None => {
                return Err(RequestError {
                    field: found[0].field.clone(),
                    message: format!(
                        "`{}` is an instant (it has an offset), and `{}` states no time zone to read it in",
                        found[0].at, d.name
                    ),
                    hint: Some(format!(
                        "send the civil date-time where the decision applies, such as \"2025-11-10T10:00\", or state the zone in the policy: `zone \"Asia/Shanghai\"` in decision `{}`",
                        d.name
                    )),
                })
            }
            Some(ZoneSpec::Named(name)) => name.clone(),
            Some(ZoneSpec::Attribute(path)) => {
                // The zone depends on an input (the port): read the request once with the
                // instants in UTC, which is enough to know the port.
                let mut probe = json.clone();
                for i in &found {
                    set(&mut probe, &i.keys, civil(i.at, &TimeZone::UTC));
                }
                let inputs = self.parse_request(decision, &probe)?;
                match self.path_value(path, &inputs) {
                    Some(Value::Text(name)) => name.clone(),
                    _ => {
                        return Err(RequestError {
                            field: path.text.clone(),
                            message: format!(
                                "`{}` gives no time zone for this request, so its instants cannot be read",
                                path.text
                            ),
                            hint: Some("send civil date-times, such as \"2025-11-10T10:00\"".into()),
                        })
                    }
                }
            }
        };
        let tz = TimeZone::get(&zone).map_err(|e| RequestError {
            field: found[0].field.clone(),
            message: format!("`{zone}` is not a time zone this program knows: {e}"),
            hint: None,
        })?;
        let mut converted = Vec::new();
        for i in found {
            let text = civil(i.at, &tz);
            set(json, &i.keys, text.clone());
            converted.push((i.field, text));
        }
        Ok(Some(Localized { zone, converted }))
    }

    /// The date-time fields of `v` (of type `ty`) that hold an instant.
    fn instants(
        &self,
        ty: &TypeDesc,
        v: &Json,
        keys: &mut Vec<String>,
        field: &str,
        out: &mut Vec<Instant>,
    ) {
        match (ty, v) {
            (TypeDesc::Optional(inner), _) => self.instants(inner, v, keys, field, out),
            (TypeDesc::DateTime, Json::String(s)) => {
                if let Ok(at) = s.parse::<Timestamp>() {
                    out.push(Instant {
                        keys: keys.clone(),
                        field: field.to_string(),
                        at,
                    });
                }
            }
            (TypeDesc::Record(r), Json::Object(obj)) => {
                let Some(rec) = self.artifact().records.get(*r as usize) else {
                    return;
                };
                for (name, fty) in &rec.fields {
                    if let Some(x) = obj.get(name) {
                        keys.push(name.clone());
                        self.instants(fty, x, keys, &format!("{field}.{name}"), out);
                        keys.pop();
                    }
                }
            }
            _ => {}
        }
    }
}

/// An instant as the civil date-time it is in `tz`: `2025-11-05T00:00:00`.
fn civil(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned_datetime(tz.clone())
        .datetime()
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn set(json: &mut Json, keys: &[String], text: String) {
    let mut at = json;
    for k in keys {
        match at.get_mut(k) {
            Some(x) => at = x,
            None => return,
        }
    }
    *at = Json::String(text);
}
