"""Reading one content file, key by key, so that every mistake is named by file and key."""

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class DemoContentError(ValueError):
    """A content file is missing, unreadable, or says something the seed cannot do."""


REQUIRED: Any = object()


class Table:
    """One TOML table of one file, read key by key; `done()` refuses keys nobody asked for."""

    def __init__(self, data: dict[str, Any], file: str, path: str = "") -> None:
        self.data, self.file, self.path = data, file, path
        self.asked: set[str] = set()

    def where(self, key: str = "") -> str:
        return ".".join(part for part in (self.path, key) if part)

    def error(self, key: str, message: str) -> DemoContentError:
        where = self.where(key)
        return DemoContentError(
            f"{self.file}: {where}: {message}" if where else f"{self.file}: {message}"
        )

    def value(self, key: str, default: Any, kinds: tuple[type, ...], kind_name: str) -> Any:
        self.asked.add(key)
        if key not in self.data:
            if default is REQUIRED:
                raise self.error(key, "missing")
            return default
        value = self.data[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(key, f"must be {kind_name}, not {value!r}")
        if not isinstance(value, kinds):
            raise self.error(key, f"must be {kind_name}, not {value!r}")
        return value

    def text(self, key: str, default: Any = REQUIRED) -> str:
        value = self.value(key, default, (str,), "a text")
        value = value.strip()
        if default is REQUIRED and not value:
            raise self.error(key, "must not be empty")
        return value

    def integer(self, key: str, default: Any = REQUIRED) -> int:
        return self.value(key, default, (int,), "a whole number")

    def number(self, key: str, default: Any = REQUIRED) -> float:
        return float(self.value(key, default, (int, float), "a number"))

    def flag(self, key: str, default: Any = REQUIRED) -> bool:
        return self.value(key, default, (bool,), "true or false")

    def choice(self, key: str, choices: Iterable[str], default: Any = REQUIRED) -> str:
        value = self.text(key, default)
        allowed = [str(choice) for choice in choices]
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def texts(
        self, key: str, default: Any = REQUIRED, choices: Iterable[str] = ()
    ) -> tuple[str, ...]:
        values = self.value(key, default, (list, tuple), "a list of texts")
        allowed = [str(choice) for choice in choices]
        for position, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.error(f"{key}[{position}]", "must be a text")
            if allowed and value not in allowed:
                raise self.error(
                    f"{key}[{position}]", f"{value!r} is not one of {', '.join(allowed)}"
                )
        return tuple(value.strip() for value in values)

    def table(self, key: str) -> "Table":
        return Table(self.value(key, REQUIRED, (dict,), "a table"), self.file, self.where(key))

    def optional_table(self, key: str) -> "Table | None":
        value = self.value(key, None, (dict,), "a table")
        return None if value is None else Table(value, self.file, self.where(key))

    def tables(self, key: str, default: Any = REQUIRED) -> list["Table"]:
        values = self.value(key, default, (list,), "a list of tables ([[...]])")
        tables = []
        for position, value in enumerate(values):
            if not isinstance(value, dict):
                raise self.error(f"{key}[{position}]", "must be a table")
            tables.append(Table(value, self.file, self.where(f"{key}[{position}]")))
        return tables

    def entries(self) -> list[tuple[str, Any]]:
        """Every key of a table whose keys are names (ideas, people), in file order."""
        self.asked.update(self.data)
        return list(self.data.items())

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.asked)
        if unknown:
            raise self.error("", f"unknown key(s): {', '.join(unknown)}")


def read_file(path: Path, root: Path) -> Table:
    name = str(path.relative_to(root))
    try:
        with path.open("rb") as file:
            return Table(tomllib.load(file), name)
    except FileNotFoundError:
        raise DemoContentError(f"{name}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DemoContentError(f"{name}: not valid TOML: {exc}") from None
