//! The pasted-error classifier: every signature's own example, a corpus of realistic pastes,
//! honest no-matches, robustness on arbitrary input, and no secret ever echoed whole.

mod support;

use claude_auth_tui::classify::{classify, signatures};
use claude_auth_tui::explain::{render_json, render_text};
use claude_auth_tui::ids::CauseId::{self, *};
use proptest::prelude::*;
use support::{FAKE_API_KEY, FAKE_AUTH_TOKEN, FAKE_OAUTH_TOKEN, assert_no_leak};

#[test]
fn every_signature_example_classifies_to_its_cause() {
    let mut wrong = Vec::new();
    for sig in signatures() {
        let c = classify(&sig.example);
        if c.cause != Some(sig.cause) {
            wrong.push(format!(
                "{}: expected {}, got {:?} ({:?})",
                sig.id,
                sig.cause,
                c.cause.map(CauseId::as_str),
                c.candidates
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// What users paste: prompts, colours, wrapped lines, boxes, stack traces, JSON and HTML.
fn corpus() -> Vec<(&'static str, String, CauseId)> {
    let key = FAKE_API_KEY;
    let last20 = &FAKE_API_KEY[FAKE_API_KEY.len() - 20..];
    vec![
        (
            "coloured prompt, not logged in",
            "\x1b[1;32mme@box\x1b[0m:\x1b[1;34m~/proj\x1b[0m$ claude -p hi\n\x1b[31mNot logged in · Please run /login\x1b[39m\n\x1b[1;32mme@box\x1b[0m:~/proj$ ".into(),
            NoCredentials,
        ),
        (
            "auth status text",
            "$ claude auth status --text\nNot logged in. Run claude auth login to authenticate.\n$ echo $?\n1".into(),
            NoCredentials,
        ),
        (
            "invalid key with the key on the command line",
            format!("$ ANTHROPIC_API_KEY={key} claude -p 'hi'\nInvalid API key · Fix external API key\n$ echo $?\n1"),
            KeyInvalid,
        ),
        (
            "expired token, raw JSON, wrapped mid-word by the terminal",
            "> hi\n  ⎿  API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"OAuth token has exp\n     ired. Please obtain a new token or refresh your existing token.\"},\"request_id\":\"req_011CUa1b2c3d\"} · Please run /login".into(),
            OauthExpired,
        ),
        (
            "invalid bearer token in the interactive box",
            "╭──────────────────────────────╮\n│ > hi                         │\n╰──────────────────────────────╯\n⏺ Please run /login · API Error: 401 Invalid bearer token".into(),
            TokenInvalid,
        ),
        (
            "403 permission in --output-format json",
            r#"{"type":"result","subtype":"success","is_error":true,"api_error_status":403,"duration_ms":912,"result":"Failed to authenticate. API Error: 403 Your API key does not have permission to use the specified resource.","session_id":"5f0c1d2e"}"#.into(),
            PermissionDenied,
        ),
        (
            "permission message wrapped at a space that the copy dropped",
            "Failed to authenticate. API Error: 403 Your API key does not have\npermission to use the specified resource.".into(),
            PermissionDenied,
        ),
        (
            "proxy refused CONNECT",
            "[DEBUG] Proxy: http://proxy.corp.example:3128\nFailed to authenticate. API Error: 403 status code (no body)".into(),
            GatewayBlocked,
        ),
        (
            "nginx HTML 403 with CRLF",
            "Failed to authenticate. API Error: 403 <html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n".into(),
            GatewayBlocked,
        ),
        (
            "proxy wants authentication",
            "$ HTTPS_PROXY=http://proxy.corp.example:8080 claude -p hi\nAPI Error: 407 status code (no body)".into(),
            ProxyAuthRequired,
        ),
        (
            "base URL ending in /v1, curly apostrophe",
            "$ export ANTHROPIC_BASE_URL=https://llm.corp.example/v1\n$ claude -p hi\nThere’s an issue with the selected model (claude-opus-4-8[1m]). It may not exist or you may not have access to it. Run --model to pick a different model.".into(),
            BaseUrlInvalid,
        ),
        (
            "credit balance, JSON body",
            "API Error: 400 {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.\"}}".into(),
            CreditLow,
        ),
        (
            "rate limit",
            "API Error: Request rejected (429) · Number of request tokens has exceeded your per-minute rate limit (https://docs.claude.com/en/api/rate-limits)".into(),
            RateLimited,
        ),
        (
            "repeated 529",
            "  ⎿  API Error: Repeated 529 Overloaded errors. The API is at capacity — this is usually temporary. Try again in a moment.".into(),
            ServerError,
        ),
        (
            "500 through a gateway",
            "API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment. If it persists, check your inference gateway (llm.corp.example:443).".into(),
            ServerError,
        ),
        (
            "connection refused after retries",
            "  ⎿  API Error (Connection error.) · Retrying in 1 seconds… (attempt 1/10)\n  ⎿  API Error (Connection error.) · Retrying in 2 seconds… (attempt 2/10)\nAPI Error: Unable to connect to API (ConnectionRefused)".into(),
            EndpointUnreachable,
        ),
        (
            "node stack trace, DNS",
            "Error: getaddrinfo ENOTFOUND llm-gateway.internal\n    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n  errno: -3008,\n  code: 'ENOTFOUND',\n  syscall: 'getaddrinfo',\n  hostname: 'llm-gateway.internal'\n}".into(),
            EndpointUnreachable,
        ),
        (
            "timeout",
            "$ API_TIMEOUT_MS=5000 CLAUDE_CODE_MAX_RETRIES=0 claude -p hi\nRequest timed out".into(),
            EndpointUnreachable,
        ),
        (
            "TLS interception, debug log and message",
            "[ERROR] Connection error details: code=SELF_SIGNED_CERT_IN_CHAIN (SSL error), message=self signed certificate in certificate chain\nAPI Error: Unable to connect to API: Self-signed certificate detected. Check your proxy or corporate SSL certificates".into(),
            TlsUntrusted,
        ),
        (
            "installer behind a TLS proxy",
            "Failed to fetch version from https://storage.googleapis.com/claude-code-dist/stable: unable to get local issuer certificate".into(),
            TlsUntrusted,
        ),
        (
            "expired certificate",
            "Connection error details: code=CERT_HAS_EXPIRED (SSL error), message=certificate has expired".into(),
            TlsUntrusted,
        ),
        (
            "apiKeyHelper then invalid key",
            "apiKeyHelper failed: exited 1: [ERROR] 2026/11/25 10:02:11 You are not currently signed in. Please run `op signin --help` for instructions\nInvalid API key · Fix external API key".into(),
            ApiKeyHelperFailed,
        ),
        (
            "custom key dialog",
            format!("╭────────────────────────────────────────────────╮\n│ Detected a custom API key in your environment  │\n│                                                │\n│ ANTHROPIC_API_KEY: sk-ant-...{last20}          │\n│                                                │\n│ Do you want to use this API key?               │\n│                                                │\n│ ❯ 1. Yes                                       │\n│   2. No (recommended)                          │\n╰────────────────────────────────────────────────╯"),
            KeyNotApproved,
        ),
        (
            "organization disabled subscription",
            "Your organization has disabled Claude subscription access for Claude Code · Use an Anthropic API key instead, or ask your admin to enable access".into(),
            OauthOrgDisabled,
        ),
        (
            "oauth not allowed for org, raw 403",
            "API Error: 403 {\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"OAuth authentication is currently not allowed for this organization.\",\"details\":{\"error_code\":\"oauth_org_not_allowed\"}}}".into(),
            OauthOrgDisabled,
        ),
        (
            "subscription token used by another tool",
            "opencode: AI_APICallError: This credential is only authorized for use with Claude Code and cannot be used for other API requests.\n    at file:///home/me/.cache/opencode/node_modules/@ai-sdk/provider-utils/dist/index.mjs:889:14".into(),
            PermissionDenied,
        ),
        (
            "region refused",
            "API Error: 403 {\"error\":{\"type\":\"forbidden\",\"message\":\"Request not allowed\"}}".into(),
            PermissionDenied,
        ),
        (
            "managed settings conflict on stderr",
            "This machine's managed settings require a first-party login, but an Anthropic-issued credential\n(ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, or apiKeyHelper) is configured.\nRemove it or ask your administrator.".into(),
            ManagedPolicyConflict,
        ),
        (
            "corrupt global config",
            "Configuration error in /home/me/.claude.json: JSON Parse error: Expected '}'\nClaude configuration file at /home/me/.claude.json is corrupted: JSON Parse error: Expected '}'\nThe corrupted file has been backed up to: /home/me/.claude/backups/.claude.json.corrupted.1764064000000".into(),
            GlobalConfigCorrupt,
        ),
        (
            "historical invalid key",
            "> hello\n  ⎿  Invalid API key · Please run /login".into(),
            KeyInvalid,
        ),
        (
            "historical missing key",
            "  ⎿  Missing API key · Run /login".into(),
            NoCredentials,
        ),
        (
            "debug log, JSON body",
            "2026-11-25T10:00:01.123Z [ERROR] API error (attempt 1/11): 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},\"request_id\":\"req_011CUxyz\"}".into(),
            KeyInvalid,
        ),
        (
            "JSON output with escaped middle dot",
            r#"{"type":"result","is_error":true,"result":"Invalid API key \u00b7 Fix external API key"}"#.into(),
            KeyInvalid,
        ),
        (
            "overloaded JSON body",
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.into(),
            ServerError,
        ),
        (
            "article: key not configured",
            "Error: API key not configured. Run 'claude login' or set ANTHROPIC_API_KEY.".into(),
            NoCredentials,
        ),
        (
            "article: invalid key",
            "Error: invalid_api_key - API key is invalid or has been revoked.".into(),
            KeyInvalid,
        ),
        (
            "article: expired token",
            "Error: authentication_error - OAuth token has expired. Run 'claude login' to re-authenticate.".into(),
            OauthExpired,
        ),
        (
            "article: configured endpoint",
            "Error: authentication_error - Could not authenticate with the configured API endpoint.".into(),
            GatewayBlocked,
        ),
        (
            "bedrock, invalid security token",
            "$ CLAUDE_CODE_USE_BEDROCK=1 claude -p hi\nAPI Error: 403 The security token included in the request is invalid.".into(),
            BedrockCredentialsMissing,
        ),
        (
            "bedrock, expired STS",
            "API Error: 400 ExpiredTokenException: The security token included in the request is expired".into(),
            BedrockCredentialsMissing,
        ),
        (
            "bedrock, no credentials",
            "Unable to locate credentials. You can configure credentials by running \"aws configure\".".into(),
            BedrockCredentialsMissing,
        ),
        (
            "bedrock, SSO expired",
            "Error when retrieving token from sso: Token has expired and refresh failed".into(),
            BedrockCredentialsMissing,
        ),
        (
            "bedrock, model access",
            "API Error: 403 You don't have access to the model with the specified model ID.".into(),
            PermissionDenied,
        ),
        (
            "vertex, python traceback with invalid_rapt",
            "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/google/oauth2/reauth.py\", line 338, in refresh_grant\ngoogle.auth.exceptions.RefreshError: ('invalid_grant: reauth related error (invalid_rapt)', {'error': 'invalid_grant', 'error_subtype': 'invalid_rapt'})".into(),
            VertexCredentialsRejected,
        ),
        (
            "vertex, no ADC",
            "Error: Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.\n    at GoogleAuth.getApplicationDefaultAsync (/usr/lib/node_modules/google-auth-library/build/src/auth/googleauth.js:284:15)".into(),
            VertexCredentialsMissing,
        ),
        (
            "vertex, reauthentication",
            "Reauthentication is needed. Please run `gcloud auth application-default login` to reauthenticate.".into(),
            VertexCredentialsRejected,
        ),
        (
            "vertex, node google-auth with a deleted service-account key",
            "GaxiosError: invalid_grant\n    at Gaxios._request (/usr/lib/node_modules/@anthropic-ai/claude-code/node_modules/gaxios/build/src/gaxios.js:142:23)\n  response: { data: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, status: 400 }".into(),
            VertexCredentialsRejected,
        ),
        (
            "vertex, revoked application-default login",
            "API Error: 400 {\"error\": \"invalid_grant\", \"error_description\": \"Token has been expired or revoked.\"}".into(),
            VertexCredentialsRejected,
        ),
        (
            "vertex, deleted OAuth client",
            "{\n  \"error\": \"deleted_client\",\n  \"error_description\": \"The OAuth client was deleted.\"\n}".into(),
            VertexCredentialsRejected,
        ),
        (
            "vertex, IAM",
            "API Error: 403 {\"error\":{\"code\":403,\"message\":\"Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5'\",\"status\":\"PERMISSION_DENIED\"}}".into(),
            PermissionDenied,
        ),
        (
            "foundry",
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials:\n\tEnvironmentCredential: EnvironmentCredential is unavailable.".into(),
            FoundryCredentialsMissing,
        ),
        (
            "zsh, no claude",
            "me@box ~ % claude auth status\nzsh: command not found: claude".into(),
            CliMissing,
        ),
        (
            "powershell, no claude",
            "PS C:\\Users\\me> claude\nclaude : The term 'claude' is not recognized as the name of a cmdlet, function, script file, or operable program.".into(),
            CliMissing,
        ),
        (
            "auth conflict warning",
            "\x1b[33m⚠Auth conflict: Both a token (claude.ai) and an API key (ANTHROPIC_API_KEY) are set. This may lead to unexpected behavior.\x1b[39m\n    • Trying to use claude.ai? Unset the ANTHROPIC_API_KEY environment variable.".into(),
            EnvShadowsLogin,
        ),
        (
            "blanked credentials file",
            "$ cat ~/.claude/.credentials.json\n{\"claudeAiOauth\":{\"accessToken\":\"\",\"refreshToken\":\"\",\"expiresAt\":0,\"scopes\":[\"user:inference\",\"user:profile\"],\"subscriptionType\":\"max\"}}".into(),
            OauthRefreshDead,
        ),
        (
            "TLS check switched off",
            "(node:4242) Warning: Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections and HTTPS requests insecure by disabling certificate verification.\n(Use `node --trace-warnings ...` to show where the warning was created)".into(),
            TlsVerificationDisabled,
        ),
        (
            "setup-token in CI",
            format!("Run claude -p \"review\"\n  env:\n    CLAUDE_CODE_OAUTH_TOKEN: {FAKE_OAUTH_TOKEN}\nFailed to authenticate. API Error: 401 OAuth access token is invalid."),
            TokenInvalid,
        ),
        (
            "login host blocked by DNS",
            "OAuth error: request to https://platform.claude.com/v1/oauth/token failed, reason: getaddrinfo ENOTFOUND platform.claude.com".into(),
            LoginHostUnreachable,
        ),
        (
            "API host blocked by DNS is not the login host",
            "Unable to connect to API: getaddrinfo ENOTFOUND api.anthropic.com".into(),
            EndpointUnreachable,
        ),
        (
            "login expired after a failed refresh",
            "Login expired · Please run /login".into(),
            OauthRefreshDead,
        ),
        (
            "tabs, NBSP and a cursor move",
            "\x1b[2K\x1b[1G\tCredit\u{a0}balance is\ttoo low".into(),
            CreditLow,
        ),
    ]
}

#[test]
fn corpus_of_real_pastes() {
    let corpus = corpus();
    assert!(corpus.len() >= 25);
    let mut wrong = Vec::new();
    for (name, text, expected) in &corpus {
        let c = classify(text);
        if c.cause != Some(*expected) {
            wrong.push(format!(
                "{name}: expected {expected}, got {:?}; candidates {:?}",
                c.cause.map(CauseId::as_str),
                c.candidates
            ));
            continue;
        }
        let matched = c.matched.as_deref().unwrap_or("");
        assert!(!matched.is_empty(), "{name}: empty excerpt");
        assert!(
            !matched.contains('\x1b'),
            "{name}: escape in excerpt {matched:?}"
        );
        assert!(matched.len() <= 400, "{name}: excerpt too long");
        assert!(c.confidence > 0.3 && c.confidence <= 1.0, "{name}");
        assert_eq!(c.candidates.first().map(|k| k.cause), Some(*expected));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ambiguous_messages_list_their_other_causes() {
    let c = classify("Not logged in · Please run /login");
    assert_eq!(c.cause, Some(NoCredentials));
    assert!(c.confidence < 0.85, "the same words have other causes");
    for other in [
        CredentialsCorrupt,
        CredentialsMisplaced,
        OauthRefreshDead,
        KeyNotApproved,
    ] {
        assert!(c.candidates.iter().any(|k| k.cause == other), "{other}");
    }
    let scores: Vec<f32> = c.candidates.iter().map(|k| k.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn specific_messages_beat_generic_ones() {
    // Each also contains a generic 401/403 or "Failed to authenticate".
    for (text, expected) in [
        (
            "Failed to authenticate. API Error: 403 status code (no body)",
            GatewayBlocked,
        ),
        (
            "Failed to authenticate. API Error: 401 OAuth token has expired.",
            OauthExpired,
        ),
        (
            "API Error: 403 The security token included in the request is invalid.",
            BedrockCredentialsMissing,
        ),
        (
            "Please run /login · API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
            KeyInvalid,
        ),
    ] {
        let c = classify(text);
        assert_eq!(c.cause, Some(expected), "{text}");
        assert!(
            c.candidates.len() >= 2,
            "{text}: the generic reading is listed too"
        );
    }
}

#[test]
#[allow(clippy::float_cmp)] // exact: no match scores exactly zero, not "about zero"
fn unknown_text_is_no_match_with_nearest_candidates() {
    let c = classify("something odd: the proxy said 403 and mentioned a certificate");
    assert_eq!(c.cause, None);
    assert_eq!(c.confidence, 0.0);
    assert_eq!(c.matched, None);
    let causes: Vec<CauseId> = c.candidates.iter().map(|k| k.cause).collect();
    for expected in [TlsUntrusted, PermissionDenied, GatewayBlocked] {
        assert!(causes.contains(&expected), "{expected} not in {causes:?}");
    }
    assert!(c.candidates.iter().all(|k| k.score > 0.0 && k.score <= 0.3));

    let nothing = classify("The quick brown fox jumps over the lazy dog.");
    assert_eq!(nothing.cause, None);
    assert!(nothing.candidates.is_empty());
    let text = render_text(&nothing);
    assert!(
        text.contains("No known Claude Code error message"),
        "{text}"
    );
}

#[test]
fn json_shape_is_the_contract() {
    let v: serde_json::Value =
        serde_json::from_str(&render_json(&classify("Invalid bearer token"))).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["cause", "confidence", "matched", "candidates"]);
    assert_eq!(v["cause"], "token-invalid");
    let first = &v["candidates"][0];
    assert_eq!(first["cause"], "token-invalid");
    assert!(first["score"].is_number() && first["matched"].is_string());
}

#[test]
fn secrets_never_appear_whole() {
    let key = FAKE_API_KEY;
    let (head, tail) = key.split_at(40);
    let inputs = [
        format!("ANTHROPIC_API_KEY={key}\nInvalid API key · Fix external API key"),
        format!(
            "curl -H 'x-api-key: {key}' https://api.anthropic.com/v1/messages -> invalid x-api-key"
        ),
        format!("Authorization: Bearer {FAKE_OAUTH_TOKEN} -> 401 Invalid bearer token"),
        format!(
            "ANTHROPIC_AUTH_TOKEN={FAKE_AUTH_TOKEN} Failed to authenticate. API Error: 401 Invalid bearer token"
        ),
        format!("export ANTHROPIC_API_KEY={head}\n{tail} Invalid API key · Fix external API key"),
        format!("Detected a custom API key in your environment ANTHROPIC_API_KEY: {key}"),
        format!("the key {key} was refused: 401 weirdness"),
        format!("Error: {key}"),
    ];
    for text in &inputs {
        let c = classify(text);
        let mut all = vec![
            c.matched.clone().unwrap_or_default(),
            render_text(&c),
            render_json(&c),
        ];
        all.extend(c.candidates.iter().map(|k| k.matched.clone()));
        for out in &all {
            assert_no_leak(out);
            assert!(
                !out.contains(&tail[..20]),
                "wrapped key piece leaked in {out}"
            );
        }
    }
}

#[test]
fn a_100_mib_paste_is_bounded() {
    let mut text = String::with_capacity(101 * 1024 * 1024);
    text.push_str("API Error: 403 The security token included in the request is invalid.\n");
    while text.len() < 100 * 1024 * 1024 {
        text.push_str("    at Object.<anonymous> (/usr/lib/node_modules/x/cli.js:1:1) ünïcödé\n");
    }
    text.push_str("Failed to authenticate. API Error: 401 OAuth token has expired.\n");
    // Only the head and the tail are read (both are found); how fast is the benchmark's
    // question, not a test's on a shared machine.
    let c = classify(&text);
    assert_eq!(c.cause, Some(OauthExpired));
    assert!(
        c.candidates
            .iter()
            .any(|k| k.cause == BedrockCredentialsMissing),
        "head is read too"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_strings(text in any::<String>()) {
        let c = classify(&text);
        prop_assert!((0.0..=1.0).contains(&c.confidence));
        prop_assert_eq!(c.cause.is_none(), c.confidence == 0.0);
        let _ = render_text(&c);
        prop_assert!(render_json(&c).ends_with('\n'));
    }

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let c = classify(&text);
        prop_assert!((0.0..=1.0).contains(&c.confidence));
    }

    #[test]
    fn known_messages_survive_noise(
        before in "[ -~\\n\\t│╭╮·é\\x1b]{0,200}",
        after in "[ -~\\n\\t│╭╮·é]{0,200}",
        pick in 0usize..1000,
    ) {
        let sigs = signatures();
        let sig = &sigs[pick % sigs.len()];
        let text = format!("{before}\n{}\n{after}", sig.example);
        let c = classify(&text);
        // Noise may add a stronger reading, never remove the match.
        prop_assert!(c.cause.is_some(), "{}: lost in noise", sig.id);
        prop_assert!(c.candidates.iter().any(|k| k.cause == sig.cause), "{}", sig.id);
    }

    #[test]
    fn keys_in_noise_stay_masked(
        before in "[ -~\\n│é]{0,80}",
        after in "[ -~\\n│é]{0,80}",
        pick in 0usize..1000,
    ) {
        let sigs = signatures();
        let sig = &sigs[pick % sigs.len()];
        let text = format!("{before} {FAKE_API_KEY} {}\n{after} {FAKE_OAUTH_TOKEN}", sig.example);
        let c = classify(&text);
        assert_no_leak(&render_json(&c));
        assert_no_leak(&render_text(&c));
    }
}
