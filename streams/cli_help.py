"""Plain ``--help`` for the ``wiredesk`` command: no ``<bool>``, ``<str>``, ``{file}`` tags.

Typer (0.2x) prints a type tag beside every parameter and wraps required
arguments in braces. The help texts already say what each value is, so
:func:`plain_help` walks the built click command tree once and gives every
parameter a plain placeholder instead: none for a flag (``--json``), the
option's name in capitals for a value (``--published PUBLISHED``, unless the
option sets its own ``metavar``, as ``--soak N`` does), and the argument's name
in capitals (``wiredesk process [OPTIONS] FILE``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperCommand, TyperGroup

__all__ = ["plain_help"]


class _PlainArgument(TyperArgument):
    """An argument shown by its name only: no type column, no braces in the usage line."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return [f"{name}..." if self.nargs != 1 else name]


def _help_option(option: Any) -> Any:
    if option is not None:  # the --help flag shows no <bool> either
        option.metavar = ""
    return option


class _PlainCommand(TyperCommand):
    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))


class _PlainGroup(TyperGroup):
    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))


def _plain_param(param: Any) -> None:
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "value").upper()
        param.__class__ = _PlainArgument
    elif getattr(param, "is_flag", False) or getattr(param, "count", False):
        param.metavar = ""
    elif param.metavar is None:  # --source-id -> SOURCE_ID
        longest = max(param.opts, key=len, default=param.name or "value")
        param.metavar = longest.lstrip("-").replace("-", "_").upper()


def plain_help(command: Any) -> Any:
    """Give ``command`` and every sub-command plain placeholders; return ``command``."""
    for param in command.params:
        _plain_param(param)
    if isinstance(command, TyperGroup):
        command.__class__ = _PlainGroup
        for sub in command.commands.values():
            plain_help(sub)
    elif isinstance(command, TyperCommand):
        command.__class__ = _PlainCommand
    return command
