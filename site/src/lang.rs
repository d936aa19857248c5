//! The two languages the site is published in, and what changes with them: the site's own
//! words, dates, lengths of time, counts and lists, in English and Simplified Chinese.
//!
//! English pages sit at the site's root, Chinese pages at the same paths under `zh/`, so links
//! between pages of one language are the same in both.

use edict_runtime::value::days_to_date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The tag of `labels` entries: `en`, `zh`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The page's `lang` and `hreflang`: `en`, `zh-Hans`.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
        }
    }

    /// The folder of its pages: the root, `zh/`.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Zh => "zh/",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// One of two texts of the site's own words.
    pub fn tr<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// A day: "5 November 2025", "2025年11月5日".
    pub fn date(self, days: i64) -> String {
        let Some(d) = days_to_date(days) else {
            return edict_runtime::value::format_date(days);
        };
        match self {
            Lang::En => format!(
                "{} {} {}",
                d.day(),
                MONTHS[d.month() as usize - 1],
                d.year()
            ),
            Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        }
    }

    /// A length of time in the units a reader thinks in: "240 hours (10 days)", "24 hours
    /// (1 day)", "30 days", "90 minutes"; "240小时(10天)".
    pub fn duration(self, secs: i64) -> String {
        let unit = |n: i64, en: &str, zh: &str| match self {
            Lang::En => format!("{n} {en}{}", if n == 1 { "" } else { "s" }),
            Lang::Zh => format!("{n}{zh}"),
        };
        let days = (secs % 86_400 == 0).then_some(secs / 86_400);
        let hours = (secs % 3600 == 0).then_some(secs / 3600);
        match (hours, days) {
            // More than ten days (`30d`), or a week or more that is no round number of tens
            // of hours: days alone; `240h` stays "240 hours (10 days)".
            (_, Some(d)) if d > 10 || (d >= 7 && d % 10 != 0) => unit(d, "day", "天"),
            (Some(h), Some(d)) => {
                let days = unit(d, "day", "天");
                match self {
                    Lang::En => format!("{} ({days})", unit(h, "hour", "小时")),
                    Lang::Zh => format!("{}（{days}）", unit(h, "hour", "小时")),
                }
            }
            (Some(h), None) => unit(h, "hour", "小时"),
            _ if secs % 60 == 0 => unit(secs / 60, "minute", "分钟"),
            _ => unit(secs, "second", "秒"),
        }
    }

    /// How directly a source gives the authority's words, in the reader's language.
    pub fn source_kind(self, k: edict_runtime::artifact::SourceKind) -> &'static str {
        use edict_runtime::artifact::SourceKind;
        match (self, k) {
            (Lang::En, k) => k.describe(),
            (Lang::Zh, SourceKind::Notice) => "主管部门自己的公告",
            (Lang::Zh, SourceKind::Report) => "对主管部门公告的报道",
            (Lang::Zh, SourceKind::Translation) => "译文",
            (Lang::Zh, SourceKind::Aggregator) => "转载汇编的文字",
        }
    }

    /// A calendar length: "5 years", "6 months"; "5年", "6个月".
    pub fn period(self, months: i64) -> String {
        match (self, months % 12 == 0) {
            (Lang::En, true) => plural(months / 12, "year"),
            (Lang::En, false) => plural(months, "month"),
            (Lang::Zh, true) => format!("{}年", months / 12),
            (Lang::Zh, false) => format!("{months}个月"),
        }
    }

    /// Items joined as a list: "a, b and c"; "a、b和c".
    pub fn and_list(self, items: &[String]) -> String {
        self.join(items, self.tr(" and ", "和"))
    }

    /// Items joined as alternatives: "a, b or c"; "a、b或c".
    pub fn or_list(self, items: &[String]) -> String {
        self.join(items, self.tr(" or ", "或"))
    }

    fn join(self, items: &[String], last: &str) -> String {
        let sep = self.tr(", ", "、");
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., tail] => format!("{}{last}{tail}", init.join(sep)),
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn plural(n: i64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A text with its first letter in upper case (labels are written to sit inside sentences).
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_of_time_in_a_readers_units() {
        assert_eq!(Lang::En.duration(240 * 3600), "240 hours (10 days)");
        assert_eq!(Lang::En.duration(144 * 3600), "144 hours (6 days)");
        assert_eq!(Lang::En.duration(24 * 3600), "24 hours (1 day)");
        assert_eq!(Lang::En.duration(30 * 86_400), "30 days");
        assert_eq!(Lang::En.duration(14 * 86_400), "14 days");
        assert_eq!(Lang::En.duration(72 * 3600), "72 hours (3 days)");
        assert_eq!(Lang::En.duration(5400), "90 minutes");
        assert_eq!(Lang::En.duration(3600), "1 hour");
        assert_eq!(Lang::Zh.duration(240 * 3600), "240小时（10天）");
        assert_eq!(Lang::Zh.duration(30 * 86_400), "30天");
        assert_eq!(Lang::En.period(60), "5 years");
        assert_eq!(Lang::Zh.period(12), "1年");
    }

    #[test]
    fn dates_and_lists() {
        let d = edict_runtime::value::parse_date("2025-11-05").unwrap_or_default();
        assert_eq!(Lang::En.date(d), "5 November 2025");
        assert_eq!(Lang::Zh.date(d), "2025年11月5日");
        let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(Lang::En.and_list(&items), "a, b and c");
        assert_eq!(Lang::Zh.or_list(&items), "a、b或c");
    }
}
