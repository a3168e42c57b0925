//! What reads see of one org's integrations: the live ones, then the deleted ones that
//! still linger (deleted-linger quirk: listed and readable with `intendedState: DELETED`
//! until their time is up, then a 404), narrowed by the list filters of SDK 269's
//! `GET /api/v2/integrations` (`integrationType`, `reportedState`, `ids`).

use std::time::Duration;

use time::OffsetDateTime;

use crate::backend::integrations::OrgIntegrations;
use crate::backend::model::{Integration, Intended};
use crate::errors::ApiError;

/// The list filters; an empty one lets everything through. Several values of one filter
/// are alternatives; different filters must all match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `integrationType`: type ids.
    pub type_ids: Vec<String>,
    /// `reportedState`: `reportedState.code` values (ACTIVE, ERROR, ...), any case.
    pub reported: Vec<String>,
    /// `ids`: integration ids.
    pub ids: Vec<String>,
}

impl ListFilter {
    fn matches(&self, i: &Integration, now: OffsetDateTime, delay: Duration) -> bool {
        let any = |values: &[String], v: &str| values.is_empty() || values.iter().any(|x| x == v);
        let code = i.lifecycle.observe(now, delay).phase.code();
        any(&self.type_ids, &i.type_id)
            && any(&self.ids, &i.id)
            && (self.reported.is_empty()
                || self.reported.iter().any(|r| r.eq_ignore_ascii_case(code)))
    }
}

fn lingers(i: &Integration, now: OffsetDateTime, linger: Option<Duration>) -> bool {
    match (i.deleted_at, linger) {
        (Some(at), Some(linger)) => now - at < linger,
        _ => false,
    }
}

impl OrgIntegrations {
    /// Every integration a read sees: the live ones in creation order, then the deleted
    /// ones still lingering, in the order they were deleted.
    pub fn visible(
        &self,
        now: OffsetDateTime,
        linger: Option<Duration>,
    ) -> impl Iterator<Item = &Integration> {
        self.integrations
            .iter()
            .chain(self.deleted.iter().filter(move |i| lingers(i, now, linger)))
    }

    /// [`OrgIntegrations::visible`] through `filter`.
    pub fn listed<'a>(
        &'a self,
        filter: &'a ListFilter,
        now: OffsetDateTime,
        delay: Duration,
        linger: Option<Duration>,
    ) -> impl Iterator<Item = &'a Integration> {
        self.visible(now, linger)
            .filter(move |i| filter.matches(i, now, delay))
    }

    /// One integration as a read sees it (a lingering deleted one included).
    pub fn get_visible(
        &self,
        id: &str,
        now: OffsetDateTime,
        linger: Option<Duration>,
    ) -> Result<&Integration, ApiError> {
        self.visible(now, linger)
            .find(|i| i.id == id)
            .ok_or_else(|| ApiError::not_found("integration", id))
    }

    /// Keeps a copy of a just-deleted integration readable for `linger` (nothing without
    /// it), and forgets the ones whose time is up.
    pub(crate) fn linger(
        &mut self,
        gone: &Integration,
        now: OffsetDateTime,
        linger: Option<Duration>,
    ) {
        self.deleted.retain(|i| lingers(i, now, linger));
        if linger.is_some() {
            let mut copy = gone.clone();
            copy.intended = Intended::Deleted;
            copy.deleted_at = Some(now);
            copy.date_modified = now;
            self.deleted.push(copy);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::integration_types::EVENTBRIDGE_TYPE_ID;
    use crate::backend::integrations::CreateRequest;
    use crate::backend::T0;

    const D: Duration = Duration::from_millis(100);

    #[test]
    fn deleted_lingers_then_goes_and_filters_narrow() {
        let mut o = OrgIntegrations::default();
        let mk = |o: &mut OrgIntegrations, t: &str| {
            o.create(
                CreateRequest {
                    name: Some("n".into()),
                    type_id: Some(t.into()),
                },
                T0,
            )
            .unwrap()
        };
        let a = mk(&mut o, EVENTBRIDGE_TYPE_ID);
        let b = mk(&mut o, "webhooks");
        let linger = Some(Duration::from_secs(3));
        o.delete("org", &a.id, T0, D, linger).unwrap();
        let seen = o.get_visible(&a.id, T0, linger).unwrap();
        assert_eq!(seen.intended, Intended::Deleted);
        assert!(o.get(&a.id).is_err(), "writes do not see it");
        let later = T0 + Duration::from_secs(3);
        assert!(o.get_visible(&a.id, later, linger).is_err());
        assert_eq!(o.visible(T0, linger).count(), 2);
        let filter = ListFilter {
            type_ids: vec!["webhooks".into()],
            reported: vec!["inactive".into()],
            ids: vec![b.id.clone(), a.id.clone()],
        };
        let listed: Vec<_> = o.listed(&filter, T0, D, linger).map(|i| &i.id).collect();
        assert_eq!(listed, [&b.id]);
        let mut none = OrgIntegrations::default();
        let c = mk(&mut none, "webhooks");
        none.delete("org", &c.id, T0, D, None).unwrap();
        assert!(none.deleted.is_empty());
    }
}
