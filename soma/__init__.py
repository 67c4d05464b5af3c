"""SOMA: a workbench for assessing the criminal justice response to the smuggling of migrants."""

__version__ = "0.1.0"
