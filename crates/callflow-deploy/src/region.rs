//! Genesys Cloud regions (reference §E5) and the two hosts each one has.

/// One region: the SDK's region name and the host that `login.` and `api.` are put in front of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub key: &'static str,
    pub label: &'static str,
    pub host: &'static str,
}

/// Every region of the platform client SDK's `PureCloudRegionHosts`, in its order.
pub const REGIONS: &[Region] = &[
    Region { key: "us_east_1", label: "Americas (US East)", host: "mypurecloud.com" },
    Region { key: "us_east_2", label: "Americas (US East 2, FedRAMP)", host: "use2.us-gov-pure.cloud" },
    Region { key: "us_west_2", label: "Americas (US West)", host: "usw2.pure.cloud" },
    Region { key: "ca_central_1", label: "Americas (Canada)", host: "cac1.pure.cloud" },
    Region { key: "sa_east_1", label: "Americas (São Paulo)", host: "sae1.pure.cloud" },
    Region { key: "mx_central_1", label: "Americas (Mexico)", host: "mxc1.pure.cloud" },
    Region { key: "eu_west_1", label: "EMEA (Dublin)", host: "mypurecloud.ie" },
    Region { key: "eu_west_2", label: "EMEA (London)", host: "euw2.pure.cloud" },
    Region { key: "eu_central_1", label: "EMEA (Frankfurt)", host: "mypurecloud.de" },
    Region { key: "eu_central_2", label: "EMEA (Zurich)", host: "euc2.pure.cloud" },
    Region { key: "eusc_de_east_1", label: "EMEA (EU sovereign cloud)", host: "edee1.eusc-pure.cloud" },
    Region { key: "me_central_1", label: "EMEA (UAE)", host: "mec1.pure.cloud" },
    Region { key: "ap_south_1", label: "Asia Pacific (Mumbai)", host: "aps1.pure.cloud" },
    Region { key: "ap_southeast_1", label: "Asia Pacific (Jakarta)", host: "apse1.pure.cloud" },
    Region { key: "ap_southeast_2", label: "Asia Pacific (Sydney)", host: "mypurecloud.com.au" },
    Region { key: "ap_northeast_1", label: "Asia Pacific (Tokyo)", host: "mypurecloud.jp" },
    Region { key: "ap_northeast_2", label: "Asia Pacific (Seoul)", host: "apne2.pure.cloud" },
    Region { key: "ap_northeast_3", label: "Asia Pacific (Osaka)", host: "apne3.pure.cloud" },
];

/// The default address of the local sandbox org (`callflow-sandbox`).
pub const SANDBOX_DEFAULT: &str = "http://127.0.0.1:8787";

/// Where to sign in and where to call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `https://login.<host>`, without a trailing slash.
    pub login_base: String,
    /// `https://api.<host>`, without a trailing slash.
    pub api_base: String,
}

impl Endpoints {
    pub fn for_region(region: &Region) -> Endpoints {
        Endpoints {
            login_base: format!("https://login.{}", region.host),
            api_base: format!("https://api.{}", region.host),
        }
    }

    /// The sandbox serves the login and the API from one address.
    pub fn sandbox(base: &str) -> Endpoints {
        let base = base.trim().trim_end_matches('/').to_owned();
        Endpoints { login_base: base.clone(), api_base: base }
    }

    /// A region by its key (`eu_central_1`), its host (`mypurecloud.de`), or `local`/`sandbox`
    /// (optionally `local=http://127.0.0.1:9000`).
    pub fn parse(text: &str) -> Result<Endpoints, String> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("local").or_else(|| text.strip_prefix("sandbox")) {
            let base = rest.strip_prefix('=').unwrap_or(SANDBOX_DEFAULT);
            return Ok(Endpoints::sandbox(if base.is_empty() { SANDBOX_DEFAULT } else { base }));
        }
        if text.starts_with("http://") || text.starts_with("https://") {
            return Ok(Endpoints::sandbox(text));
        }
        REGIONS
            .iter()
            .find(|r| r.key.eq_ignore_ascii_case(text) || r.host.eq_ignore_ascii_case(text))
            .map(Endpoints::for_region)
            .ok_or_else(|| {
                let keys: Vec<&str> = REGIONS.iter().map(|r| r.key).collect();
                format!("unknown region \"{text}\"; use one of {}, or local", keys.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_resolve_by_key_host_and_local() {
        assert_eq!(Endpoints::parse("eu_central_1").unwrap().api_base, "https://api.mypurecloud.de");
        assert_eq!(Endpoints::parse("usw2.pure.cloud").unwrap().login_base, "https://login.usw2.pure.cloud");
        assert_eq!(Endpoints::parse("local").unwrap().api_base, SANDBOX_DEFAULT);
        assert_eq!(Endpoints::parse("local=http://127.0.0.1:9/").unwrap().api_base, "http://127.0.0.1:9");
        assert!(Endpoints::parse("mars_1").unwrap_err().contains("us_east_1"));
        assert_eq!(REGIONS.len(), 18);
    }
}
