//! `stored_models!`: the one declaration of pg_clv's stored models (see `src/models/mod.rs`).
//!
//! Each entry names a model's SQL type and its clv-core type (a `StoredModel`) and gives the
//! words that only it has (its comments); everything else is derived from the SQL name
//! `<prefix>_model`:
//!
//! - the value type `<Prefix>Model` (a newtype over the stored bytes), its text input and
//!   output (`<sql>_in`, `<sql>_out`) and binary receive and send (`<sql>_recv`, `<sql>_send`,
//!   which check the value the way the text input does);
//! - the overloads `clv.model_parameters`, `clv.model_kind`, `clv.model_converged`,
//!   `clv.model_log_likelihood` (Rust `<sql>_parameters`, ...) and `clv.fit_statistics`
//!   (`<prefix>_fit_statistics`);
//! - the SQL: the shell type, `CREATE TYPE` with its I/O functions, and the `COMMENT ON` of
//!   the type and of every function above;
//! - with `fit_kind: N for Observation`, the kind byte that marks the fit aggregate's states
//!   (`FitKind`), and the registry of kinds `check_fit_state` that `clv.fit_state`'s input
//!   uses; a kind used twice does not compile.
//!
//! A last `states { N for Type, ... }` block gives the kind bytes of the other aggregates whose
//! states travel as `clv.fit_state` (KPIs, RFM breaks), in the same registry.
//!
//! The Rust names are the C symbols a catalog refers to, so they never change once released.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{braced, Attribute, Ident, LitInt, LitStr, Path, Token, Type};

/// One model: `/// doc` `<sql>: <clv-core type> { fields }`.
struct Entry {
    attrs: Vec<Attribute>,
    sql: Ident,
    model: Path,
    fit_kind: Option<(LitInt, Path)>,
    comment: LitStr,
    text_fields: LitStr,
    parameters: LitStr,
    kind: LitStr,
}

impl Parse for Entry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let sql: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let model: Path = input.parse()?;
        let body;
        braced!(body in input);
        let (mut fit_kind, mut comment, mut text_fields, mut parameters, mut kind) =
            (None, None, None, None, None);
        while !body.is_empty() {
            let key: Ident = body.parse()?;
            body.parse::<Token![:]>()?;
            match key.to_string().as_str() {
                "fit_kind" => {
                    let byte: LitInt = body.parse()?;
                    body.parse::<Token![for]>()?;
                    fit_kind = Some((byte, body.parse()?));
                }
                "comment" => comment = Some(body.parse()?),
                "text_fields" => text_fields = Some(body.parse()?),
                "parameters" => parameters = Some(body.parse()?),
                "kind" => kind = Some(body.parse()?),
                _ => return Err(syn::Error::new(key.span(), "unknown field of a stored model")),
            }
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        let required = |value: Option<LitStr>, name: &str| {
            value.ok_or_else(|| syn::Error::new(sql.span(), format!("a stored model needs `{name}`")))
        };
        Ok(Self {
            comment: required(comment, "comment")?,
            text_fields: required(text_fields, "text_fields")?,
            parameters: required(parameters, "parameters")?,
            kind: required(kind, "kind")?,
            attrs,
            sql,
            model,
            fit_kind,
        })
    }
}

/// `N for Type`: an aggregate state's kind byte.
struct StateKind {
    byte: LitInt,
    state: Type,
}

impl Parse for StateKind {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let byte = input.parse()?;
        input.parse::<Token![for]>()?;
        Ok(Self { byte, state: input.parse()? })
    }
}

struct Registry {
    models: Vec<Entry>,
    states: Punctuated<StateKind, Token![,]>,
}

impl Parse for Registry {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut models = Vec::new();
        loop {
            let at_states = input.peek(Ident) && input.peek2(syn::token::Brace);
            if input.is_empty() || at_states {
                break;
            }
            models.push(input.parse()?);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        let mut states = Punctuated::new();
        if !input.is_empty() {
            let keyword: Ident = input.parse()?;
            if keyword != "states" {
                return Err(syn::Error::new(keyword.span(), "expected a stored model or `states { ... }`"));
            }
            let body;
            braced!(body in input);
            states = Punctuated::parse_terminated(&body)?;
        }
        Ok(Self { models, states })
    }
}

