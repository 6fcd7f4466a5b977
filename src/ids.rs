//! The stable ids: checks, causes and fixes. Scripts and CI pipelines depend on these strings,
//! so ids are only ever added, never renamed or dropped.

use serde::{Deserialize, Serialize};

macro_rules! string_ids {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every id, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable string form.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the stable string form.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_ids! {
    /// The checks, in diagnostic order (the order of the checklist).
    CheckId {
        Cli = "cli",
        ShellEnv = "shell-env",
        Oauth = "oauth",
        Live = "live",
        ConfigScope = "config-scope",
        Endpoint = "endpoint",
    }
}

impl CheckId {
    /// The checklist title.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Cli => "Claude Code CLI",
            Self::ShellEnv => "API key in this shell",
            Self::Oauth => "Login credentials (OAuth)",
            Self::Live => "Live check against the API",
            Self::ConfigScope => "Settings scopes",
            Self::Endpoint => "Endpoint, proxy and TLS",
        }
    }
}

string_ids! {
    /// Root causes. The first 21 are the contract's; the rest were added later.
    CauseId {
        NoCredentials = "no-credentials",
        KeyNotExported = "key-not-exported",
        KeyMalformed = "key-malformed",
        CredentialsCorrupt = "credentials-corrupt",
        CredentialsMisplaced = "credentials-misplaced",
        OauthExpired = "oauth-expired",
        TokenInvalid = "token-invalid",
        KeyInvalid = "key-invalid",
        PermissionDenied = "permission-denied",
        GatewayBlocked = "gateway-blocked",
        CreditLow = "credit-low",
        SettingsOverride = "settings-override",
        ApiKeyHelperFailed = "api-key-helper-failed",
        EnvShadowsLogin = "env-shadows-login",
        EndpointUnreachable = "endpoint-unreachable",
        TlsUntrusted = "tls-untrusted",
        BedrockCredentialsMissing = "bedrock-credentials-missing",
        VertexCredentialsMissing = "vertex-credentials-missing",
        CliMissing = "cli-missing",
        KeyNotApproved = "key-not-approved",
        BaseUrlInvalid = "base-url-invalid",
        OauthRefreshDead = "oauth-refresh-dead",
        OauthScopeMissing = "oauth-scope-missing",
        OauthExpiringSoon = "oauth-expiring-soon",
        CredentialsPermissions = "credentials-permissions",
        GlobalConfigCorrupt = "global-config-corrupt",
        SettingsCorrupt = "settings-corrupt",
        ManagedPolicyConflict = "managed-policy-conflict",
        ProxyAuthRequired = "proxy-auth-required",
        RateLimited = "rate-limited",
        ServerError = "server-error",
        TlsVerificationDisabled = "tls-verification-disabled",
        MultipleInstalls = "multiple-installs",
        FoundryCredentialsMissing = "foundry-credentials-missing",
        CliUnresponsive = "cli-unresponsive",
        HomeMissing = "home-missing",
        ConfigDirInvalid = "config-dir-invalid",
        UntrustedFolder = "untrusted-folder",
        InsecureEndpoint = "insecure-endpoint",
        OauthOrgDisabled = "oauth-org-disabled",
        LoginHostUnreachable = "login-host-unreachable",
        CliDisagrees = "cli-disagrees",
        KeychainLocked = "keychain-locked",
        SessionsShareLogin = "sessions-share-login",
        LoginNeedsBrowser = "login-needs-browser",
        OnboardingIncomplete = "onboarding-incomplete",
        VertexCredentialsRejected = "vertex-credentials-rejected",
        CustomOauthUrlRejected = "custom-oauth-url-rejected",
    }
}

string_ids! {
    /// Fixes, as named on the command line (`claude-auth-tui fix <id>`).
    FixId {
        ExportKey = "export-key",
        RepairKey = "repair-key",
        SilenceEnvKey = "silence-env-key",
        RemoveCredentials = "remove-credentials",
        Relogin = "relogin",
        DropOverride = "drop-override",
        TightenPermissions = "tighten-permissions",
        OpenConsole = "open-console",
        ApproveKey = "approve-key",
        RepairBaseUrl = "repair-base-url",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_kebab_case() {
        for id in CheckId::ALL {
            assert_eq!(CheckId::parse(id.as_str()), Some(*id));
        }
        for id in CauseId::ALL {
            assert_eq!(CauseId::parse(id.as_str()), Some(*id));
            assert!(
                id.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
        for id in FixId::ALL {
            assert_eq!(FixId::parse(id.as_str()), Some(*id));
        }
    }

    #[test]
    fn contract_ids_are_all_present() {
        // Never drop one of these: scripts depend on them.
        for name in [
            "no-credentials",
            "key-not-exported",
            "key-malformed",
            "credentials-corrupt",
            "credentials-misplaced",
            "oauth-expired",
            "token-invalid",
            "key-invalid",
            "permission-denied",
            "gateway-blocked",
            "credit-low",
            "settings-override",
            "api-key-helper-failed",
            "env-shadows-login",
            "endpoint-unreachable",
            "tls-untrusted",
            "bedrock-credentials-missing",
            "vertex-credentials-missing",
            "cli-missing",
            "key-not-approved",
            "base-url-invalid",
        ] {
            assert!(CauseId::parse(name).is_some(), "{name}");
        }
        for name in [
            "cli",
            "shell-env",
            "oauth",
            "live",
            "config-scope",
            "endpoint",
        ] {
            assert!(CheckId::parse(name).is_some(), "{name}");
        }
    }

    #[test]
    fn serde_uses_the_stable_strings() {
        assert_eq!(
            serde_json::to_string(&CauseId::KeyNotExported).unwrap(),
            "\"key-not-exported\""
        );
        assert_eq!(
            serde_json::from_str::<FixId>("\"drop-override\"").unwrap(),
            FixId::DropOverride
        );
    }
}
