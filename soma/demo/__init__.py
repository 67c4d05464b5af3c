"""The fictional Republic of Demoland: demo users and assessments that fill every screen (`soma demo`)."""
