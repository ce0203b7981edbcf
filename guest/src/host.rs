//! The engine's ports implemented with the component's WIT imports.

use crate::convert;
use crate::followup::engine::{chatter, ledger, messaging};
use followup_engine::{
    ChatterEntry, ItemRecord, Message, Page, PartnerRecord, Task, Trust, format_date,
};

/// The host, as seen from inside the component: every call is a WIT import.
pub struct WitHost;

impl followup_engine::Ledger for WitHost {
    fn partner(&mut self, id: &str) -> Option<PartnerRecord> {
        ledger::get_partner(id).map(convert::partner)
    }

    fn partners(&mut self, cursor: Option<&str>, limit: u32) -> Page<PartnerRecord> {
        let page = ledger::list_partners(cursor, limit);
        Page {
            records: page.partners.into_iter().map(convert::partner).collect(),
            next: page.next,
        }
    }

    fn item(&mut self, id: &str) -> Option<ItemRecord> {
        ledger::get_item(id).map(convert::item)
    }

    fn items(
        &mut self,
        partner: Option<&str>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Page<ItemRecord> {
        let page = ledger::list_items(partner, cursor, limit);
        Page {
            records: page.items.into_iter().map(convert::item).collect(),
            next: page.next,
        }
    }

    fn set_item_level(&mut self, item: &str, level: Option<&str>) {
        ledger::set_item_level(item, level);
    }

    fn set_next_reminder(&mut self, partner: &str, date: Option<followup_engine::NaiveDate>) {
        ledger::set_next_reminder(partner, date.map(format_date).as_deref());
    }

    fn set_excluded(&mut self, item: &str, excluded: bool) {
        ledger::set_excluded(item, excluded);
    }

    fn set_trust(&mut self, partner: &str, trust: Trust) {
        ledger::set_trust(partner, convert::trust_out(trust));
    }
}

impl followup_engine::Messaging for WitHost {
    fn send(&mut self, message: &Message) -> Result<(), String> {
        messaging::send(&convert::message(message))
    }
}

impl followup_engine::Chatter for WitHost {
    fn log(&mut self, entry: &ChatterEntry) {
        chatter::log(&convert::entry(entry));
    }

    fn schedule_task(&mut self, task: &Task) {
        chatter::schedule_task(&convert::task(task));
    }
}
