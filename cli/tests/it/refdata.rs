//! The generated reference data as border systems use it: every country answers (an Indian
//! national at Hengqin is refused, not an error), passports' codes name entries (`USA`, ICAO's
//! `D` for Germany, `XXA` for a stateless person), every prefecture-level city can be asked
//! about, and a name no entry has gets a suggestion that helps.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{edict, root, tempdir};

fn transit(nationality: &str, port: &str) -> String {
    format!(
        r#"{{"t":{{"nationality":"{nationality}","origin":"us","arrival_port":"{port}","arrival":"2025-11-10T10:00","onward_destination":"jp","onward_departure":"2025-11-15T08:00"}}}}"#
    )
}

fn eval(dir: &str, decision: &str, request: &str) -> (i32, String, String) {
    let scratch = tempdir(&format!("refdata-{decision}-{}", request.len()));
    let file = scratch.join("request.json");
    std::fs::write(&file, request).unwrap();
    edict(&[
        "eval",
        dir,
        "--decision",
        decision,
        "--input",
        file.to_str().unwrap(),
        "--format",
        "text",
    ])
}

#[test]
fn requests_name_countries_by_code_and_every_country_answers() {
    let policies = root().join("policies").display().to_string();
    let mut out = Vec::new();
    for (what, nationality) in [
        ("India, by its alpha-2 code", "IN"),
        ("the United States, by its alpha-3 code", "USA"),
        ("Germany, by its passport code (ICAO)", "D"),
        ("Germany, by its entry name", "de"),
        ("a stateless person (ICAO XXA)", "XXA"),
        ("the United Nations (ICAO UNO)", "uno"),
    ] {
        let (code, stdout, stderr) =
            eval(&policies, "transit_entry", &transit(nationality, "hengqin"));
        assert_eq!(code, 0, "{stderr}");
        out.push(format!("## {what}: \"{nationality}\"\n{stdout}"));
    }
    for (what, request) in [
        (
            "Hefei (Anhui, in the Yangtze River Delta)",
            r#"{"a":{"city":"hefei","date":"2025-12-01"}}"#,
        ),
        (
            "Lanzhou (Gansu, in no pilot region)",
            r#"{"a":{"city":"lanzhou","date":"2025-12-01"}}"#,
        ),
        (
            "Wuhan, in the Hubei Pilot Free Trade Zone",
            r#"{"a":{"city":"wuhan","zone":"hubei_ftz","date":"2025-12-01"}}"#,
        ),
    ] {
        let (code, stdout, stderr) = eval(&policies, "talent_visa", request);
        assert_eq!(code, 0, "{stderr}");
        out.push(format!("## {what}\n{stdout}"));
    }
    let (_, explained, _) = {
        let scratch = tempdir("refdata-explain");
        let file = scratch.join("request.json");
        std::fs::write(&file, transit("IN", "hengqin")).unwrap();
        edict(&[
            "explain",
            &policies,
            "--decision",
            "transit_entry",
            "--input",
            file.to_str().unwrap(),
        ])
    };
    out.push(format!("## explain, India at Hengqin\n{explained}"));
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn suggestions_read_names_codes_and_the_beginning_of_names() {
    // The corpus, plus a port whose name begins with a city's.
    let dir = tempdir("refdata-suggest");
    let policies = root().join("policies");
    for p in edict_compiler::load::collect_files(std::slice::from_ref(&policies)).unwrap() {
        let to = dir.join(p.strip_prefix(&policies).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&p, to).unwrap();
    }
    std::fs::write(
        dir.join("more_ports.edict"),
        "catalogue Port {\n  chongqing_jiangbei in chongqing_city { name: \"Chongqing Jiangbei International Airport\", kind: airport }\n}\n",
    )
    .unwrap();
    let d = dir.display().to_string();
    let mut out = Vec::new();
    for (what, nationality, port) in [
        ("a country by its English name", "norway", "hengqin"),
        ("a country by its Chinese name", "挪威", "hengqin"),
        ("a misspelt English name", "germny", "hengqin"),
        ("a misspelt code", "usaa", "hengqin"),
        ("a port by the beginning of its name", "us", "chongqing"),
    ] {
        let (code, _, stderr) = eval(&d, "transit_entry", &transit(nationality, port));
        assert_eq!(code, 1);
        let message: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("checked"))
            .collect();
        out.push(format!("## {what}\n{}", message.join("\n")));
    }
    insta::assert_snapshot!(out.join("\n\n"));
}
