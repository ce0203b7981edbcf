//! Money, dates and the fixed words of the follow-up report, per language.
//!
//! Five languages are built in: English, French, German, Spanish and Dutch. The tables
//! are small and written by hand after CLDR's conventions (no locale crate that builds
//! for wasm32-wasip2 is both light and complete enough to be worth the dependency):
//!
//! | language | money            | long date            | short date |
//! |----------|------------------|----------------------|------------|
//! | `en`     | `€1,234.56`      | `14 June 2024`       | `14 Jun 2024` |
//! | `fr`     | `1 234,56 €`     | `14 juin 2024`       | `14/06/2024` |
//! | `de`     | `1.234,56 €`     | `14. Juni 2024`      | `14.06.2024` |
//! | `es`     | `1234,56 €`      | `14 de junio de 2024`| `14/06/2024` |
//! | `nl`     | `€ 1.234,56`     | `14 juni 2024`       | `14-06-2024` |
//!
//! Spaces inside French and Dutch amounts and before a trailing symbol are no-break
//! spaces (U+00A0), so an amount never wraps. Spanish groups thousands only from five
//! digits on (`1234,56 €` but `12.345,67 €`), as CLDR does. Amounts are never rounded:
//! they are shown with at least the currency's minor digits (two, or zero for JPY...).

use crate::parse::Currency;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// No-break space, used inside amounts.
const NBSP: char = '\u{a0}';

/// A language the engine formats and writes built-in texts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locale {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Dutch.
    Nl,
}

/// Where the currency sign goes and how digits are grouped.
struct NumberStyle {
    decimal: char,
    group: char,
    /// Smallest number of integer digits from which thousands are grouped.
    min_group_digits: usize,
}

/// The fixed words of the follow-up report (table headings, totals, letter fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labels {
    /// Column: the invoice number.
    pub invoice: &'static str,
    /// Column: the invoice date.
    pub invoice_date: &'static str,
    /// Column: the due date.
    pub due_date: &'static str,
    /// Column: the original amount.
    pub amount: &'static str,
    /// Column: what is still unpaid.
    pub residual: &'static str,
    /// Column: days past the due date.
    pub days_late: &'static str,
    /// Totals: what is due in a currency.
    pub total_due: &'static str,
    /// Totals: the overdue part of it.
    pub overdue: &'static str,
    /// Letter field: the date.
    pub date: &'static str,
    /// Letter field: the customer's reference (partner id).
    pub customer: &'static str,
    /// Letter field: phone number.
    pub phone: &'static str,
    /// Letter field: email address.
    pub email: &'static str,
    /// Page footer: `Page {n} of {m}` with `{n}` and `{m}` replaced.
    pub page: &'static str,
    /// Marks a late line in the text statement.
    pub late: &'static str,
}

impl Locale {
    /// Every built-in language.
    pub const ALL: [Locale; 5] = [Locale::En, Locale::Fr, Locale::De, Locale::Es, Locale::Nl];

