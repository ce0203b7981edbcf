//! The wording of reminders: the policy's own templates (per level and language, checked
//! when the engine is made) and the built-in ones (five languages, three tones, in
//! `engine/templates/<lang>/<tone>/<field>.txt`). Both are minijinja templates rendered
//! with the same variables (see `docs/templates.md`).
//!
//! **Which text is used.** The languages tried are the partner's (its full tag, then its
//! primary subtag), then the company's (likewise), then English. A message is written
//! in the first of them that has its main text (email body, SMS, letter) as a template
//! of the level or as a built-in text. Each other field (the subject) comes from the
//! level's template in that language, else the built-in text in that language, else
//! further down the same list.
//!
//! **Tone of the built-in texts**: the level's own `tone`; else `friendly` for the first
//! level (by delay), `final` for the last one (when there are two or more), `firm` for
//! the others.

use crate::error::Error;
use crate::locale::{self, Locale};
use crate::records::{Level, Template, Tone};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// What `{{ statement }}` renders to before the engine puts the table of items in its
/// place (an invisible separator around a word no text contains).
pub const STATEMENT_MARK: &str = "\u{2063}statement\u{2063}";

/// Instructions one render may execute: generous for any letter, but a bound.
const FUEL: u64 = 500_000;

/// The texts a template can give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The subject of the email (and the subject line of the letter).
    EmailSubject,
    /// The text of the email.
    EmailBody,
    /// The whole SMS.
    Sms,
    /// The text of the letter.
    Letter,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 4] = [
        Field::EmailSubject,
        Field::EmailBody,
        Field::Sms,
        Field::Letter,
    ];

    /// The field's name in the WIT and in errors (`email_subject`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::EmailSubject => "email_subject",
            Field::EmailBody => "email_body",
            Field::Sms => "sms",
            Field::Letter => "letter",
        }
    }

    /// The template's text for this field, if it has one.
    pub fn of(self, template: &Template) -> Option<&str> {
        match self {
            Field::EmailSubject => template.email_subject.as_deref(),
            Field::EmailBody => template.email_body.as_deref(),
            Field::Sms => template.sms.as_deref(),
            Field::Letter => template.letter.as_deref(),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The tone of the level at `index` among `count` levels ordered by delay: its own, else
/// friendly first, final last, firm between.
pub fn tone_of(level: &Level, index: usize, count: usize) -> Tone {
    level.tone.unwrap_or(if index == 0 {
        Tone::Friendly
    } else if index + 1 == count {
        Tone::Final
    } else {
        Tone::Firm
    })
}

/// The languages to try, best first: the partner's tag and its primary subtag, the
/// company's likewise, then `en`; normalized (`fr_BE` → `fr-be`), without repeats.
pub fn lang_chain(partner: Option<&str>, company: &str) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    let tags = partner.into_iter().chain([company, "en"]);
    for tag in tags {
        for candidate in [locale::normalize_tag(tag), locale::primary_subtag(tag)] {
            if !candidate.is_empty() && !chain.contains(&candidate) {
                chain.push(candidate);
            }
        }
    }
    chain
}

/// Variables a template may use, with the attributes of the records among them.
const VARIABLES: &[(&str, &[&str])] = &[
    ("lang", &[]),
    ("today", &[]),
    ("next_reminder", &[]),
    (
        "partner",
        &["id", "name", "lang", "email", "phone", "address"],
    ),
    ("recipient", &["name", "email", "phone", "address"]),
    (
        "company",
        &["id", "name", "currency", "email", "phone", "address"],
    ),
    ("level", &["id", "name", "tone", "delay_days"]),
    ("items", &[]),
    ("totals", &[]),
    ("total", &[]),
    ("total_overdue", &[]),
    ("late_count", &[]),
    ("statement", &[]),
];

/// Functions minijinja provides to every template.
const GLOBALS: &[&str] = &["range", "dict", "namespace", "debug"];

/// The settings every template environment shares: block tags on their own line leave
/// no blank line, undefined variables are errors, rendering is bounded by fuel.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(true);
    env.set_fuel(Some(FUEL));
    match SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        Ok(syntax) => env.set_syntax(syntax),
        // The default delimiters always build.
        Err(err) => panic!("template syntax settings: {err}"),
    }
    env
}

macro_rules! builtin_language {
    ($lang:literal) => {
        [
            builtin_language!(@tone $lang, "friendly"),
            builtin_language!(@tone $lang, "firm"),
            builtin_language!(@tone $lang, "final"),
        ]
    };
    (@tone $lang:literal, $tone:literal) => {
        [
            builtin_language!(@file $lang, $tone, "email_subject"),
            builtin_language!(@file $lang, $tone, "email_body"),
            builtin_language!(@file $lang, $tone, "sms"),
            builtin_language!(@file $lang, $tone, "letter"),
        ]
    };
    (@file $lang:literal, $tone:literal, $field:literal) => {
        (
            concat!($lang, "/", $tone, "/", $field, ".txt"),
            include_str!(concat!("../templates/", $lang, "/", $tone, "/", $field, ".txt")),
        )
    };
}

