"""XLSForm for field collection (ODK, KoboToolbox): the form out (form_writer.py), the submissions collected with it
back in as draft answers (submissions.py: read, preview, apply)."""
