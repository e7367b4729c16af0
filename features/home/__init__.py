"""A person's Home view: where they stand and their controls, plus the program panel for
admins. Built from the database each time it is shown, rendered by the platform adapter."""
