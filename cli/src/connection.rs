//! Where the tool connects and as whom: flags, else the `GENESYS_CLOUD_*` variables
//! the examples read, turned into the library's config JSON.

use clap::parser::ValueSource;
use clap::{ArgMatches, Args};
use genesys_presence::Client;
use serde_json::{json, Map, Value};

use crate::failure::Failure;

#[derive(Args, Debug)]
pub struct Connection {
    /// The API's URL (a gateway, the sandbox); overrides --region.
    #[arg(
        long,
        global = true,
        env = "GENESYS_CLOUD_BASE_PATH",
        value_name = "URL"
    )]
    pub base_path: Option<String>,
    /// The login service's URL; with --base-path alone, the same URL.
    #[arg(
        long,
        global = true,
        env = "GENESYS_CLOUD_AUTH_BASE_PATH",
        value_name = "URL"
    )]
    pub auth_base_path: Option<String>,
    /// A region (us-east-1, eu-west-1, ...) or a host (mypurecloud.ie, ...).
    #[arg(long, global = true, env = "GENESYS_CLOUD_REGION")]
    pub region: Option<String>,
    /// An OAuth client (client credentials grant), with --client-secret.
    #[arg(long, global = true, env = "GENESYS_CLOUD_CLIENT_ID")]
    pub client_id: Option<String>,
    /// The OAuth client's secret (prefer the environment variable: a flag shows in `ps`).
    #[arg(
        long,
        global = true,
        env = "GENESYS_CLOUD_CLIENT_SECRET",
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// An access token, instead of an OAuth client.
    #[arg(
        long,
        global = true,
        env = "GENESYS_CLOUD_ACCESS_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

impl Connection {
    /// The library's config JSON. Credentials are an access token or an OAuth
    /// client; when the environment holds one and the command line the other, the
    /// command line's is used.
    pub fn config(&self, matches: &ArgMatches) -> Result<Value, Failure> {
        let from_flag = |id: &str| matches.value_source(id) == Some(ValueSource::CommandLine);
        let mut token = self.token.clone();
        let mut client_id = self.client_id.clone();
        let mut client_secret = self.client_secret.clone();
        if token.is_some() && (client_id.is_some() || client_secret.is_some()) {
            let client_flagged = from_flag("client_id") || from_flag("client_secret");
            match (from_flag("token"), client_flagged) {
                (true, false) => (client_id, client_secret) = (None, None),
                (false, true) => token = None,
                _ => {
                    return Err(Failure::Usage(
                        "give either --token or --client-id/--client-secret, not both".into(),
                    ))
                }
            }
        }
        let mut config = Map::new();
        match (token, client_id, client_secret) {
            (Some(token), None, None) => {
                config.insert("accessToken".into(), json!(token));
            }
            (None, Some(id), Some(secret)) => {
                config.insert("clientId".into(), json!(id));
                config.insert("clientSecret".into(), json!(secret));
            }
            (None, Some(_), None) => {
                return Err(Failure::Usage(
                    "--client-id needs --client-secret (or GENESYS_CLOUD_CLIENT_SECRET)".into(),
                ))
            }
            (None, None, Some(_)) => {
                return Err(Failure::Usage(
                    "--client-secret needs --client-id (or GENESYS_CLOUD_CLIENT_ID)".into(),
                ))
            }
            _ => {
                return Err(Failure::Usage(
                    "no credentials: give --client-id and --client-secret (or \
                     GENESYS_CLOUD_CLIENT_ID and GENESYS_CLOUD_CLIENT_SECRET), or --token \
                     (GENESYS_CLOUD_ACCESS_TOKEN)"
                        .into(),
                ))
            }
        }
        if let Some(region) = &self.region {
            config.insert("environment".into(), json!(region));
        }
        if let Some(base_path) = &self.base_path {
            config.insert("basePath".into(), json!(base_path));
            let auth = self.auth_base_path.as_ref().unwrap_or(base_path);
            config.insert("authBasePath".into(), json!(auth));
        } else if let Some(auth_base_path) = &self.auth_base_path {
            config.insert("authBasePath".into(), json!(auth_base_path));
        }
        config.insert(
            "userAgent".into(),
            json!(concat!("genesys-presence-cli/", env!("CARGO_PKG_VERSION"))),
        );
        Ok(Value::Object(config))
    }

    pub fn client(&self, matches: &ArgMatches) -> Result<Client, Failure> {
        let config = self.config(matches)?;
        Client::from_json(&config.to_string())
            .map_err(|error| Failure::Usage(format!("configuration: {}", error.message)))
    }
}
