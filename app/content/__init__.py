"""Loading and checking content files: forms, frameworks, report layouts."""
