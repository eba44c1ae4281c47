"""Language knowledge the stages and rules share: what a word connotes, and (moving here,
issue 19) names, the calendar and quantities."""
