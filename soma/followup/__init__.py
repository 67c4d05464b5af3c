"""Follow-up assessments: a new assessment of the same jurisdiction built from the previous one, whose
carried-over answers, sources and recommendations each wait for confirmation."""
