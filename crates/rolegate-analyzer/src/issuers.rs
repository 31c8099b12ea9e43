//! The OIDC issuer knowledge base: tenancy, `sub` grammar and claim facts per identity provider.
//!
//! The facts live in `data/issuers.json` (data, not code, so they are reviewed and extended like a
//! table); this module loads them once and answers "which issuer is this provider ARN?" and "what
//! strings can this issuer emit as `sub`?" for findings TP016–TP022 and TP027.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::automata::{CharSet, Dfa, Piece, Pieces, literal_pieces};

const ISSUERS_JSON: &str = include_str!("../data/issuers.json");

/// Who shares an issuer's signing keys, which sets how far a missing pin exposes a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tenancy {
    /// One issuer for every customer (github.com, gitlab.com, HCP Terraform, Cognito).
    Shared,
    /// One issuer per customer organization or workspace (CircleCI, Bitbucket, GHES).
    PerTenant,
    /// An issuer inside the account itself (an EKS cluster).
    InAccount,
}

/// A character class of a subject field.
#[derive(Clone, Debug, Deserialize)]
pub struct FieldClass {
    /// Allowed characters, as ranges (`A-Za-z0-9-`).
    #[serde(default)]
    pub chars: Option<String>,
    /// Any character except these.
    #[serde(default)]
    pub except: Option<String>,
    /// Any character at all (a free-form tail).
    #[serde(default)]
    pub any: bool,
    /// One of these literal words.
    #[serde(default)]
    pub one_of: Vec<String>,
}

/// One shape of `sub` an issuer emits, such as `repo:<owner>/<repo>:ref:<ref>`.
#[derive(Clone, Debug, Deserialize)]
pub struct SubjectFormat {
    pub name: String,
    pub pattern: String,
    /// `name` (built from mutable names), `id` (immutable ids) or `custom` (a custom template).
    pub family: String,
    /// Set when the format comes from a report not yet confirmed against the IdP.
    #[serde(default)]
    pub verify: bool,
}

/// Everything the analyzer knows about one issuer.
#[derive(Clone, Debug, Deserialize)]
pub struct Issuer {
    pub id: String,
    pub name: String,
    /// Provider URLs (without `https://`), IAM wildcards allowed.
    pub provider_urls: Vec<String>,
    pub tenancy: Tenancy,
    /// The claim (`sub`, `aud`, `app_id`) that must be pinned to scope the issuer to one tenant.
    pub tenant_claim: String,
    /// The subject field naming the tenant, when the subject carries one.
    #[serde(default)]
    pub tenant_field: Option<String>,
    /// How a subject starts for tenant `<tenant>`, e.g. `repo:<tenant>/`.
    #[serde(default)]
    pub tenant_prefixes: Vec<String>,
    /// Whether tenant names compare without case (GitHub and GitLab names do).
    #[serde(default)]
    pub tenant_case_insensitive: bool,
    #[serde(default)]
    pub fields: BTreeMap<String, FieldClass>,
    #[serde(default)]
    pub subject_formats: Vec<SubjectFormat>,
    /// Claims whose first position in a custom `sub` template lets any workflow choose the subject.
    #[serde(default)]
    pub abusable_first_claims: Vec<String>,
    /// Subject contexts open to anyone who can open a pull request.
    #[serde(default)]
    pub broad_contexts: Vec<String>,
    /// Claims the token requester chooses (so pinning them bounds nothing).
    #[serde(default)]
    pub attacker_choosable_claims: Vec<String>,
    #[serde(default)]
    pub default_audiences: Vec<String>,
    /// Claims that carry immutable ids (survive rename and re-registration).
    #[serde(default)]
    pub immutable_id_claims: Vec<String>,
    /// Claims that carry names (can be re-registered by someone else).
    #[serde(default)]
    pub name_claims: Vec<String>,
    /// Claims any one of which binds the role to a repository/project.
    #[serde(default)]
    pub repo_binding_claims: Vec<String>,
    /// Claims that arrive as lists.
    #[serde(default)]
    pub multi_valued_claims: Vec<String>,
    #[serde(skip)]
    grammar: OnceLock<Dfa>,
    #[serde(skip)]
    name_family: OnceLock<Dfa>,
    #[serde(skip)]
    id_family: OnceLock<Dfa>,
    #[serde(skip)]
    custom_family: OnceLock<Dfa>,
    #[serde(skip)]
    format_languages: OnceLock<Vec<Dfa>>,
    #[serde(skip)]
    tenant_prefixed: OnceLock<Dfa>,
    #[serde(skip)]
    broad: OnceLock<Dfa>,
}