/// A string as an SQL literal.
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `btyd_model` → `BtydModel`.
fn camel(sql: &str) -> String {
    sql.split('_').map(|word| word[..1].to_uppercase() + &word[1..]).collect()
}

impl Entry {
    fn expand(&self) -> syn::Result<TokenStream2> {
        let Self { attrs, sql, model, comment, text_fields, parameters, kind, .. } = self;
        let name = sql.to_string();
        let Some(prefix) = name.strip_suffix("_model") else {
            return Err(syn::Error::new(sql.span(), "a stored model's SQL name ends in _model"));
        };
        let rust = Ident::new(&camel(&name), sql.span());
        let [input, output, recv, send, params, kind_fn, converged, log_likelihood] =
            ["in", "out", "recv", "send", "parameters", "kind", "converged", "log_likelihood"]
                .map(|suffix| format_ident!("{name}_{suffix}"));
        let statistics = format_ident!("{prefix}_fit_statistics");
        let (shell, type_sql, accessors) =
            (format!("{name}_shell"), format!("{name}_type"), format!("{name}_accessor_comments"));

        let shell_sql = format!("CREATE TYPE {name};");
        let create_type = format!(
            "CREATE TYPE {name} (\n    INPUT = {name}_in, OUTPUT = {name}_out, RECEIVE = {name}_recv, SEND = {name}_send,\n    \
             INTERNALLENGTH = VARIABLE, STORAGE = extended);\n\
             COMMENT ON TYPE {name} IS {};\n\
             COMMENT ON FUNCTION {name}_in(cstring) IS {};\n\
             COMMENT ON FUNCTION {name}_out({name}) IS {};\n\
             COMMENT ON FUNCTION {name}_recv(internal) IS {};\n\
             COMMENT ON FUNCTION {name}_send({name}) IS {};\n",
            sql_literal(&comment.value()),
            sql_literal(&format!(
                "Text input of clv.{name} (JSON: {}, and optionally the fit fields).",
                text_fields.value()
            )),
            sql_literal(&format!("Text output of clv.{name} as JSON.")),
            sql_literal(&format!("Binary input of clv.{name} (the versioned stored format).")),
            sql_literal(&format!("Binary output of clv.{name} (the versioned stored format).")),
        );
        let accessor_comments = format!(
            "COMMENT ON FUNCTION model_parameters({name}) IS {};\n\
             COMMENT ON FUNCTION model_kind({name}) IS {};\n\
             COMMENT ON FUNCTION model_converged({name}) IS 'Whether the fit converged; NULL for a model entered by hand.';\n\
             COMMENT ON FUNCTION model_log_likelihood({name}) IS 'Log-likelihood of the fitted parameters; NULL for a model entered by hand.';\n\
             COMMENT ON FUNCTION fit_statistics({name}) IS 'One row to compare fitted models on the same data: model, number of parameters k, customers n, log-likelihood, AIC (2k - 2 ln L) and BIC (k ln n - 2 ln L), lower is better; converged. NULL fit columns for a model entered by hand.';\n",
            sql_literal(&parameters.value()),
            sql_literal(&kind.value()),
        );
        let fit_kind = self.fit_kind.as_ref().map(|(byte, observation)| {
            quote! {
                impl crate::models::fit_state::FitKind for #observation {
                    const KIND: u8 = #byte;
                }
            }
        });

