//! What the Vertex check sends: the OAuth token request google-auth-library makes from an
//! application-default credentials file before Claude Code's first model call. A user login
//! (`authorized_user`) sends its refresh token; a service-account key (`service_account`) signs
//! a one-hour JWT (RS256) with its private key. Every secret is held in [`Hidden`], which Debug
//! output never shows.

use crate::secret;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair};
use std::fmt;

/// Google's token endpoint, when an `authorized_user` file names none (google-auth's default).
pub(super) const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// The scope Claude Code's Vertex client asks for.
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// A signed JWT lives one hour, as google-auth makes them.
const JWT_LIFETIME_SECS: u64 = 3600;

/// A secret value: usable, never shown by `{:?}`.
pub(super) struct Hidden(String);

impl Hidden {
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hidden(…)")
    }
}

/// How the file proves who it is.
#[derive(Debug)]
pub(super) enum Grant {
    RefreshToken {
        client_id: String,
        client_secret: Hidden,
        refresh_token: Hidden,
    },
    ServiceAccount {
        client_email: String,
        /// Not secret: the key's id as the Cloud console lists it.
        key_id: Option<String>,
        /// The PEM text, kept only to scrub it from anything printed.
        pem: Hidden,
        key: SigningKey,
    },
}

/// The parsed private key (ring's Debug would show the public half only; this shows nothing).
/// Boxed: an RSA key pair is large next to the other variants.
pub(super) struct SigningKey(Box<RsaKeyPair>);

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

/// One token exchange, ready to send.
#[derive(Debug)]
pub(super) struct Exchange {
    /// The file's `type`.
    pub(super) kind: &'static str,
    pub(super) token_uri: String,
    /// Whether `token_uri` came from the file (else google-auth's default).
    pub(super) token_uri_in_file: bool,
    pub(super) grant: Grant,
}

/// What a complete credentials file allows.
#[derive(Debug)]
pub(super) enum Prepared {
    Ready(Exchange),
    /// A type this check does not exchange (external accounts, impersonation…).
    OfflineOnly(String),
    /// A service-account key whose `private_key` does not parse (why, without the key).
    BadKey {
        client_email: String,
        why: KeyError,
    },
}

/// The request body and what it carries.
pub(super) struct Form {
    pub(super) body: String,
    /// The signed JWT, when one was made: a bearer credential for an hour.
    pub(super) assertion: Option<Hidden>,
    /// One line for the report, secrets masked.
    pub(super) sent: String,
}

fn text(v: &serde_json::Value, name: &str) -> Option<String> {
    v.get(name)
        .and_then(|x| x.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Prepared {
    /// Reads a credentials file that [`crate::checks::adc::problem`] found complete.
    pub(super) fn from_file(v: &serde_json::Value) -> Option<Self> {
        let token_uri = text(v, "token_uri");
        let token_uri_in_file = token_uri.is_some();
        let token_uri = token_uri.unwrap_or_else(|| DEFAULT_TOKEN_URI.to_string());
        let (kind, grant) = match crate::checks::adc::kind(v)? {
            "authorized_user" => (
                "authorized_user",
                Grant::RefreshToken {
                    client_id: text(v, "client_id")?,
                    client_secret: Hidden(text(v, "client_secret")?),
                    refresh_token: Hidden(text(v, "refresh_token")?),
                },
            ),
            "service_account" => {
                let client_email = text(v, "client_email")?;
                let pem = text(v, "private_key")?;
                let key = match parse_key(&pem) {
                    Ok(key) => key,
                    Err(why) => return Some(Self::BadKey { client_email, why }),
                };
                (
                    "service_account",
                    Grant::ServiceAccount {
                        client_email,
                        key_id: text(v, "private_key_id"),
                        pem: Hidden(pem),
                        key: SigningKey(Box::new(key)),
                    },
                )
            }
            other => return Some(Self::OfflineOnly(other.to_string())),
        };
        Some(Self::Ready(Exchange {
            kind,
            token_uri,
            token_uri_in_file,
            grant,
        }))
    }
}

impl Exchange {
    /// The secrets in the file, to scrub from anything the server says.
    pub(super) fn secrets(&self) -> Vec<&str> {
        match &self.grant {
            Grant::RefreshToken {
                client_secret,
                refresh_token,
                ..
            } => vec![refresh_token.expose(), client_secret.expose()],
            Grant::ServiceAccount { pem, .. } => vec![pem.expose()],
        }
    }

    /// The service account's address, for a service-account key.
    pub(super) fn client_email(&self) -> Option<&str> {
        match &self.grant {
            Grant::ServiceAccount { client_email, .. } => Some(client_email),
            Grant::RefreshToken { .. } => None,
        }
    }

    /// The form google-auth posts; `now` in Unix seconds (the JWT's `iat`).
    pub(super) fn form(&self, now: u64) -> Result<Form, KeyError> {
        let mut body = form_urlencoded::Serializer::new(String::new());
        match &self.grant {
            Grant::RefreshToken {
                client_id,
                client_secret,
                refresh_token,
            } => {
                body.append_pair("grant_type", "refresh_token")
                    .append_pair("client_id", client_id)
                    .append_pair("client_secret", client_secret.expose())
                    .append_pair("refresh_token", refresh_token.expose());
                Ok(Form {
                    body: body.finish(),
                    assertion: None,
                    sent: format!(
                        "a refresh-token grant for the OAuth client {client_id} (refresh token {}, \
                         with the client secret)",
                        secret::mask(refresh_token.expose())
                    ),
                })
            }
            Grant::ServiceAccount {
                client_email,
                key_id,
                key,
                ..
            } => {
                let jwt = self.jwt(client_email, key_id.as_deref(), &key.0, now)?;
                body.append_pair("grant_type", JWT_BEARER)
                    .append_pair("assertion", &jwt);
                Ok(Form {
                    body: body.finish(),
                    assertion: Some(Hidden(jwt)),
                    sent: format!(
                        "a JWT (RS256) for {client_email}, signed with {}, scope cloud-platform",
                        key_id.as_deref().map_or_else(
                            || "the file's private key".to_string(),
                            |id| format!("the key {id}")
                        )
                    ),
                })
            }
        }
    }

    fn jwt(
        &self,
        iss: &str,
        kid: Option<&str>,
        key: &RsaKeyPair,
        now: u64,
    ) -> Result<String, KeyError> {
        let mut header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
        if let Some(kid) = kid {
            header["kid"] = kid.into();
        }
        let claims = serde_json::json!({
            "iss": iss,
            "scope": SCOPE,
            "aud": self.token_uri,
            "iat": now,
            "exp": now + JWT_LIFETIME_SECS,
        });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; key.public().modulus_len()];
        key.sign(
            &signature::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .map_err(|_| KeyError::CannotSign)?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig)))
    }
}

