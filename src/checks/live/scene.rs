//! The facts classification needs besides the answer: where the request went, through which
//! proxy, with which credentials, and how to name them.

use super::super::CheckCtx;
use super::plan::Plan;
use crate::env::Environment;
use crate::http::ProxySetting;
use crate::resolve::{self, Endpoint};
use crate::secret;
use std::time::Duration;

/// The facts that classification needs besides the answer.
pub(super) struct Scene<'a> {
    pub(super) env: &'a Environment,
    pub(super) ctx: &'a CheckCtx,
    pub(super) endpoint: &'a Endpoint,
    pub(super) url: &'a reqwest::Url,
    pub(super) plan: &'a Plan,
    /// The proxy the request went through, if any.
    pub(super) via: Option<ProxySetting>,
    pub(super) timeout: Duration,
}

impl Scene<'_> {
    pub(super) fn host_port(&self) -> String {
        host_port(self.url)
    }

    pub(super) fn scrub(&self, text: &str) -> String {
        let mut known = self.plan.secrets();
        if let Some(p) = &self.via {
            known.push(p.url.as_str());
        }
        secret::scrub(text, &known)
    }

    /// Whether the base URL's path ends in `/v1`.
    pub(super) fn base_ends_in_v1(&self) -> bool {
        reqwest::Url::parse(&self.endpoint.base_url)
            .is_ok_and(|u| u.path().trim_end_matches('/').ends_with("/v1"))
    }

    pub(super) fn base_var(&self) -> String {
        if self.endpoint.is_custom() {
            format!(
                "{} from {}",
                self.endpoint.source,
                self.endpoint.origin.describe(self.env)
            )
        } else {
            "the default endpoint".to_string()
        }
    }
}

/// A variable set in a settings file but not in this shell (`Some(name + where)`).
pub(super) fn settings_only_var(ctx: &CheckCtx, names: &[&str]) -> Option<String> {
    if names.iter().any(|n| ctx.env.var(n).is_some()) {
        return None;
    }
    names.iter().find_map(|n| {
        resolve::env_candidates(n, &ctx.env, &ctx.facts)
            .into_iter()
            .rev()
            .find(|c| c.origin.is_settings())
            .map(|c| format!("{n} in {}", c.origin.describe(&ctx.env)))
    })
}

pub(super) fn host_port(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}
