"""The shipped trigger rule sets (YAML), one file per version."""
