"""Return cases: the assisted voluntary return and reintegration (AVRR) life cycle of one
person, each stage reached recorded as an assistance."""
