"""Group activities: a session, workshop or distribution with its headcounts, one assistance
per registered participant."""
