//! What to send: the credential headers the CLI would put on the request, and the credential
//! behind each, or why nothing can be sent.

use super::super::CheckCtx;
use crate::ids::CauseId;
use crate::outcome::{CheckOutcome, Status};
use crate::resolve::{Credential, EffectiveAuth, Method};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// The API version header the CLI sends.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// The beta flag that makes the API accept an OAuth (subscription) token.
pub const OAUTH_BETA: &str = "oauth-2025-04-20";

/// One credential header about to be sent.
#[derive(Clone, Debug)]
pub(super) struct Header {
    pub(super) cred: Credential,
    pub(super) value: String,
}

/// The headers the CLI would send, with the credential behind each.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// The credential that decides success.
    pub(super) primary: Credential,
    pub(super) x_api_key: Option<Header>,
    pub(super) bearer: Option<Header>,
    pub(super) oauth_beta: bool,
}

/// Why no request is sent.
pub(super) struct Stop {
    pub(super) cause: CauseId,
    pub(super) severity: Status,
    pub(super) summary: String,
    pub(super) details: Vec<String>,
}

impl Stop {
    pub(super) fn apply(self, out: &mut CheckOutcome) {
        for d in self.details {
            out.detail(d);
        }
        out.find(self.cause, self.severity, self.summary);
    }
}

impl Plan {
    pub(super) async fn build(ctx: &CheckCtx, auth: &EffectiveAuth) -> Result<Self, Stop> {
        let Some(primary) = auth.effective.clone() else {
            return Err(Stop {
                cause: CauseId::NoCredentials,
                severity: Status::Warn,
                summary: "no credential to test".to_string(),
                details: Vec::new(),
            });
        };
        let mut plan = Self {
            primary: primary.clone(),
            x_api_key: None,
            bearer: None,
            oauth_beta: false,
        };
        for cred in std::iter::once(&primary).chain(auth.also_sent.iter()) {
            match cred.method {
                Method::ApiKey => {
                    if let Some(v) = &cred.secret {
                        plan.x_api_key.get_or_insert(Header {
                            cred: cred.clone(),
                            value: v.clone(),
                        });
                    }
                }
                Method::AuthToken | Method::Oauth => {
                    if plan.bearer.is_none()
                        && let Some(v) = &cred.secret
                    {
                        plan.bearer = Some(Header {
                            cred: cred.clone(),
                            value: v.clone(),
                        });
                        plan.oauth_beta = cred.method == Method::Oauth;
                    }
                }
                Method::ApiKeyHelper => {
                    let value = helper_value(ctx, cred).await?;
                    let header = Header {
                        cred: cred.clone(),
                        value,
                    };
                    if plan.x_api_key.is_none() {
                        plan.x_api_key = Some(header.clone());
                    }
                    if plan.bearer.is_none() {
                        plan.bearer = Some(header);
                    }
                }
                _ => {}
            }
        }
        if plan.x_api_key.is_none() && plan.bearer.is_none() {
            return Err(Stop {
                cause: CauseId::NoCredentials,
                severity: Status::Warn,
                summary: format!("{} has no value to send", primary.describe(&ctx.env)),
                details: Vec::new(),
            });
        }
        Ok(plan)
    }

    /// Every secret sent, for scrubbing.
    pub(super) fn secrets(&self) -> Vec<&str> {
        self.x_api_key
            .iter()
            .chain(self.bearer.iter())
            .map(|h| h.value.as_str())
            .collect()
    }

    /// The header map, or the credential whose value cannot be a header.
    pub(super) fn headers(&self) -> Result<HeaderMap, &Header> {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("anthropic-version"),
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        if let Some(h) = &self.x_api_key {
            let mut v = HeaderValue::from_str(&h.value).map_err(|_| h)?;
            v.set_sensitive(true);
            map.insert(HeaderName::from_static("x-api-key"), v);
        }
        if let Some(h) = &self.bearer {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", h.value)).map_err(|_| h)?;
            v.set_sensitive(true);
            map.insert(reqwest::header::AUTHORIZATION, v);
        }
        if self.oauth_beta {
            map.insert(
                HeaderName::from_static("anthropic-beta"),
                HeaderValue::from_static(OAUTH_BETA),
            );
        }
        Ok(map)
    }
}

/// Runs the `apiKeyHelper` (once per run) and returns its value, or why there is none.
async fn helper_value(ctx: &CheckCtx, cred: &Credential) -> Result<String, Stop> {
    let where_ = cred.origin.describe(&ctx.env);
    match ctx.helper_run().await {
        Some(run) => match run.value() {
            Some(v) => Ok(v.to_string()),
            None => Err(Stop {
                cause: CauseId::ApiKeyHelperFailed,
                severity: Status::Fail,
                summary: format!("apiKeyHelper ({where_}) {}", run.describe()),
                details: vec![
                    format!("apiKeyHelper from {where_}: {}", run.describe()),
                    "no request sent: the CLI would send a blank key and report \
                     \"Invalid API key · Fix external API key\""
                        .to_string(),
                ],
            }),
        },
        None => Err(Stop {
            cause: CauseId::ApiKeyHelperFailed,
            severity: Status::Fail,
            summary: format!("apiKeyHelper ({where_}) could not be run"),
            details: Vec::new(),
        }),
    }
}