#[derive(Deserialize)]
struct IssuerFile {
    issuers: Vec<Issuer>,
}

/// The loaded knowledge base.
#[derive(Debug)]
pub struct IssuerBase {
    issuers: Vec<Arc<Issuer>>,
}

/// Why the knowledge base could not be read (a packaging error: the data is embedded).
#[derive(Debug, thiserror::Error)]
#[error("data/issuers.json is malformed: {0}")]
pub struct IssuerBaseError(#[from] serde_json::Error);

impl IssuerBase {
    /// Parses a knowledge base from JSON text.
    pub fn from_json(text: &str) -> Result<Self, IssuerBaseError> {
        let file: IssuerFile = serde_json::from_str(text)?;
        Ok(Self {
            issuers: file.issuers.into_iter().map(Arc::new).collect(),
        })
    }

    /// The knowledge base shipped with Rolegate (`data/issuers.json`), parsed once.
    pub fn builtin() -> &'static IssuerBase {
        static BASE: OnceLock<IssuerBase> = OnceLock::new();
        BASE.get_or_init(|| {
            // The file is compiled in and checked by a unit test, so this fallback is unreachable
            // in a tested build; it degrades to "no issuer known" rather than panicking.
            Self::from_json(ISSUERS_JSON).unwrap_or(IssuerBase {
                issuers: Vec::new(),
            })
        })
    }

    /// Every issuer.
    pub fn issuers(&self) -> &[Arc<Issuer>] {
        &self.issuers
    }

    /// The issuer for a provider URL (`token.actions.githubusercontent.com`), most specific first:
    /// an exact URL beats a wildcard one.
    pub fn by_url(&self, url: &str) -> Option<&Arc<Issuer>> {
        let url = url.trim_start_matches("https://").trim_end_matches('/');
        self.issuers
            .iter()
            .find(|i| i.provider_urls.iter().any(|u| u == url))
            .or_else(|| {
                self.issuers.iter().find(|i| {
                    i.provider_urls.iter().any(|u| {
                        u.contains('*') && rolegate_policy::wildcard::Pattern::new(u).matches(url)
                    })
                })
            })
    }
}

/// The provider URL a `Federated` principal names: the part after `oidc-provider/`, or the
/// web-identity provider name itself (`cognito-identity.amazonaws.com`).
pub fn provider_url(federated: &str) -> Option<&str> {
    if let Some((_, rest)) = federated.split_once(":oidc-provider/") {
        return Some(rest);
    }
    if federated.starts_with("arn:") {
        return None; // SAML provider
    }
    Some(federated)
}

