"""ASVS V15 (secure coding and architecture: resources): work that could run long is bounded.
Every Celery task of the app has a soft and a hard time limit, set in one place (the CELERY
config) and below the time after which the relay takes a `sending` row for lost."""


def test_every_celery_task_has_a_soft_and_a_hard_time_limit(app):
    celery = app.extensions["celery"]
    celery.loader.import_default_modules()
    tasks = {name: task for name, task in celery.tasks.items() if name.startswith("chibo_flow.")}
    assert len(tasks) >= 4  # render, send, relay, reminders

    for name, task in tasks.items():
        soft = task.soft_time_limit or celery.conf.task_soft_time_limit
        hard = task.time_limit or celery.conf.task_time_limit
        assert soft and hard, name
        assert 0 < soft < hard < app.config["DELIVERY_STUCK_AFTER_S"], name
