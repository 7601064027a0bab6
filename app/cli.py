"""Operator commands for the ``flask`` CLI."""

import os
import shutil
import subprocess
import sys
import tempfile

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .seed import seed_command


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(seed_command)
    app.cli.add_command(translate)
    app.cli.add_command(search)
    app.cli.add_command(admin)


# -- flask admin --------------------------------------------------------------------------------


@click.group(cls=AppGroup)
def admin() -> None:
    """Admin commands: who may moderate, and lifting a suspension."""


def find_person(username: str):
    from .models import User

    user = User.find_by_username(username)
    if user is None:
        raise click.BadParameter(f"there is nobody called {username!r}", param_hint="USERNAME")
    return user


@admin.command()
@click.argument("username")
def grant(username: str) -> None:
    """Make USERNAME an admin: they see /admin/reports and can remove posts and suspend people."""
    from .extensions import db
    from .moderation import set_admin

    user = find_person(username)
    set_admin(user, True)
    db.session.commit()
    click.echo(f"{user.username} is an admin.")


@admin.command()
@click.argument("username")
def revoke(username: str) -> None:
    """Take the admin role away from USERNAME."""
    from .extensions import db
    from .moderation import set_admin

    user = find_person(username)
    set_admin(user, False)
    db.session.commit()
    click.echo(f"{user.username} is no longer an admin.")


@admin.command()
@click.argument("username")
def unsuspend(username: str) -> None:
    """Lift USERNAME's suspension, so they can sign in again."""
    from .extensions import db
    from .moderation import unsuspend as lift

    user = find_person(username)
    if not lift(user):
        raise click.ClickException(f"{user.username} is not suspended.")
    db.session.commit()
    click.echo(f"{user.username} can sign in again.")


@admin.command("list")
def list_admins() -> None:
    """Print the admins' usernames."""
    import sqlalchemy as sa

    from .extensions import db
    from .models import User

    for username in db.session.scalars(sa.select(User.username).where(User.is_admin).order_by(User.id)):
        click.echo(username)


# -- flask search -------------------------------------------------------------------------------


@click.group(cls=AppGroup)
def search() -> None:
    """Search commands: rebuild the full-text indexes."""


@search.command()
@click.argument("model", required=False)
def reindex(model: str | None) -> None:
    """Rebuild the search index of MODEL (posts or users), or of every searchable model."""
    from .search import SearchUnavailable, get_backend, searchable_models

    models = searchable_models()
    if model is not None and model.lower() not in models:
        raise click.BadParameter(f"choose one of {', '.join(models)}", param_hint="MODEL")
    backend = get_backend()
    for name, searchable in models.items():
        if model is not None and name != model.lower():
            continue
        with click.progressbar(length=backend.reindex_length(searchable), label=f"Indexing {name}") as bar:
            try:
                count = backend.reindex(searchable, bar.update)
            except SearchUnavailable as error:
                raise click.ClickException(str(error)) from error
        click.echo(f"Indexed {count} {name} ({backend.name}).")


# -- flask translate ---------------------------------------------------------------


@click.group(cls=AppGroup)
def translate() -> None:
    """Translation commands: extract the site's strings and keep the catalogs up to date."""


@translate.command()
@click.argument("language")
def init(language: str) -> None:
    """Start the catalog for a new LANGUAGE (such as fr)."""
    with extracted_messages() as template:
        pybabel("init", "-i", template, "-d", translations_directory(), "-l", language)
    click.echo(f"Created the {language} catalog in {translations_directory()}; translate it, then run "
               "`flask translate compile`.")


@translate.command()
def update() -> None:
    """Bring every catalog up to date with the strings in the code and templates."""
    with extracted_messages() as template:
        pybabel("update", "-i", template, "-d", translations_directory(), "--ignore-obsolete")
    click.echo("Updated the catalogs; translate the new and fuzzy entries, then run `flask translate compile`.")


@translate.command("compile")
def compile_catalogs() -> None:
    """Compile the catalogs into the .mo files the site reads."""
    if not os.path.isdir(translations_directory()):
        raise click.ClickException(
            f"There are no catalogs in {translations_directory()}; start one with `flask translate init LANGUAGE`."
        )
    output = pybabel("compile", "-d", translations_directory(), "--statistics", quiet=False)
    click.echo(output.strip())


def project_directory() -> str:
    """The repository root, where babel.cfg lives."""
    return os.path.dirname(current_app.root_path)


def translations_directory() -> str:
    """The first of Flask-Babel's translation directories (app/translations unless configured)."""
    directory = current_app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")[0]
    return os.path.join(current_app.root_path, directory)


class extracted_messages:
    """``with extracted_messages() as template:`` a fresh messages.pot in a temporary directory."""

    def __enter__(self) -> str:
        self.directory = tempfile.TemporaryDirectory(prefix="microblog-messages-")
        template = os.path.join(self.directory.name, "messages.pot")
        pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--project", "Microblog", "-o", template, ".")
        return template

    def __exit__(self, *exc_info) -> None:
        self.directory.cleanup()


def pybabel(*arguments: str, quiet: bool = True) -> str:
    """Run a pybabel command from the repository root; on failure, stop with its message."""
    script = shutil.which("pybabel", path=os.path.dirname(sys.executable))
    program = [script] if script else [sys.executable, "-m", "babel.messages.frontend"]
    command = [*program, *(["--quiet"] if quiet else []), *arguments]
    result = subprocess.run(command, cwd=project_directory(), capture_output=True, text=True, check=False)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        raise click.ClickException(f"pybabel {arguments[0]} failed (exit {result.returncode}):\n{output}")
    return output
