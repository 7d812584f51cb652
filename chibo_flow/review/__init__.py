"""Committee review: what changed between revisions, comment threads, the round at a glance,
notifications and reminders, vote delegation and the programme's timeline."""
