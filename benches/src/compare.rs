//! The same decision in three engines, on the same requests: Edict's compiled tables, Cedar
//! (`cedar-policy`) and Rego (`regorus`); and the check that they agree on every request,
//! which the benchmarks run before any timing.

use cedar_policy::Request;
use edict_runtime::value::parse_date;
use edict_runtime::{Artifact, Engine, Value, Verdict};

use crate::cedar::CedarDecision;
use crate::rego::{Output, RegoDecision};
use crate::{bench_policy, family, transit};

/// One decision, loaded in the three engines, with its requests in each engine's form.
pub struct Side {
    pub engine: Engine,
    pub decision: u32,
    pub requests: Vec<Vec<Value>>,
    pub cedar: CedarDecision,
    pub cedar_requests: Vec<Request>,
    pub rego: RegoDecision,
    pub rego_inputs: Vec<regorus::Value>,
    /// The Cedar and Rego policies, as evaluated.
    pub cedar_text: String,
    pub rego_text: String,
}

/// What the agreement check found.
#[derive(Clone, Copy, Debug)]
pub struct Agreement {
    pub requests: usize,
    /// Requests where a rule matched (the others get the `otherwise` outcome).
    pub matched: usize,
}

impl Side {
    /// The shipped transit decision, with the hand-written Cedar and Rego policies, on `n`
    /// varied requests.
    pub fn transit(n: usize, seed: u64) -> Result<Side, String> {
        Side::transit_on(|a| transit::requests(a, n, seed))
    }

    /// The shipped transit decision on `n` realistic requests (every entry of the catalogues,
    /// [`transit::realistic_requests`]).
    pub fn transit_realistic(n: usize, seed: u64) -> Result<Side, String> {
        Side::transit_on(|a| transit::realistic_requests(a, n, seed))
    }

    fn transit_on(
        requests: impl FnOnce(&Artifact) -> Result<Vec<Vec<Value>>, String>,
    ) -> Result<Side, String> {
        let analysis = crate::policies();
        let artifact = analysis
            .build()
            .map_err(|d| format!("policies/ does not build: {} diagnostics", d.len()))?;
        // The hand-written Cedar policy names the amendment date; check that the artifact has
        // exactly that amendment, so the two cannot drift apart unnoticed.
        let ports = transit::set_slices(&artifact, "transit_ports")?;
        let (begun, amended) = (parse_date("2024-12-17"), parse_date("2025-11-05"));
        let froms: Vec<Option<i64>> = ports.iter().map(|s| s.0).collect();
        if froms != [begun, amended] {
            return Err(format!(
                "transit_ports has versions from {froms:?}; benches/policies/transit.cedar expects the set of 2024-12-17 and one amendment on 2025-11-05"
            ));
        }
        if transit::set_slices(&artifact, "transit_countries")?.len() != 1 {
            return Err(
                "transit_countries is amended; update benches/policies/transit.cedar".into(),
            );
        }
        let requests = requests(&artifact)?;
        let cedar_text = bench_policy("transit.cedar")?;
        let rego_text = bench_policy("transit.rego")?;
        let d = artifact
            .decisions
            .iter()
            .find(|d| d.name == transit::DECISION)
            .ok_or("no transit decision")?;
        let rule = d
            .rules
            .iter()
            .position(|r| r.name == "visa_free_transit")
            .ok_or("no rule `visa_free_transit`")? as u32;
        let modules = [
            ("sets.rego", bench_policy("sets.rego")?),
            ("transit.rego", rego_text.clone()),
        ];
        let rego = RegoDecision::new(
            &artifact,
            d,
            &modules,
            "data.edict.transit.decision",
            Output::Status("visa_free_transit", rule),
        )?;
        Side::assemble(
            artifact,
            transit::DECISION,
            requests,
            cedar_text,
            rego_text,
            rego,
        )
    }

