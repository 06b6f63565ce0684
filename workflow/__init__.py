"""karta domain core: roadmaps, activities, occurrences and their state machine."""
