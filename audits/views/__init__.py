"""The customer dashboard pages of audits. Thin: each calls selectors and services; shared
contexts live in views.contexts, so no view module imports another."""
