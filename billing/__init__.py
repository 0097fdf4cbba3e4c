"""Plans, quotas and Stripe billing (dj-stripe). Billing arrives with its own issue."""
