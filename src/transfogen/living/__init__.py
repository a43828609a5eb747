"""A kit over its eighteen months: update, publish to a calendar server, status."""
