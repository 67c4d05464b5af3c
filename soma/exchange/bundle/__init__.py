"""The JSON bundle: a whole assessment to one file (services.export_bundle) and back as a new assessment
(services.import_bundle: check.py reads and checks it, new_assessment.py writes it)."""