        Ok(quote! {
            crate::pg::datum::stored_type!(
                #(#attrs)* #rust, #name, #model, #recv, #send,
                check: crate::models::check_received::<#model>
            );

            #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
            fn #input(input: &::std::ffi::CStr) -> #rust {
                #rust::new(&crate::models::from_text::<#model>(input, #name))
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict)]
            fn #output(model: #rust) -> ::std::ffi::CString {
                crate::models::to_text(&model.value())
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_parameters")]
            fn #params(
                model: #rust,
            ) -> ::pgrx::iter::TableIterator<
                'static,
                (
                    ::pgrx::name!(parameter, String),
                    ::pgrx::name!(estimate, f64),
                    ::pgrx::name!(std_error, Option<f64>),
                ),
            > {
                ::pgrx::iter::TableIterator::new(crate::models::parameter_rows(&model.value()))
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_kind")]
            fn #kind_fn(model: #rust) -> &'static str {
                clv_core::models::StoredModel::name(&model.value())
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_converged")]
            fn #converged(model: #rust) -> Option<bool> {
                clv_core::models::StoredModel::fit_record(&model.value()).map(|f| f.converged)
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "model_log_likelihood")]
            fn #log_likelihood(model: #rust) -> Option<f64> {
                clv_core::models::StoredModel::fit_record(&model.value()).map(|f| f.log_likelihood)
            }

            #[::pgrx::pg_extern(immutable, parallel_safe, strict, name = "fit_statistics")]
            fn #statistics(
                model: #rust,
            ) -> ::pgrx::iter::TableIterator<
                'static,
                (
                    ::pgrx::name!(model, String),
                    ::pgrx::name!(parameters, i32),
                    ::pgrx::name!(customers, Option<f64>),
                    ::pgrx::name!(log_likelihood, Option<f64>),
                    ::pgrx::name!(aic, Option<f64>),
                    ::pgrx::name!(bic, Option<f64>),
                    ::pgrx::name!(converged, Option<bool>),
                ),
            > {
                ::pgrx::iter::TableIterator::once(crate::models::fit_statistics(&model.value()))
            }

            ::pgrx::extension_sql!(#shell_sql, name = #shell, creates = [Type(#rust)]);
            ::pgrx::extension_sql!(
                #create_type,
                name = #type_sql,
                requires = [#shell, #input, #output, #recv, #send]
            );
            ::pgrx::extension_sql!(
                #accessor_comments,
                name = #accessors,
                requires = [#params, #kind_fn, #converged, #log_likelihood, #statistics]
            );

            #fit_kind
        })
    }
}

/// The declaration of every stored model; see the crate's documentation.
#[proc_macro]
pub fn stored_models(input: TokenStream) -> TokenStream {
    let registry = syn::parse_macro_input!(input as Registry);
    expand(&registry).unwrap_or_else(syn::Error::into_compile_error).into()
}

fn expand(registry: &Registry) -> syn::Result<TokenStream2> {
    let mut out = TokenStream2::new();
    // (byte, the state type whose flat form carries it)
    let mut kinds: Vec<(u8, TokenStream2)> = Vec::new();
    let mut register = |byte: &LitInt, state: TokenStream2| -> syn::Result<()> {
        let value: u8 = byte.base10_parse()?;
        if kinds.iter().any(|(k, _)| *k == value) {
            return Err(syn::Error::new(byte.span(), format!("state kind {value} is used twice")));
        }
        kinds.push((value, state));
        Ok(())
    };
    for entry in &registry.models {
        out.extend(entry.expand()?);
        if let Some((byte, observation)) = &entry.fit_kind {
            register(byte, quote! { crate::models::fit_state::FitState<#observation> })?;
        }
    }
    for StateKind { byte, state } in &registry.states {
        register(byte, quote! { #state })?;
        out.extend(quote! {
            impl crate::models::fit_state::FitKind for #state {
                const KIND: u8 = #byte;
            }
        });
    }
    let arms = kinds.iter().map(|(byte, state)| {
        quote! { #byte => crate::models::fit_state::check_flat::<#state>(bytes), }
    });
    let unknown = LitStr::new("unknown kind of fit", Span::call_site());
    out.extend(quote! {
        /// Checks that `bytes` are the flat state of one of the fits (`clv.fit_state`'s text
        /// and binary input): the registry of fit kinds.
        pub fn check_fit_state(bytes: &[u8]) -> Result<(), clv_core::codec::DecodeError> {
            match crate::models::fit_state::flat_kind(bytes)? {
                #(#arms)*
                _ => Err(clv_core::codec::DecodeError::Invalid(#unknown)),
            }
        }
    });
    Ok(out)
}
