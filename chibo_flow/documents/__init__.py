"""Party documents: the structured ProgrammeDoc, its parser, numbering and format rules."""
