"""A kit in other formats: PDF and DOCX booklets, calendar files."""
