"""From a plan and a template to the files of a kit: sheets, documents, site, and the kit folder itself."""