/// Every built-in text, as (name, source): `<lang>/<tone>/<field>.txt`.
const BUILTIN: [[[(&str, &str); 4]; 3]; 5] = [
    builtin_language!("en"),
    builtin_language!("fr"),
    builtin_language!("de"),
    builtin_language!("es"),
    builtin_language!("nl"),
];

/// The name of a built-in template.
fn builtin_name(locale: Locale, tone: Tone, field: Field) -> String {
    format!("{}/{}/{}.txt", locale.tag(), tone.as_str(), field.as_str())
}

/// The source of a built-in template.
fn builtin_source(name: &str) -> Option<&'static str> {
    if name == "report.html" {
        return Some(include_str!("../templates/report.html"));
    }
    BUILTIN
        .iter()
        .flatten()
        .flatten()
        .find(|(file, _)| *file == name)
        .map(|(_, source)| *source)
}

/// The built-in templates (texts and the HTML report), each parsed when first used.
pub fn builtins() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = environment();
        env.set_loader(|name| Ok(builtin_source(name).map(str::to_string)));
        env
    })
}

/// The policy's own templates, compiled and checked.
#[derive(Clone)]
pub struct PolicyTemplates {
    env: Arc<Environment<'static>>,
}

impl fmt::Debug for PolicyTemplates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PolicyTemplates")
    }
}

impl PartialEq for PolicyTemplates {
    /// Compiled from the levels, which the policy compares itself.
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for PolicyTemplates {}

/// Where a template sits: level id, language, field; for error messages.
struct Site<'a> {
    level: &'a str,
    lang: &'a str,
    field: Field,
    source: &'a str,
}

