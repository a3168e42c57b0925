//! How an `[[org]]` table deserializes into [`RawOrg`]: `name` and `destination` are taken out as
//! the entries stream past, and every other entry goes to [`RawConnection`]'s own derived
//! deserializer, so the connection keys are declared once (in `RawConnection`) and keep their spans
//! and its `deny_unknown_fields`.

use std::fmt;

use serde::de::value::{MapAccessDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::raw::{RawConnection, RawDestination, RawOrg, Spanned};

impl<'de> Deserialize<'de> for RawOrg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OrgVisitor)
    }
}

struct OrgVisitor;

impl<'de> Visitor<'de> for OrgVisitor {
    type Value = RawOrg;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an [[org]] table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawOrg, A::Error> {
        let mut entries = OrgEntries {
            map,
            name: None,
            destination: None,
        };
        let connection = RawConnection::deserialize(MapAccessDeserializer::new(&mut entries))?;
        Ok(RawOrg {
            name: entries
                .name
                .ok_or_else(|| de::Error::missing_field("name"))?,
            connection,
            destination: entries.destination.unwrap_or_default(),
        })
    }
}

/// The org table's entries as `RawConnection` sees them: without `name` and `destination`, which
/// are kept here on the way past.
struct OrgEntries<A> {
    map: A,
    name: Option<Spanned<String>>,
    destination: Option<Vec<Spanned<RawDestination>>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for OrgEntries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<String>()? {
            match key.as_str() {
                "name" => self.name = Some(self.map.next_value()?),
                "destination" => self.destination = Some(self.map.next_value()?),
                _ => return seed.deserialize(StringDeserializer::new(key)).map(Some),
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}
