"""The directory co-ordinator's workspace: verification, provider changes, reports, duplicates and checks."""