/// Why the file's private key cannot be used. `Display` follows "the key …" and never holds
/// the key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum KeyError {
    #[error("it holds no PEM block (-----BEGIN …-----)")]
    NoPemBlock,
    #[error("its base64 does not decode")]
    BadBase64,
    #[error("it is a \"{0}\", not an RSA private key")]
    NotRsa(String),
    #[error("not a usable RSA key: {0}")]
    Unusable(String),
    #[error("the private key could not sign")]
    CannotSign,
}

/// Parses a PEM private key: PKCS#8 (`PRIVATE KEY`, what Google issues) or PKCS#1
/// (`RSA PRIVATE KEY`). The error names what is wrong, never the key.
fn parse_key(pem: &str) -> Result<RsaKeyPair, KeyError> {
    // A key copied with its JSON escapes kept (`\n` as two characters) still decodes.
    let pem = pem.replace("\\n", "\n");
    let (label, body) = pem_block(&pem).ok_or(KeyError::NoPemBlock)?;
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD.decode(b64).map_err(|_| KeyError::BadBase64)?;
    let parsed = match label {
        "PRIVATE KEY" => RsaKeyPair::from_pkcs8(&der),
        "RSA PRIVATE KEY" => RsaKeyPair::from_der(&der),
        other => return Err(KeyError::NotRsa(other.to_string())),
    };
    parsed.map_err(|e| KeyError::Unusable(e.to_string()))
}

/// The label and base64 body of the first PEM block.
fn pem_block(pem: &str) -> Option<(&str, &str)> {
    let start = pem.find("-----BEGIN ")? + "-----BEGIN ".len();
    let label_len = pem[start..].find("-----")?;
    let label = &pem[start..start + label_len];
    let body_start = start + label_len + "-----".len();
    let end = pem[body_start..].find(&format!("-----END {label}-----"))?;
    Some((label, &pem[body_start..body_start + end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_and_bad_keys_are_named_without_the_key() {
        assert_eq!(
            pem_block("x\n-----BEGIN PRIVATE KEY-----\nQUJD\n-----END PRIVATE KEY-----\n"),
            Some(("PRIVATE KEY", "\nQUJD\n"))
        );
        assert!(pem_block("-----BEGIN PRIVATE KEY-----\nQUJD\n").is_none());
        let e = parse_key("-----BEGIN PRIVATE KEY-----\nSECRETbody!!\n-----END PRIVATE KEY-----")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("base64") && !e.contains("SECRETbody"), "{e}");
        let e = parse_key("-----BEGIN PRIVATE KEY-----\nQUJDRA==\n-----END PRIVATE KEY-----")
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("not a usable RSA key"), "{e}");
        let e = parse_key("-----BEGIN EC PRIVATE KEY-----\nQUJD\n-----END EC PRIVATE KEY-----")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("\"EC PRIVATE KEY\""), "{e}");
        assert!(parse_key("just text").is_err());
    }

    #[test]
    fn a_user_login_posts_the_refresh_grant_and_debug_hides_secrets() {
        let v = serde_json::json!({
            "type": "authorized_user",
            "client_id": "id.apps.googleusercontent.com",
            "client_secret": "FAKEclientSECRETvalue",
            "refresh_token": "1//FAKErefresh+token/value",
        });
        let Some(Prepared::Ready(ex)) = Prepared::from_file(&v) else {
            panic!("ready");
        };
        assert_eq!(ex.token_uri, DEFAULT_TOKEN_URI);
        assert!(!ex.token_uri_in_file);
        let debug = format!("{ex:?}");
        assert!(!debug.contains("FAKEclientSECRET") && !debug.contains("FAKErefresh"));
        let form = ex.form(0).unwrap();
        assert_eq!(
            form.body,
            "grant_type=refresh_token&client_id=id.apps.googleusercontent.com&client_secret=\
             FAKEclientSECRETvalue&refresh_token=1%2F%2FFAKErefresh%2Btoken%2Fvalue"
        );
        assert!(!form.sent.contains("FAKErefresh") && !form.sent.contains("FAKEclient"));
    }

    #[test]
    fn other_types_are_offline_only() {
        let v = serde_json::json!({"type": "external_account"});
        assert!(matches!(
            Prepared::from_file(&v),
            Some(Prepared::OfflineOnly(k)) if k == "external_account"
        ));
    }
}
