"""What every app shares and that imports no app (only Django, DRF and the standard library).

- access: roles, actions, the role-to-action table, `can` / `require`, PermissionDenied, the user's membership.
- clearance: who may see which classification, for which audience.
- errors: ServiceError and the one conflict exception, EditConflict.
- versioning: saving a row as its next version, refused when someone saved since it was loaded.
- pages: the assessment-page decorator, its context and the one refusal page.
- api: the base view of the assessment endpoints and its error answers.

An app that needs a model here looks it up at call time (django.apps.apps.get_model), never by import.
"""
