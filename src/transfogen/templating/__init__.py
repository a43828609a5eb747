"""Opening a template (bundled or contributed) and rendering it in a bounded sandbox."""
