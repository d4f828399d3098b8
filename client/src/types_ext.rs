//! Hand-written methods on generated types, for what every user of them
//! needs and the spec cannot say.

use crate::types::{ConnectionProviderType, ConnectionProviderTypeEntry};

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