    /// The generated family with `rules` rules, translated into Cedar and Rego, on `n`
    /// requests.
    pub fn family(rules: usize, n: usize, seed: u64) -> Result<Side, String> {
        let analysis = family::analysis(rules);
        let artifact = analysis
            .build()
            .map_err(|d| format!("the {rules}-rule family does not build: {d:?}"))?;
        let d = artifact
            .decisions
            .iter()
            .find(|d| d.name == family::DECISION)
            .ok_or("no family decision")?;
        let requests = family::requests(&artifact, d, n, seed);
        let cedar_text = crate::cedar::translate(&artifact, d)?;
        let generated = crate::rego::translate(&artifact, d)?;
        let names: Vec<String> = (0..generated.len())
            .map(|i| format!("generated_{i}.rego"))
            .collect();
        let mut modules = vec![("sets.rego", bench_policy("sets.rego")?)];
        modules.extend(
            names
                .iter()
                .map(String::as_str)
                .zip(generated.iter().cloned()),
        );
        let rego_text = generated.concat();
        let rego = RegoDecision::new(
            &artifact,
            d,
            &modules,
            &format!("data.{}.matches", crate::rego::package(d)),
            Output::Matches,
        )?;
        Side::assemble(
            artifact,
            family::DECISION,
            requests,
            cedar_text,
            rego_text,
            rego,
        )
    }

    fn assemble(
        artifact: Artifact,
        decision: &str,
        requests: Vec<Vec<Value>>,
        cedar_text: String,
        rego_text: String,
        rego: RegoDecision,
    ) -> Result<Side, String> {
        let engine = Engine::new(artifact).map_err(|e| e.to_string())?;
        let id = engine
            .decision_id(decision)
            .ok_or_else(|| format!("no decision `{decision}`"))?;
        let a = engine.artifact();
        let d = engine.decision(id).ok_or("no decision")?;
        let cedar = CedarDecision::new(a, d, &cedar_text)?;
        let cedar_requests = requests
            .iter()
            .map(|r| crate::cedar::request(a, d, r))
            .collect::<Result<Vec<_>, _>>()?;
        let rego_inputs = requests
            .iter()
            .map(|r| crate::rego::input(a, d, r))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Side {
            engine,
            decision: id,
            requests,
            cedar,
            cedar_requests,
            rego,
            rego_inputs,
            cedar_text,
            rego_text,
        })
    }

    /// Edict's answer to request `i`: the deciding rule, if any.
    pub fn edict_rule(&self, i: usize) -> Result<Option<u32>, String> {
        let inputs = self.requests.get(i).ok_or("no such request")?;
        let answer = self
            .engine
            .decide(self.decision, inputs)
            .map_err(|e| e.to_string())?;
        match answer.verdict {
            Verdict::Rule(r) => Ok(Some(r)),
            Verdict::Otherwise | Verdict::NoMatch => Ok(None),
            other => Err(format!("unexpected verdict {other:?}")),
        }
    }

    /// Checks that the three engines agree on request `limit` requests (all when `None`):
    /// Cedar and Rego find the same set of matching rules, and its first is the rule Edict's
    /// table decides with (the transit decision has one rule; the family is `hit first`).
    pub fn check_agreement(&mut self, limit: Option<usize>) -> Result<Agreement, String> {
        let n = limit.map_or(self.requests.len(), |l| l.min(self.requests.len()));
        let mut matched = 0;
        for i in 0..n {
            let edict = self.edict_rule(i)?;
            let cedar = self.cedar.decide(&self.cedar_requests[i])?;
            let rego = self.rego.decide(&self.rego_inputs[i])?;
            if cedar != rego || cedar.first().copied() != edict {
                return Err(format!(
                    "request {i} ({:?}): Edict decides by rule {edict:?}, Cedar's matching rules are {cedar:?}, Rego's {rego:?}",
                    self.requests[i]
                ));
            }
            matched += usize::from(edict.is_some());
        }
        Ok(Agreement {
            requests: n,
            matched,
        })
    }
}
