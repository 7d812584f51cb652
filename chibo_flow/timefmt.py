"""Showing UTC timestamps to people in the display time zone (Asia/Ho_Chi_Minh)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask, current_app

TIME_FORMAT = "%H:%M %d/%m/%Y"


def to_local(value: datetime) -> datetime:
    """`value` (timezone-aware) converted to the configured display time zone."""
    return value.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"]))


def local_time(value: datetime | None, fmt: str = TIME_FORMAT) -> str:
    """A UTC timestamp as local wall-clock text, e.g. "14:05 25/11/2026" ("" for None)."""
    return to_local(value).strftime(fmt) if value is not None else ""


def local_date(value: datetime) -> date:
    """The calendar date of a UTC timestamp in the display time zone."""
    return to_local(value).date()


def register_template_filters(app: Flask) -> None:
    """Make `local_time` available in every template."""
    app.add_template_filter(local_time, "local_time")


def local_midnight(day: date) -> datetime:
    """The UTC instant at which `day` starts in the display time zone."""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return datetime.combine(day, time(), zone).astimezone(UTC)
