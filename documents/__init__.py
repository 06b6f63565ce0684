"""Documents: contexts built from domain events, rendered through registered templates."""
