"""A pair's journey: the kick-off agreement that starts it, reminders until it does."""
