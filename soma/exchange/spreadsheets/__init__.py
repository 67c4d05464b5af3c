"""Excel spreadsheets: the questionnaire out and back in (questionnaire.py), the recommendations out
(recommendations.py), in one house style (sheet_format.py)."""