    /// The language's tag (`en`, `fr`, `de`, `es`, `nl`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
            Locale::De => "de",
            Locale::Es => "es",
            Locale::Nl => "nl",
        }
    }

    /// The built-in language of a tag: its primary subtag, any case (`de-AT`, `DE`,
    /// `nl_BE`); `None` for a language that is not built in.
    pub fn of_tag(tag: &str) -> Option<Locale> {
        let primary = primary_subtag(tag);
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    fn number_style(self) -> NumberStyle {
        match self {
            Locale::En => NumberStyle {
                decimal: '.',
                group: ',',
                min_group_digits: 4,
            },
            Locale::Fr => NumberStyle {
                decimal: ',',
                group: NBSP,
                min_group_digits: 4,
            },
            Locale::De | Locale::Nl => NumberStyle {
                decimal: ',',
                group: '.',
                min_group_digits: 4,
            },
            Locale::Es => NumberStyle {
                decimal: ',',
                group: '.',
                min_group_digits: 5,
            },
        }
    }

    /// A number with this language's separators, at least `min_scale` decimals, never
    /// rounded: `1234.5` → `1,234.50` (en), `1.234,50` (de).
    pub fn number(self, amount: Decimal, min_scale: u32) -> String {
        let style = self.number_style();
        let mut amount = amount;
        if amount.scale() < min_scale {
            amount.rescale(min_scale);
        }
        let text = amount.abs().to_string();
        let (int, frac) = match text.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (text.as_str(), None),
        };
        let mut out = String::new();
        if amount.is_sign_negative() && !amount.is_zero() {
            out.push('-');
        }
        let digits: Vec<char> = int.chars().collect();
        for (i, digit) in digits.iter().enumerate() {
            let left = digits.len() - i;
            if i > 0 && left.is_multiple_of(3) && digits.len() >= style.min_group_digits {
                out.push(style.group);
            }
            out.push(*digit);
        }
        if let Some(frac) = frac {
            out.push(style.decimal);
            out.push_str(frac);
        }
        out
    }

    /// An amount with its currency: `€1,234.56`, `1.234,56 €`, `CHF 1,234.56`...
    pub fn money(self, amount: Decimal, currency: Currency) -> String {
        let number = self.number(amount.abs(), minor_digits(currency));
        let negative = amount.is_sign_negative() && !amount.is_zero();
        let sign = symbol(currency);
        // A symbol made of letters (an ISO code) is kept apart from the digits.
        let spaced = sign.chars().all(|c| c.is_ascii_alphabetic());
        let minus = if negative { "-" } else { "" };
        match self {
            Locale::En if spaced => format!("{minus}{sign}{NBSP}{number}"),
            Locale::En => format!("{minus}{sign}{number}"),
            Locale::Nl => format!("{sign}{NBSP}{minus}{number}"),
            Locale::Fr | Locale::De | Locale::Es => format!("{minus}{number}{NBSP}{sign}"),
        }
    }

    /// A date as a letter writes it: `14 June 2024`, `1er juin 2024`, `14. Juni 2024`,
    /// `14 de junio de 2024`, `14 juni 2024`.
    pub fn long_date(self, date: NaiveDate) -> String {
        let day = date.day();
        let month = self.month(date.month());
        let year = date.year();
        match self {
            Locale::En | Locale::Nl => format!("{day} {month} {year}"),
            Locale::Fr if day == 1 => format!("1er {month} {year}"),
            Locale::Fr => format!("{day} {month} {year}"),
            Locale::De => format!("{day}. {month} {year}"),
            Locale::Es => format!("{day} de {month} de {year}"),
        }
    }

    /// A date as a table shows it: `14 Jun 2024`, `14/06/2024`, `14.06.2024`,
    /// `14/06/2024`, `14-06-2024`.
    pub fn short_date(self, date: NaiveDate) -> String {
        let (d, m, y) = (date.day(), date.month(), date.year());
        match self {
            Locale::En => format!("{d} {} {y}", &self.month(m)[..3]),
            Locale::Fr | Locale::Es => format!("{d:02}/{m:02}/{y}"),
            Locale::De => format!("{d:02}.{m:02}.{y}"),
            Locale::Nl => format!("{d:02}-{m:02}-{y}"),
        }
    }

    /// The name of month `month` (1-12).
    fn month(self, month: u32) -> &'static str {
        const EN: [&str; 12] = [
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
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        const DE: [&str; 12] = [
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ];
        const ES: [&str; 12] = [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ];
        const NL: [&str; 12] = [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ];
        let names = match self {
            Locale::En => &EN,
            Locale::Fr => &FR,
            Locale::De => &DE,
            Locale::Es => &ES,
            Locale::Nl => &NL,
        };
        names[(month.clamp(1, 12) - 1) as usize]
    }

    /// The fixed words of the report in this language.
    pub fn labels(self) -> &'static Labels {
        match self {
            Locale::En => &Labels {
                invoice: "Invoice",
                invoice_date: "Invoice date",
                due_date: "Due date",
                amount: "Amount",
                residual: "Still due",
                days_late: "Days late",
                total_due: "Total due",
                overdue: "of which overdue",
                date: "Date",
                customer: "Customer",
                phone: "Phone",
                email: "Email",
                page: "Page {n} of {m}",
                late: "late",
            },
            Locale::Fr => &Labels {
                invoice: "Facture",
                invoice_date: "Date",
                due_date: "Échéance",
                amount: "Montant",
                residual: "Reste dû",
                days_late: "Jours de retard",
                total_due: "Total dû",
                overdue: "dont échu",
                date: "Date",
                customer: "Client",
                phone: "Tél.",
                email: "E-mail",
                page: "Page {n} sur {m}",
                late: "en retard",
            },
            Locale::De => &Labels {
                invoice: "Rechnung",
                invoice_date: "Rechnungsdatum",
                due_date: "Fällig am",
                amount: "Betrag",
                residual: "Offen",
                days_late: "Tage überfällig",
                total_due: "Offener Betrag",
                overdue: "davon überfällig",
                date: "Datum",
                customer: "Kunden-Nr.",
                phone: "Telefon",
                email: "E-Mail",
                page: "Seite {n} von {m}",
                late: "überfällig",
            },
            Locale::Es => &Labels {
                invoice: "Factura",
                invoice_date: "Fecha",
                due_date: "Vencimiento",
                amount: "Importe",
                residual: "Pendiente",
                days_late: "Días de retraso",
                total_due: "Total pendiente",
                overdue: "del cual vencido",
                date: "Fecha",
                customer: "Cliente",
                phone: "Teléfono",
                email: "Correo",
                page: "Página {n} de {m}",
                late: "vencida",
            },
            Locale::Nl => &Labels {
                invoice: "Factuur",
                invoice_date: "Factuurdatum",
                due_date: "Vervaldatum",
                amount: "Bedrag",
                residual: "Openstaand",
                days_late: "Dagen te laat",
                total_due: "Totaal openstaand",
                overdue: "waarvan vervallen",
                date: "Datum",
                customer: "Klantnummer",
                phone: "Telefoon",
                email: "E-mail",
                page: "Pagina {n} van {m}",
                late: "te laat",
            },
        }
    }
}

