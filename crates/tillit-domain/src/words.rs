//! The closed word lists of the registers — threats, hosting, confidentiality strengths, data
//! subjects, special categories of personal data — as enums. Each word has a stored key
//! (`public_cloud`) and a translation key (`hosting-public-cloud`), so the translations are checked
//! against every word of every list.

/// Declares a word list: the enum, its keys, parsing and translation keys.
macro_rules! word_list {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, { $($(#[$vmeta:meta])* $variant:ident = $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.key())
            }
        }

        impl $name {
            /// Every word, in the order forms show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every stored key, in the same order.
            pub const KEYS: &'static [&'static str] = &[$($key),+];
            /// The prefix of the translation keys.
            pub const LABEL_PREFIX: &'static str = $prefix;

            /// The key stored and sent in forms and the API.
            pub const fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            pub fn parse(key: &str) -> Option<$name> {
                match key {
                    $($key => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The translation key of the word's label.
            pub fn label_key(self) -> String {
                Self::label_key_of(self.key())
            }

            /// The translation key of a stored key's label.
            pub fn label_key_of(key: &str) -> String {
                format!("{}-{}", $prefix, key.replace('_', "-"))
            }
        }
    };
}

word_list!(
    /// The special categories of personal data of GDPR art. 9(1), in the article's order. Data
    /// about criminal convictions and offences is not one of them (art. 10): it is an asset fact
    /// of its own.
    SpecialCategory, "special", {
        EthnicOrigin = "ethnic_origin",
        Political = "political",
        Religion = "religion",
        TradeUnion = "trade_union",
        Genetic = "genetic",
        Biometric = "biometric",
        Health = "health",
        SexLife = "sex_life",
    }
);

word_list!(
    /// An organisation's legal form, which decides whether OSL binds it.
    LegalForm, "legal-form", {
        Region = "region",
        Municipality = "municipality",
        MunicipalAssociation = "municipal_association",
        MunicipalCompany = "municipal_company",
        Private = "private",
    }
);

word_list!(
    /// What care an organisation gives.
    CareScope, "care-scope", {
        Health = "health",
        Social = "social",
        Both = "both",
    }
);

word_list!(
    /// Whom the personal data of an asset is about.
    DataSubject, "subject", {
        Patients = "patients",
        CareRecipients = "care_recipients",
        Children = "children",
        Relatives = "relatives",
        Staff = "staff",
        Public = "public",
    }
);

word_list!(
    /// How strong an asset's confidentiality is (presumption of secrecy, of openness, absolute).
    ConfidentialityStrength, "strength", {
        PresumptionOfSecrecy = "presumption_of_secrecy",
        PresumptionOfOpenness = "presumption_of_openness",
        Absolute = "absolute",
    }
);

word_list!(
    /// Where a system runs.
    Hosting, "hosting", {
        OwnOperation = "own_operation",
        Outsourced = "outsourced",
        PublicCloud = "public_cloud",
    }
);

word_list!(
    /// The starter threat catalog of risk scenarios (free text is allowed too).
    Threat, "threat", {
        Ransomware = "ransomware",
        Phishing = "phishing",
        UnauthorisedInternalAccess = "unauthorised_internal_access",
        MisdirectedDisclosure = "misdirected_disclosure",
        LostDevice = "lost_device",
        SupplierOutage = "supplier_outage",
        ForeignLawDisclosure = "foreign_law_disclosure",
        SoftwareVulnerability = "software_vulnerability",
        Misconfiguration = "misconfiguration",
        FaultyData = "faulty_data",
        PowerOrNetworkFailure = "power_or_network_failure",
        InsiderMisuse = "insider_misuse",
        MissingLogging = "missing_logging",
        KeyPersonDependency = "key_person_dependency",
    }
);

/// Every word of every list, as (translation key, stored key): for the translation tests.
pub fn all_label_keys() -> Vec<(String, &'static str)> {
    fn of<T: Copy>(
        all: &[T],
        key: fn(T) -> &'static str,
        label: fn(T) -> String,
    ) -> Vec<(String, &'static str)> {
        all.iter().map(|w| (label(*w), key(*w))).collect()
    }
    [
        of(
            SpecialCategory::ALL,
            SpecialCategory::key,
            SpecialCategory::label_key,
        ),
        of(DataSubject::ALL, DataSubject::key, DataSubject::label_key),
        of(
            ConfidentialityStrength::ALL,
            ConfidentialityStrength::key,
            ConfidentialityStrength::label_key,
        ),
        of(Hosting::ALL, Hosting::key, Hosting::label_key),
        of(LegalForm::ALL, LegalForm::key, LegalForm::label_key),
        of(CareScope::ALL, CareScope::key, CareScope::label_key),
        of(Threat::ALL, Threat::key, Threat::label_key),
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_to_its_word() {
        for h in Hosting::ALL {
            assert_eq!(Hosting::parse(h.key()), Some(*h));
        }
        for t in Threat::ALL {
            assert_eq!(Threat::parse(t.key()), Some(*t));
        }
        assert_eq!(Hosting::parse("moon"), None);
        assert_eq!(Hosting::KEYS.len(), Hosting::ALL.len());
    }

    #[test]
    fn a_label_key_is_the_prefix_and_the_key_with_dashes() {
        assert_eq!(Hosting::PublicCloud.label_key(), "hosting-public-cloud");
        assert_eq!(
            Threat::UnauthorisedInternalAccess.label_key(),
            "threat-unauthorised-internal-access"
        );
        assert_eq!(
            DataSubject::label_key_of("care_recipients"),
            "subject-care-recipients"
        );
        let all = all_label_keys();
        let distinct: std::collections::HashSet<_> = all.iter().map(|(l, _)| l).collect();
        assert_eq!(distinct.len(), all.len(), "no two words share a label");
    }
}
