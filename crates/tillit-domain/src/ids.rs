//! Typed ids: one newtype per kind of object, so that an analysis id cannot be passed where a
//! scenario id is expected. Ids are UUID v7 text; a newtype says which kind of object it names.

/// Declares an id type.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }
    };
}

id_type!(
    /// An information asset.
    AssetId
);
id_type!(
    /// A system or IT service.
    SystemId
);
id_type!(
    /// A risk analysis.
    AnalysisId
);
id_type!(
    /// A risk scenario of an analysis.
    ScenarioId
);
id_type!(
    /// A measure of the action plan.
    MeasureId
);
id_type!(
    /// A person's membership of an organisation (also names a member, an owner, a decider).
    MembershipId
);
id_type!(
    /// A piece of evidence of an assessment.
    EvidenceId
);
id_type!(
    /// A supplier of the supplier register.
    SupplierId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_text_and_compares_with_text() {
        let a = AssetId::new("0193");
        assert_eq!(a.as_str(), "0193");
        assert_eq!(a, "0193");
        assert_eq!(a.to_string(), "0193");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"0193\"");
        let back: AssetId = serde_json::from_str("\"0193\"").unwrap();
        assert_eq!(back, a);
    }
}
