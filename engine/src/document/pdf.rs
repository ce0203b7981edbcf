//! The follow-up report as a PDF letter: A4 portrait, laid out after DIN 5008 form B so
//! the recipient's address shows in the window of a C5/6 or DL window envelope (left
//! window 20 mm from the left edge, 45 mm from the top, 85 × 45 mm).
//!
//! Page 1: letterhead (company name, address, phone, email), the return line and the
//! recipient's address in the window field, an information block (date, customer
//! reference) to its right, fold marks at 105 mm and 210 mm and a hole mark at 148.5 mm,
//! then the subject, the level's text, the table of items (late due dates in red), the
//! totals per currency and the rest of the text. Further pages repeat a short header and
//! the table's heading. Every page has a footer with the company's details and
//! "page n of m".
//!
//! Text uses the standard fonts Helvetica and Helvetica-Bold with WinAnsiEncoding, which
//! covers English, French, German, Spanish and Dutch and the euro sign; characters
//! outside it print as `?`. Nothing depends on a clock or on chance: the same document
//! always gives the same bytes.

use super::helvetica;
use super::{Document, Row, TotalRow};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

/// Points per millimetre.
const MM: f32 = 72.0 / 25.4;
/// A4, in millimetres.
const PAGE_WIDTH: f32 = 210.0;
const PAGE_HEIGHT: f32 = 297.0;
/// Left and right edges of the text (DIN 5008: 25 mm left, at least 20 mm right).
const LEFT: f32 = 25.0;
const RIGHT: f32 = 190.0;
/// Where the text of a page ends (above the footer).
const BOTTOM: f32 = 270.0;
/// Where the text of a continuation page begins.
const CONTINUATION_TOP: f32 = 32.0;

/// Body text size and leading.
const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 5.0;
const PARAGRAPH_GAP: f32 = 3.0;
/// Extra room above the company's name at the end of a letter, for a signature.
const SIGNATURE_GAP: f32 = 8.0;
/// Table text size and row height.
const TABLE_SIZE: f32 = 9.0;
const HEADER_SIZE: f32 = 8.0;
const ROW_HEIGHT: f32 = 6.0;

/// Colours.
const BLACK: Rgb = Rgb(0.1, 0.1, 0.1);
const GREY: Rgb = Rgb(0.42, 0.42, 0.42);
const LIGHT: Rgb = Rgb(0.84, 0.85, 0.87);
const BAND: Rgb = Rgb(0.93, 0.94, 0.95);
const ACCENT: Rgb = Rgb(0.17, 0.29, 0.42);
const RED: Rgb = Rgb(0.75, 0.08, 0.11);

#[derive(Debug, Clone, Copy, PartialEq)]
struct Rgb(f32, f32, f32);

/// The two fonts used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> Name<'static> {
        match self {
            Font::Regular => Name(b"F1"),
            Font::Bold => Name(b"F2"),
        }
    }

    fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &helvetica::REGULAR,
            Font::Bold => &helvetica::BOLD,
        }
    }
}

/// A character in WinAnsiEncoding, if it has one (no-break and thin spaces print as a
/// no-break space; the invisible separator prints as nothing).
fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    let byte = match c {
        ' '..='~' => code as u8,
        '\u{a0}'..='\u{ff}' => code as u8,
        '\u{2007}' | '\u{2009}' | '\u{202f}' => 0xa0,
        '\u{2011}' => b'-',
        '\t' => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        '\u{2063}' | '\u{200b}' | '\u{feff}' => return None,
        _ => b'?',
    };
    Some(byte)
}

/// Text as WinAnsiEncoding bytes.
fn encode(text: &str) -> Vec<u8> {
    text.chars().filter_map(win_ansi).collect()
}

/// Width of `text` in millimetres at `size` points.
fn width(text: &str, font: Font, size: f32) -> f32 {
    let units: u32 = encode(text)
        .into_iter()
        .map(|b| u32::from(font.widths()[usize::from(b.max(32) - 32)]))
        .sum();
    units as f32 / 1000.0 * size / MM
}

