"""docgen serve: the coordinators' web page over a folder of specs."""
