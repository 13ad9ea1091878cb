"""The core model: reference data, registry, memberships, inputs, coverage, analysis, territories without OPSN, views."""
