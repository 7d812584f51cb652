"""Email: the outbox rows, the Celery tasks that send them, and the relay that never loses one."""
