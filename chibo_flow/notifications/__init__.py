"""Email: the dispatcher that turns domain events into Delivery rows, the Celery tasks that send
them, and the relay that never loses one."""
