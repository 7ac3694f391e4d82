"""Check: cross-checks (勾稽关系) of one report and of the corpus."""
