//! Hand-written methods on generated types, for what every user of them
//! needs and the spec cannot say.

use crate::Tolerant;
use crate::types::{CompactConnection, ConnectionProviderType, ConnectionProviderTypeEntry};

impl ConnectionProviderTypeEntry {
    /// The provider type, when the entry is one (Drata's older samples print
    /// bare numbers instead, whose meaning is not documented).
    ///
    /// ```
    /// use drata::types::{ConnectionProviderType, ConnectionProviderTypeEntry, ProviderType};
    /// let entry: ConnectionProviderTypeEntry =
    ///     serde_json::from_str(r#"{"value": "MDM", "isEnabled": true}"#).unwrap();
    /// assert_eq!(entry.provider_type().map(|p| &p.value), Some(&ProviderType::Mdm));
    /// let bare: ConnectionProviderTypeEntry = serde_json::from_str("5").unwrap();
    /// assert_eq!(bare.provider_type(), None);
    /// assert_eq!(bare.to_string(), "5");
    /// ```
    pub fn provider_type(&self) -> Option<&ConnectionProviderType> {
        match self {
            ConnectionProviderTypeEntry::ConnectionProviderType(p) => Some(p),
            ConnectionProviderTypeEntry::Int64(_) => None,
        }
    }
}

impl std::fmt::Display for ConnectionProviderTypeEntry {
    /// `MDM`, `MDM (off)` when not enabled, or the bare number.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectionProviderTypeEntry::ConnectionProviderType(p) if p.is_enabled => {
                write!(f, "{}", p.value)
            }
            ConnectionProviderTypeEntry::ConnectionProviderType(p) => write!(f, "{} (off)", p.value),
            ConnectionProviderTypeEntry::Int64(n) => write!(f, "{n}"),
        }
    }
}

impl Tolerant<CompactConnection> {
    /// The connection's id as text, whether the connection was typed or kept
    /// as sent (empty when it has none): what tells connections apart.
    ///
    /// ```
    /// let item: drata::Tolerant<drata::types::CompactConnection> =
    ///     serde_json::from_str(r#"{"id": "7", "odd": true}"#).unwrap();
    /// assert_eq!(item.id_text(), "7");
    /// ```
    pub fn id_text(&self) -> String {
        match (self.value(), self.raw_field("id")) {
            (Some(connection), _) => connection.id.to_string(),
            (None, Some(serde_json::Value::String(id))) => id,
            (None, Some(id)) => id.to_string(),
            (None, None) => String::new(),
        }
    }
}
