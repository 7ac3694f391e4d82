"""Package and validate: reports -> tidy rows, CSV/JSON files, Data Package descriptors, frictionless."""