impl Issuer {
    /// The pieces of one subject format, expanded over `one_of` fields.
    pub fn format_pieces(&self, format: &SubjectFormat) -> Vec<Pieces> {
        let mut out: Vec<Pieces> = vec![Vec::new()];
        let mut rest = format.pattern.as_str();
        while !rest.is_empty() {
            let (literal, field, tail) = match rest.find('<') {
                Some(open) => {
                    let after = rest.get(open + 1..).unwrap_or("");
                    match after.find('>') {
                        Some(close) => (
                            rest.get(..open).unwrap_or(""),
                            after.get(..close),
                            after.get(close + 1..).unwrap_or(""),
                        ),
                        None => (rest, None, ""),
                    }
                }
                None => (rest, None, ""),
            };
            let lit = literal_pieces(literal, false);
            for alt in &mut out {
                alt.extend(lit.iter().cloned());
            }
            if let Some(field) = field {
                let class = self.fields.get(field);
                match class {
                    Some(class) if !class.one_of.is_empty() => {
                        let mut next = Vec::new();
                        for alt in &out {
                            for word in &class.one_of {
                                let mut a = alt.clone();
                                a.extend(literal_pieces(word, false));
                                next.push(a);
                            }
                        }
                        out = next;
                    }
                    _ => {
                        let set = class.map_or_else(CharSet::any, FieldClass::char_set);
                        for alt in &mut out {
                            alt.push(Piece::One(set.clone()));
                            alt.push(Piece::Many(set.clone()));
                        }
                    }
                }
            }
            rest = tail;
        }
        out
    }

    /// Every piece sequence of every subject format (for building a shared alphabet).
    pub fn all_format_pieces(&self) -> Vec<Pieces> {
        self.subject_formats
            .iter()
            .flat_map(|f| self.format_pieces(f))
            .collect()
    }

    /// The language of subjects this issuer can emit (built once); `None` when the grammar is not
    /// known.
    pub fn subject_language(&self) -> Option<&Dfa> {
        if self.subject_formats.is_empty() {
            return None;
        }
        Some(
            self.grammar
                .get_or_init(|| Dfa::from_alternatives(&self.all_format_pieces())),
        )
    }

    /// The language of one family of formats (`name`, `id`, `custom`), built once.
    pub fn family_language(&self, family: &str) -> &Dfa {
        let cache = match family {
            "name" => &self.name_family,
            "id" => &self.id_family,
            _ => &self.custom_family,
        };
        cache.get_or_init(|| {
            let pieces: Vec<Pieces> = self
                .subject_formats
                .iter()
                .filter(|f| f.family == family)
                .flat_map(|f| self.format_pieces(f))
                .collect();
            Dfa::from_alternatives(&pieces)
        })
    }

    /// A readable subject in `language`: the issuer's formats are tried in order (a branch before
    /// a custom template), so witnesses look like tokens the issuer really mints.
    pub fn pretty_subject(&self, language: &Dfa) -> Option<String> {
        let formats = self.format_languages.get_or_init(|| {
            self.subject_formats
                .iter()
                .map(|f| Dfa::from_alternatives(&self.format_pieces(f)))
                .collect()
        });
        formats
            .iter()
            .find_map(|format| language.intersection_witness(format))
            .or_else(|| language.witness())
    }

    /// Subjects that start with a tenant prefix (`repo:…`), whatever the tenant; built once.
    pub fn tenant_prefixed(&self) -> &Dfa {
        self.tenant_prefixed.get_or_init(|| {
            let prefixed: Vec<Pieces> = self
                .tenant_prefixes
                .iter()
                .filter_map(|p| p.split_once("<tenant>"))
                .map(|(head, _)| {
                    [
                        literal_pieces(head, false),
                        vec![Piece::Many(CharSet::any())],
                    ]
                    .concat()
                })
                .collect();
            Dfa::from_alternatives(&prefixed)
        })
    }

    /// Subjects ending in one of the broad contexts (`…:pull_request`); built once.
    pub fn broad_contexts_language(&self) -> &Dfa {
        self.broad.get_or_init(|| {
            let suffixes: Vec<Pieces> = self
                .broad_contexts
                .iter()
                .map(|c| {
                    [
                        vec![Piece::Many(CharSet::any())],
                        literal_pieces(&format!(":{c}"), false),
                    ]
                    .concat()
                })
                .collect();
            Dfa::from_alternatives(&suffixes)
        })
    }

    /// Subjects of tenant `tenant`: the tenant prefixes followed by anything.
    pub fn tenant_pieces(&self, tenant: &str) -> Vec<Pieces> {
        self.tenant_prefixes
            .iter()
            .map(|p| {
                let mut pieces =
                    literal_pieces(&p.replace("<tenant>", tenant), self.tenant_case_insensitive);
                pieces.push(Piece::Many(CharSet::any()));
                pieces
            })
            .collect()
    }

