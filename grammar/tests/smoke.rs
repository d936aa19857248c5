#[test]
fn smoke() {
    let src = r#"
/// The announcement.
source nia { title: "NIA 公告 🎉", published: 2025-11-05, items: 4 }
enum PortKind { airport, seaport }
entity Port in City? { name: Text, kind: PortKind }
catalogue Port {
  hengqin in zhuhai { name: "横琴", kind: land_crossing }
  pvg
}
set ports: Port from 2013-01-01 announced 60 { hengqin, pvg, }
amend ports from 2025-11-05 cite nia item 4 announced 65 {
  add a, b
  remove c
}
decision transit(t: Traveller) -> Entry {
  as of t.arrival
  hit first
  otherwise { status: visa_required }
}
rule r for transit {
  from 2025-11-05
  cite nia item 4
  when t.nationality in countries and t.arrival_port not in ports
    and t.onward_departure - t.arrival <= 144h and not (t.x == 1y..5y)
  then { status: visa_free, max_stay: 144h }
}
rule broken for transit {
  when t.x in
}
test t1 for transit {
  given t = { arrival: 2025-11-10T10:00 }
  expect { status: visa_free }
  expect rule r
}
"#;
    let f = edict_grammar::parse(src);
    for e in &f.errors { eprintln!("{:?} {}", e, &src[e.span.range()]); }
    for i in &f.items { eprintln!("{} {:?}", i.keyword(), i.name().map(|n| &n.name)); }
    assert_eq!(f.errors.len(), 1);
}