impl Site<'_> {
    fn error(&self, line: usize, column: usize, what: &str) -> Error {
        Error::invalid_policy(format!(
            "level '{}', language '{}', template {}: line {line}, column {column}: {what}",
            self.level, self.lang, self.field
        ))
    }

    /// A minijinja error, at the position it names.
    fn locate(&self, err: &minijinja::Error) -> Error {
        let (line, column) = match err.range() {
            Some(range) => line_column(self.source, range.start),
            None => (err.line().unwrap_or(1), 1),
        };
        let what = match err.detail() {
            Some(detail) => format!("{}: {detail}", err.kind()),
            None => err.kind().to_string(),
        };
        self.error(line, column, &what)
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// Byte offset of the first occurrence of `word` as a whole identifier.
fn find_word(source: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    source.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = source[..at].chars().next_back();
        let after = source[at + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

/// The name of a policy template in the environment.
fn policy_name(level: usize, template: usize, field: Field) -> String {
    format!("{level}/{template}/{}.txt", field.as_str())
}

impl PolicyTemplates {
    /// Compiles every template of the levels (ordered as the policy orders them) and
    /// checks it: it parses, uses only known variables, and renders on sample data.
    /// A refusal is `invalid_policy` naming the level, language, line and column.
    pub fn compile(levels: &[Level]) -> Result<PolicyTemplates, Error> {
        let mut env = environment();
        let mut sites = Vec::new();
        for (li, level) in levels.iter().enumerate() {
            let mut langs = HashSet::new();
            for (ti, template) in level.templates.iter().enumerate() {
                let lang = locale::normalize_tag(&template.lang);
                if lang.is_empty() {
                    return Err(Error::invalid_policy(format!(
                        "level '{}': template #{}: field lang is empty",
                        level.id,
                        ti + 1
                    )));
                }
                if !langs.insert(lang.clone()) {
                    return Err(Error::invalid_policy(format!(
                        "level '{}': two templates for language '{}'",
                        level.id, template.lang
                    )));
                }
                for field in Field::ALL {
                    let Some(source) = field.of(template) else {
                        continue;
                    };
                    let site = Site {
                        level: &level.id,
                        lang: &template.lang,
                        field,
                        source,
                    };
                    let name = policy_name(li, ti, field);
                    env.add_template_owned(name.clone(), source.to_string())
                        .map_err(|err| site.locate(&err))?;
                    let compiled = env.get_template(&name).map_err(|err| site.locate(&err))?;
                    check_variables(&site, compiled.undeclared_variables(true))?;
                    sites.push((name, li, ti, field));
                }
            }
        }
        let templates = PolicyTemplates { env: Arc::new(env) };
        for (name, li, ti, field) in sites {
            let level = &levels[li];
            let template = &level.templates[ti];
            let site = Site {
                level: &level.id,
                lang: &template.lang,
                field,
                source: field.of(template).unwrap_or_default(),
            };
            let sample = crate::content::sample_context(level);
            templates.render_named(&name, &sample, &site)?;
        }
        Ok(templates)
    }

    fn render_named(&self, name: &str, ctx: &Value, site: &Site<'_>) -> Result<String, Error> {
        self.env
            .get_template(name)
            .and_then(|template| template.render(ctx))
            .map_err(|err| site.locate(&err))
    }
}

/// Refuses variables (and attributes of the record variables) that templates do not get.
fn check_variables(site: &Site<'_>, used: HashSet<String>) -> Result<(), Error> {
    let mut unknown: Vec<(usize, String)> = Vec::new();
    for path in used {
        let mut parts = path.split('.');
        let top = parts.next().unwrap_or_default();
        let attribute = parts.next();
        let known = match VARIABLES.iter().find(|(name, _)| *name == top) {
            Some((_, fields)) => match attribute {
                Some(attribute) if !fields.is_empty() => fields.contains(&attribute),
                _ => true,
            },
            None => GLOBALS.contains(&top),
        };
        if !known {
            let top_known = VARIABLES.iter().any(|(name, _)| *name == top);
            let (shown, word) = match attribute {
                Some(attribute) if top_known => (format!("{top}.{attribute}"), attribute),
                _ => (top.to_string(), top),
            };
            let at = find_word(site.source, word).unwrap_or(0);
            unknown.push((at, shown));
        }
    }
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some((at, name)) => {
            let (line, column) = line_column(site.source, *at);
            let names: Vec<&str> = VARIABLES.iter().map(|(name, _)| *name).collect();
            Err(site.error(
                line,
                column,
                &format!(
                    "unknown variable '{name}' (templates get: {})",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// The wording of one level for one reminder: which template gives each field.
pub struct Wording<'a> {
    templates: &'a PolicyTemplates,
    level: &'a Level,
    level_index: usize,
    tone: Tone,
    chain: Vec<String>,
}

impl<'a> Wording<'a> {
    /// The wording of `level` (at `level_index` in the policy, with `tone`) for a partner
    /// speaking `partner_lang` of a company speaking `company_lang`.
    pub fn new(
        templates: &'a PolicyTemplates,
        level: &'a Level,
        level_index: usize,
        tone: Tone,
        partner_lang: Option<&str>,
        company_lang: &str,
    ) -> Self {
        Wording {
            templates,
            level,
            level_index,
            tone,
            chain: lang_chain(partner_lang, company_lang),
        }
    }

    /// The policy's template for `lang` (normalized), if the level has one.
    fn own(&self, lang: &str) -> Option<(usize, &'a Template)> {
        self.level
            .templates
            .iter()
            .enumerate()
            .find(|(_, t)| locale::normalize_tag(&t.lang) == lang)
    }

    /// The language a message whose main text is `main` is written in.
    pub fn language(&self, main: Field) -> String {
        self.chain
            .iter()
            .find(|lang| {
                self.own(lang).is_some_and(|(_, t)| main.of(t).is_some())
                    || builtin_locale(lang).is_some()
            })
            .cloned()
            .unwrap_or_else(|| "en".to_string())
    }

    /// Renders `field` in `lang` (or, failing a template there, further down the list of
    /// languages), with the variables `ctx`.
    pub fn render(&self, field: Field, lang: &str, ctx: &Value) -> Result<String, Error> {
        let start = self.chain.iter().position(|l| l == lang).unwrap_or(0);
        for candidate in &self.chain[start..] {
            if let Some((ti, template)) = self.own(candidate)
                && let Some(source) = field.of(template)
            {
                let site = Site {
                    level: &self.level.id,
                    lang: &template.lang,
                    field,
                    source,
                };
                let name = policy_name(self.level_index, ti, field);
                return self.templates.render_named(&name, ctx, &site);
            }
            if let Some(locale) = builtin_locale(candidate) {
                return render_builtin(locale, self.tone, field, ctx);
            }
        }
        render_builtin(Locale::En, self.tone, field, ctx)
    }
}

/// The built-in language whose tag is exactly `lang`.
fn builtin_locale(lang: &str) -> Option<Locale> {
    Locale::ALL.into_iter().find(|l| l.tag() == lang)
}

/// Renders a built-in text.
pub fn render_builtin(
    locale: Locale,
    tone: Tone,
    field: Field,
    ctx: &Value,
) -> Result<String, Error> {
    let name = builtin_name(locale, tone, field);
    builtins()
        .get_template(&name)
        .and_then(|template| template.render(ctx))
        .map_err(|err| Error::invalid_policy(format!("built-in template {name}: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn level(templates: Vec<Template>) -> Level {
        Level {
            id: "first".into(),
            name: "First reminder".into(),
            delay_days: 10,
            email: true,
            templates,
            ..Level::default()
        }
    }

    fn template(lang: &str, body: &str) -> Template {
        Template {
            lang: lang.into(),
            email_body: Some(body.into()),
            ..Template::default()
        }
    }

    fn refusal(body: &str) -> String {
        let err = PolicyTemplates::compile(&[level(vec![template("de", body)])]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidPolicy);
        err.message
    }

    #[test]
    fn a_syntax_error_names_level_language_line_and_column() {
        let message = refusal("Guten Tag,\n\nbitte zahlen Sie {{ total }.\n");
        assert!(
            message.starts_with("level 'first', language 'de', template email_body: line 3,"),
            "{message}"
        );
        assert!(message.contains("column"), "{message}");
        let message = refusal("Hallo\n{% if late_count %}offen");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn unknown_variables_and_attributes_are_refused_where_they_are() {
        let message = refusal("Hallo {{ partner.name }},\n  {{ totl }}");
        assert!(message.contains("line 2, column 6"), "{message}");
        assert!(message.contains("unknown variable 'totl'"), "{message}");
        let message = refusal("{{ company.nam }}");
        assert!(
            message.contains("unknown variable 'company.nam'"),
            "{message}"
        );
        assert!(message.contains("line 1, column 12"), "{message}");
    }

    #[test]
    fn a_template_that_fails_on_sample_data_is_refused() {
        let message = refusal("{{ total|no_such_filter }}");
        assert!(message.contains("line 1"), "{message}");
        assert!(message.contains("no_such_filter"), "{message}");
        let message = refusal(
            "{% for i in range(100000) %}{% for j in range(100) %}x{% endfor %}{% endfor %}",
        );
        assert!(message.contains("fuel"), "{message}");
    }

    #[test]
    fn empty_and_repeated_languages_are_refused() {
        let err = PolicyTemplates::compile(&[level(vec![template(" ", "x")])]).unwrap_err();
        assert!(err.message.contains("field lang is empty"), "{err}");
        let err =
            PolicyTemplates::compile(&[level(vec![template("de", "x"), template("DE", "y")])])
                .unwrap_err();
        assert!(err.message.contains("two templates for language"), "{err}");
    }

    #[test]
    fn valid_templates_compile() {
        let t = Template {
            lang: "de".into(),
            email_subject: Some("{{ company.name }}: {{ level.name }}".into()),
            email_body: Some(
                "{% for item in items %}{{ item.number }} {{ item.residual }}\n{% endfor %}{{ statement }}".into(),
            ),
            sms: Some("{{ total }} / {{ total_overdue }} / {{ next_reminder }}".into()),
            letter: Some("{{ recipient.name }} {{ partner.address|join(', ') }} {{ today }}".into()),
        };
        PolicyTemplates::compile(&[level(vec![t])]).unwrap();
    }

    #[test]
    fn every_built_in_template_parses() {
        let names = BUILTIN
            .iter()
            .flatten()
            .flatten()
            .map(|(name, _)| *name)
            .chain(["report.html"]);
        for name in names {
            if let Err(err) = builtins().get_template(name) {
                panic!("{name}: {err:#}");
            }
        }
        assert_eq!(BUILTIN.iter().flatten().flatten().count(), 5 * 3 * 4);
    }

    #[test]
    fn tones_follow_the_position_unless_set() {
        let plain = level(vec![]);
        assert_eq!(tone_of(&plain, 0, 3), Tone::Friendly);
        assert_eq!(tone_of(&plain, 1, 3), Tone::Firm);
        assert_eq!(tone_of(&plain, 2, 3), Tone::Final);
        assert_eq!(tone_of(&plain, 0, 1), Tone::Friendly);
        let own = Level {
            tone: Some(Tone::Final),
            ..plain
        };
        assert_eq!(tone_of(&own, 0, 3), Tone::Final);
    }

    #[test]
    fn languages_fall_back_to_the_company_then_english() {
        assert_eq!(lang_chain(Some("de_AT"), "fr"), ["de-at", "de", "fr", "en"]);
        assert_eq!(lang_chain(None, "nl"), ["nl", "en"]);
        assert_eq!(lang_chain(Some("en"), "en"), ["en"]);
        let templates = PolicyTemplates::compile(&[]).unwrap();
        let swedish = level(vec![template("sv", "Hej {{ recipient.name }}")]);
        let w = Wording::new(&templates, &swedish, 0, Tone::Friendly, Some("sv"), "de");
        assert_eq!(w.language(Field::EmailBody), "sv");
        assert_eq!(w.language(Field::Sms), "de");
        let w = Wording::new(&templates, &swedish, 0, Tone::Friendly, Some("pt"), "xx");
        assert_eq!(w.language(Field::Letter), "en");
    }
}