/// `text` cut to fit `max` millimetres, ending in `…` when cut.
fn fit(text: &str, font: Font, size: f32, max: f32) -> String {
    if width(text, font, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let next = format!("{out}{c}…");
        if width(&next, font, size) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// Breaks `text` into lines of at most `max` millimetres (words longer than a line are
/// cut).
fn wrap(text: &str, font: Font, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, font, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word starts a new line, cut where it does not fit.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if piece.chars().count() > 1 && width(&piece, font, size) > max {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One page being drawn; coordinates in millimetres from the top left corner.
struct Page {
    content: Content,
}

impl Page {
    fn new() -> Page {
        Page {
            content: Content::new(),
        }
    }

    fn text(&mut self, x: f32, y: f32, font: Font, size: f32, color: Rgb, text: &str) {
        let bytes = encode(text);
        if bytes.is_empty() {
            return;
        }
        let c = &mut self.content;
        c.set_fill_rgb(color.0, color.1, color.2);
        c.begin_text();
        c.set_font(font.resource(), size);
        c.next_line(x * MM, (PAGE_HEIGHT - y) * MM);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn text_right(&mut self, right: f32, y: f32, font: Font, size: f32, color: Rgb, text: &str) {
        let x = right - width(text, font, size);
        self.text(x, y, font, size, color, text);
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), thickness: f32, color: Rgb) {
        let c = &mut self.content;
        c.set_stroke_rgb(color.0, color.1, color.2);
        c.set_line_width(thickness);
        c.move_to(from.0 * MM, (PAGE_HEIGHT - from.1) * MM);
        c.line_to(to.0 * MM, (PAGE_HEIGHT - to.1) * MM);
        c.stroke();
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        let c = &mut self.content;
        c.set_fill_rgb(color.0, color.1, color.2);
        c.rect(x * MM, (PAGE_HEIGHT - y - h) * MM, w * MM, h * MM);
        c.fill_nonzero();
    }
}

/// A column of the table: left edge, right edge, right-aligned.
struct Column {
    left: f32,
    right: f32,
    align_right: bool,
}

const COLUMNS: [Column; 6] = [
    Column {
        left: LEFT + 1.5,
        right: 61.0,
        align_right: false,
    },
    Column {
        left: 63.0,
        right: 87.0,
        align_right: false,
    },
    Column {
        left: 89.0,
        right: 113.0,
        align_right: false,
    },
    Column {
        left: 115.0,
        right: 141.0,
        align_right: true,
    },
    Column {
        left: 143.0,
        right: 166.0,
        align_right: true,
    },
    Column {
        left: 168.0,
        right: RIGHT - 1.5,
        align_right: true,
    },
];

/// Lays out the pages of one document.
struct Layout<'a> {
    doc: &'a Document,
    pages: Vec<Page>,
    /// Baseline position of the next line on the current page.
    y: f32,
}

impl<'a> Layout<'a> {
    fn page(&mut self) -> &mut Page {
        // The layout always has a page: it starts with the first one.
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a continuation page with its short header.
    fn new_page(&mut self) {
        let doc = self.doc;
        let mut page = Page::new();
        page.text(LEFT, 18.0, Font::Bold, 11.0, ACCENT, &doc.company.name);
        let right = format!("{} · {}", doc.recipient.name, doc.date);
        let right = fit(&right, Font::Regular, 8.0, 90.0);
        page.text_right(RIGHT, 18.0, Font::Regular, 8.0, GREY, &right);
        page.line((LEFT, 21.0), (RIGHT, 21.0), 0.6, ACCENT);
        self.pages.push(page);
        self.y = CONTINUATION_TOP;
    }

    /// Makes room for `height` millimetres, starting a new page when needed; true when
    /// a page was started.
    fn room(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Page 1: letterhead, window address, information block, marks, subject.
    fn first_page(&mut self) {
        let doc = self.doc;
        let labels = doc.labels();
        let page = self.page();

        // Letterhead: name on the left, contact details on the right, a rule below.
        let name = fit(&doc.company.name, Font::Bold, 18.0, 95.0);
        page.text(LEFT, 22.0, Font::Bold, 18.0, ACCENT, &name);
        let mut details: Vec<String> = doc.company.address.clone();
        if let Some(phone) = &doc.company.phone {
            details.push(format!("{} {phone}", labels.phone));
        }
        if let Some(email) = &doc.company.email {
            details.push(email.clone());
        }
        let mut y = 12.5;
        for line in &details {
            let line = fit(line, Font::Regular, 8.0, 65.0);
            page.text_right(RIGHT, y, Font::Regular, 8.0, GREY, &line);
            y += 3.6;
        }
        page.line((LEFT, 33.0), (RIGHT, 33.0), 0.8, ACCENT);

        // Fold marks (105 mm, 210 mm) and the hole mark (148.5 mm).
        for (y, length) in [(105.0, 5.0), (148.5, 7.0), (210.0, 5.0)] {
            page.line((4.0, y), (4.0 + length, y), 0.4, GREY);
        }

        // Return line at the top of the window, underlined.
        let mut sender = vec![doc.company.name.clone()];
        sender.extend(doc.company.address.iter().cloned());
        let sender = fit(&sender.join(" · "), Font::Regular, 6.5, 80.0);
        page.text(LEFT, 58.0, Font::Regular, 6.5, GREY, &sender);
        let under = LEFT + width(&sender, Font::Regular, 6.5);
        page.line((LEFT, 59.2), (under, 59.2), 0.3, GREY);

        // The recipient in the address zone (62.7 mm to 90 mm), at most six lines.
        let mut lines: Vec<String> = wrap(&doc.recipient.name, Font::Regular, 10.0, 80.0);
        lines.truncate(2);
        lines.extend(doc.recipient.address.iter().cloned());
        let mut y = 67.0;
        for line in lines.iter().take(6) {
            let line = fit(line, Font::Regular, 10.0, 80.0);
            page.text(LEFT, y, Font::Regular, 10.0, BLACK, &line);
            y += 4.2;
        }

        // Information block to the right of the window.
        let info = [(labels.date, &doc.date), (labels.customer, &doc.customer)];
        let mut y = 55.0;
        for (label, value) in info {
            page.text(125.0, y, Font::Regular, 8.0, GREY, label);
            let value = fit(value, Font::Regular, 9.0, RIGHT - 152.0);
            page.text(152.0, y, Font::Regular, 9.0, BLACK, &value);
            y += 5.0;
        }

        // Subject.
        let mut y = 102.0;
        for line in wrap(&doc.subject, Font::Bold, 11.0, RIGHT - LEFT) {
            page.text(LEFT, y, Font::Bold, 11.0, BLACK, &line);
            y += 5.5;
        }
        self.y = y + 5.0;
    }

    /// Paragraphs of body text.
    fn paragraphs(&mut self, paragraphs: &[Vec<String>]) {
        for paragraph in paragraphs {
            // Room to sign above the company's name when it closes the letter.
            if paragraph.len() == 1 && paragraph[0].trim() == self.doc.company.name.trim() {
                self.y += SIGNATURE_GAP;
            }
            let lines: Vec<String> = paragraph
                .iter()
                .flat_map(|line| wrap(line, Font::Regular, BODY_SIZE, RIGHT - LEFT))
                .collect();
            // Keep short paragraphs (a closing formula, a signature) together.
            if lines.len() <= 3 {
                self.room(BODY_LEADING * lines.len() as f32);
            }
            for line in &lines {
                self.room(BODY_LEADING);
                let y = self.y;
                self.page()
                    .text(LEFT, y, Font::Regular, BODY_SIZE, BLACK, line);
                self.y += BODY_LEADING;
            }
            self.y += PARAGRAPH_GAP;
        }
    }

    /// The heading row of the table.
    fn table_heading(&mut self) {
        let labels = self.doc.labels();
        let heads = [
            labels.invoice,
            labels.invoice_date,
            labels.due_date,
            labels.amount,
            labels.residual,
            labels.days_late,
        ];
        let top = self.y - 4.2;
        let page = self.page();
        page.fill(LEFT, top, RIGHT - LEFT, ROW_HEIGHT, BAND);
        page.line(
            (LEFT, top + ROW_HEIGHT),
            (RIGHT, top + ROW_HEIGHT),
            0.5,
            LIGHT,
        );
        for (head, column) in heads.into_iter().zip(&COLUMNS) {
            let room = column.right - column.left;
            let mut size = HEADER_SIZE;
            while size > 6.0 && width(head, Font::Bold, size) > room {
                size -= 0.5;
            }
            let head = fit(head, Font::Bold, size, room);
            if column.align_right {
                page.text_right(column.right, top + 4.2, Font::Bold, size, BLACK, &head);
            } else {
                page.text(column.left, top + 4.2, Font::Bold, size, BLACK, &head);
            }
        }
        self.y += ROW_HEIGHT;
    }

    fn table_row(&mut self, row: &Row) {
        let top = self.y - 4.2;
        let due_color = if row.late { RED } else { BLACK };
        let cells = [
            (&row.number, Font::Regular, BLACK),
            (&row.invoice_date, Font::Regular, BLACK),
            (
                &row.due_date,
                if row.late { Font::Bold } else { Font::Regular },
                due_color,
            ),
            (&row.amount, Font::Regular, BLACK),
            (&row.residual, Font::Regular, BLACK),
            (&row.days_late, Font::Regular, due_color),
        ];
        let page = self.page();
        for ((text, font, color), column) in cells.into_iter().zip(&COLUMNS) {
            let text = fit(text, font, TABLE_SIZE, column.right - column.left);
            if column.align_right {
                page.text_right(column.right, top + 4.2, font, TABLE_SIZE, color, &text);
            } else {
                page.text(column.left, top + 4.2, font, TABLE_SIZE, color, &text);
            }
        }
        page.line(
            (LEFT, top + ROW_HEIGHT),
            (RIGHT, top + ROW_HEIGHT),
            0.3,
            LIGHT,
        );
        self.y += ROW_HEIGHT;
    }

    fn totals(&mut self, totals: &[TotalRow]) {
        let labels = self.doc.labels();
        let lines: usize = totals.iter().map(|t| 1 + usize::from(t.has_overdue)).sum();
        self.room(ROW_HEIGHT * lines as f32 + 2.0);
        let top = self.y - 4.2;
        self.page()
            .line((COLUMNS[3].left, top), (RIGHT, top), 0.8, ACCENT);
        self.y += 1.0;
        let several = totals.len() > 1;
        for total in totals {
            let label = if several {
                format!("{} ({})", labels.total_due, total.currency)
            } else {
                labels.total_due.to_string()
            };
            let y = self.y;
            let page = self.page();
            page.text_right(COLUMNS[3].right, y, Font::Bold, TABLE_SIZE, BLACK, &label);
            page.text_right(
                COLUMNS[4].right,
                y,
                Font::Bold,
                TABLE_SIZE,
                BLACK,
                &total.due,
            );
            self.y += ROW_HEIGHT - 1.0;
            if total.has_overdue {
                let y = self.y;
                let page = self.page();
                page.text_right(
                    COLUMNS[3].right,
                    y,
                    Font::Regular,
                    TABLE_SIZE,
                    RED,
                    labels.overdue,
                );
                page.text_right(
                    COLUMNS[4].right,
                    y,
                    Font::Regular,
                    TABLE_SIZE,
                    RED,
                    &total.overdue,
                );
                self.y += ROW_HEIGHT - 1.0;
            }
        }
        self.y += 4.0;
    }

    /// The table of items and the totals.
    fn statement(&mut self) {
        let doc = self.doc;
        self.y += 1.0;
        // The heading and at least two rows stay together.
        self.room(ROW_HEIGHT * 3.0);
        self.table_heading();
        for row in &doc.rows {
            if self.room(ROW_HEIGHT) {
                self.table_heading();
            }
            self.table_row(row);
        }
        self.y += 2.0;
        self.totals(&doc.totals);
    }

    /// The footer of every page, once the number of pages is known.
    fn footers(&mut self) {
        let count = self.pages.len();
        let footer = self.doc.footer();
        let mut size = 7.0;
        while size > 5.5 && width(&footer, Font::Regular, size) > 140.0 {
            size -= 0.25;
        }
        let footer = fit(&footer, Font::Regular, size, 140.0);
        let labels = self.doc.labels();
        for (index, page) in self.pages.iter_mut().enumerate() {
            page.line((LEFT, 282.0), (RIGHT, 282.0), 0.3, LIGHT);
            page.text(LEFT, 286.0, Font::Regular, size, GREY, &footer);
            let number = labels
                .page
                .replace("{n}", &(index + 1).to_string())
                .replace("{m}", &count.to_string());
            page.text_right(RIGHT, 286.0, Font::Regular, 7.0, GREY, &number);
        }
    }
}

/// The document as PDF bytes.
pub fn letter(doc: &Document) -> Vec<u8> {
    let mut layout = Layout {
        doc,
        pages: vec![Page::new()],
        y: 0.0,
    };
    layout.first_page();
    layout.paragraphs(&doc.before);
    layout.statement();
    layout.paragraphs(&doc.after);
    layout.footers();

    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let regular = Ref::new(4);
    let bold = Ref::new(5);
    let first_page = 6;
    let page_ids: Vec<(Ref, Ref)> = (0..layout.pages.len())
        .map(|i| {
            let base = first_page + 2 * i as i32;
            (Ref::new(base), Ref::new(base + 1))
        })
        .collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr(&doc.lang));
    pdf.pages(tree)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    pdf.document_info(info)
        .title(TextStr(&doc.subject))
        .author(TextStr(&doc.company.name))
        .creator(TextStr("followup"));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (page, (page_id, content_id)) in layout.pages.into_iter().zip(&page_ids) {
        let mut writer = pdf.page(*page_id);
        writer
            .parent(tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH * MM, PAGE_HEIGHT * MM))
            .contents(*content_id);
        let mut resources = writer.resources();
        resources
            .fonts()
            .pair(Font::Regular.resource(), regular)
            .pair(Font::Bold.resource(), bold);
        resources.finish();
        writer.finish();
        pdf.stream(*content_id, &page.content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_encoded_in_win_ansi() {
        assert_eq!(encode("Grüße €5 œ"), b"Gr\xfc\xdfe \x805 \x9c");
        assert_eq!(encode("a\u{2063}b\u{202f}c✓"), b"ab\xa0c?");
        // "Hello" in Helvetica: 722 + 556 + 222 + 222 + 556 = 2278 units.
        let expected = 2.278 * 10.0 / MM;
        assert!((width("Hello", Font::Regular, 10.0) - expected).abs() < 1e-4);
        assert!(width("Hello", Font::Bold, 10.0) > width("Hello", Font::Regular, 10.0));
    }

    #[test]
    fn long_text_wraps_and_cells_are_cut_to_fit() {
        let text = "word ".repeat(60);
        let lines = wrap(&text, Font::Regular, 10.0, 50.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| width(l, Font::Regular, 10.0) <= 50.0));
        let long = "X".repeat(200);
        let lines = wrap(&long, Font::Regular, 10.0, 50.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, Font::Regular, 10.0) <= 50.0));
        let cut = fit(
            "INV/2024/000000000000000123456789",
            Font::Regular,
            9.0,
            20.0,
        );
        assert!(cut.ends_with('…') && width(&cut, Font::Regular, 9.0) <= 20.0);
    }
}