    /// The tenant named by a subject, read with the first tenant prefix that fits.
    pub fn tenant_of<'s>(&self, subject: &'s str) -> Option<&'s str> {
        // The shortest reading wins: `repo:acme@1/app` is tenant `acme` (ID format), not `acme@1`.
        self.tenant_prefixes
            .iter()
            .filter_map(|p| {
                let (head, tail) = p.split_once("<tenant>")?;
                let rest = subject.strip_prefix(head)?;
                let delimiter = tail.chars().next()?;
                let end = rest.find(delimiter)?;
                rest.get(..end)
            })
            .min_by_key(|t| t.len())
    }

    /// Whether a claim (`aud`) is chosen by whoever requests the token.
    pub fn is_attacker_choosable(&self, claim: &str) -> bool {
        self.attacker_choosable_claims.iter().any(|c| c == claim)
    }

    /// Whether a claim is multi-valued.
    pub fn is_multi_valued(&self, claim: &str) -> bool {
        self.multi_valued_claims.iter().any(|c| c == claim)
    }
}

impl FieldClass {
    fn char_set(&self) -> CharSet {
        if self.any {
            CharSet::any()
        } else if let Some(chars) = &self.chars {
            CharSet::parse_class(chars)
        } else if let Some(except) = &self.except {
            CharSet::of(except.chars()).complement()
        } else {
            CharSet::any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_base_parses_and_covers_the_issue_list() {
        let base = IssuerBase::from_json(ISSUERS_JSON).unwrap();
        for id in [
            "github",
            "gitlab",
            "terraform-cloud",
            "circleci",
            "bitbucket",
            "eks",
            "cognito",
            "buildkite",
        ] {
            assert!(base.issuers().iter().any(|i| i.id == id), "{id}");
        }
        assert_eq!(
            base.by_url("token.actions.githubusercontent.com")
                .unwrap()
                .id,
            "github"
        );
        assert_eq!(
            base.by_url("token.actions.githubusercontent.com/acme")
                .unwrap()
                .id,
            "github-enterprise"
        );
        assert_eq!(
            base.by_url("oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF")
                .unwrap()
                .id,
            "eks"
        );
        assert_eq!(
            base.by_url("oidc.circleci.com/org/0b5c-11")
                .unwrap()
                .tenancy,
            Tenancy::PerTenant
        );
        assert!(base.by_url("idp.example.com").is_none());
    }

    #[test]
    fn github_subject_grammar() {
        let base = IssuerBase::builtin();
        let gh = base.by_url("token.actions.githubusercontent.com").unwrap();
        let lang = gh.subject_language().unwrap();
        assert!(lang.accepts("repo:acme/app:ref:refs/heads/main"));
        assert!(lang.accepts("repo:acme/app:environment:prod"));
        assert!(lang.accepts("repo:acme/app:pull_request"));
        assert!(lang.accepts("repo:acme@123/app@456:ref:refs/heads/main"));
        assert!(lang.accepts("job_workflow_ref:acme/w/.github/workflows/d.yml@refs/heads/main"));
        assert!(!lang.accepts("repo:acme/app"));
        assert!(!lang.accepts("repo:acme@123/app:ref:refs/heads/main"));
        assert_eq!(gh.tenant_of("repo:acme/app:ref:x"), Some("acme"));
        assert_eq!(gh.tenant_of("repo:acme@1/app@2:ref:x"), Some("acme"));
    }

    #[test]
    fn gitlab_has_no_mr_ref_type() {
        let gl = IssuerBase::builtin().by_url("gitlab.com").unwrap();
        let lang = gl.subject_language().unwrap();
        assert!(lang.accepts("project_path:g/sub/p:ref_type:branch:ref:main"));
        assert!(!lang.accepts("project_path:g/p:ref_type:mr:ref:main"));
    }
}