/// The primary subtag of a language tag, lower case: `de-AT` → `de`, `nl_BE` → `nl`.
pub fn primary_subtag(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A language tag in one spelling: trimmed, lower case, `_` written `-` (`fr_BE` →
/// `fr-be`).
pub fn normalize_tag(tag: &str) -> String {
    tag.trim().replace('_', "-").to_ascii_lowercase()
}

/// The currency's sign: `€`, `$`, `£`, `¥`, or its ISO code.
pub fn symbol(currency: Currency) -> String {
    match currency.as_str() {
        "EUR" => "€".to_string(),
        "USD" => "$".to_string(),
        "GBP" => "£".to_string(),
        "JPY" => "¥".to_string(),
        code => code.to_string(),
    }
}

/// Digits after the decimal point in the currency's minor unit (ISO 4217).
pub fn minor_digits(currency: Currency) -> u32 {
    match currency.as_str() {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    fn dec(text: &str) -> Decimal {
        crate::parse::decimal(text).unwrap()
    }

    fn plain(text: String) -> String {
        text.replace(NBSP, " ")
    }

    #[test]
    fn money_per_language() {
        let eur = cur("EUR");
        let cases = [
            (Locale::En, "1234.56", "€1,234.56"),
            (Locale::Fr, "1234.56", "1 234,56 €"),
            (Locale::De, "1234.56", "1.234,56 €"),
            (Locale::Es, "1234.56", "1234,56 €"),
            (Locale::Es, "12345.67", "12.345,67 €"),
            (Locale::Nl, "1234.56", "€ 1.234,56"),
            (Locale::En, "1234567.5", "€1,234,567.50"),
            (Locale::De, "12", "12,00 €"),
            (Locale::En, "0.5", "€0.50"),
            (Locale::En, "-250", "-€250.00"),
            (Locale::De, "-250", "-250,00 €"),
            (Locale::Nl, "-250", "€ -250,00"),
            (Locale::En, "10.125", "€10.125"),
        ];
        for (locale, amount, want) in cases {
            assert_eq!(plain(locale.money(dec(amount), eur)), want, "{locale:?}");
        }
        assert_eq!(plain(Locale::En.money(dec("99.9"), cur("USD"))), "$99.90");
        assert_eq!(plain(Locale::De.money(dec("99.9"), cur("GBP"))), "99,90 £");
        assert_eq!(
            plain(Locale::En.money(dec("1500"), cur("CHF"))),
            "CHF 1,500.00"
        );
        assert_eq!(
            plain(Locale::Fr.money(dec("1500"), cur("CHF"))),
            "1 500,00 CHF"
        );
        assert_eq!(plain(Locale::En.money(dec("1500"), cur("JPY"))), "¥1,500");
        // Amounts never wrap: the separators inside are no-break spaces.
        assert!(!Locale::Fr.money(dec("1234.56"), eur).contains(' '));
    }

    #[test]
    fn dates_per_language() {
        let day = NaiveDate::from_ymd_opt(2024, 6, 14).unwrap();
        let first = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let long: Vec<String> = Locale::ALL.iter().map(|l| l.long_date(day)).collect();
        assert_eq!(
            long,
            [
                "14 June 2024",
                "14 juin 2024",
                "14. Juni 2024",
                "14 de junio de 2024",
                "14 juni 2024"
            ]
        );
        let short: Vec<String> = Locale::ALL.iter().map(|l| l.short_date(first)).collect();
        assert_eq!(
            short,
            [
                "1 Mar 2024",
                "01/03/2024",
                "01.03.2024",
                "01/03/2024",
                "01-03-2024"
            ]
        );
        assert_eq!(Locale::Fr.long_date(first), "1er mars 2024");
        assert_eq!(Locale::De.long_date(first), "1. März 2024");
    }

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Locale::of_tag("de"), Some(Locale::De));
        assert_eq!(Locale::of_tag("de-AT"), Some(Locale::De));
        assert_eq!(Locale::of_tag("NL_be"), Some(Locale::Nl));
        assert_eq!(Locale::of_tag(" fr "), Some(Locale::Fr));
        assert_eq!(Locale::of_tag("sv"), None);
        assert_eq!(Locale::of_tag(""), None);
        assert_eq!(normalize_tag("fr_BE"), "fr-be");
        assert_eq!(primary_subtag("es-MX"), "es");
    }

    #[test]
    fn every_language_has_every_label() {
        for locale in Locale::ALL {
            let l = locale.labels();
            for word in [
                l.invoice,
                l.invoice_date,
                l.due_date,
                l.amount,
                l.residual,
                l.days_late,
                l.total_due,
                l.overdue,
                l.date,
                l.customer,
                l.phone,
                l.email,
                l.late,
            ] {
                assert!(!word.is_empty(), "{locale:?}");
            }
            assert!(l.page.contains("{n}") && l.page.contains("{m}"));
        }
    }
}
