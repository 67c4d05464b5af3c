"""Reference content built from the UNODC sources: the Assessment Guide, the Protocol,
the Framework for Action, the Toolkit and the Working Group papers."""
