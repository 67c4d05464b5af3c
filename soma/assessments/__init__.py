"""An assessment and its plan: terms of reference, scope, team, institutions, activities."""
