"""``vocgap create-user``: consultant accounts for the back office."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..extensions import db
from ..models import StudyMember, User
from .common import resolve_study


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", default="", help="Display name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters; prompted for when omitted.")
@click.option("--study", "studies", multiple=True, help="Give access to this study (id or name).")
def create_user(email: str, name: str, password: str, studies: tuple[str, ...]) -> None:
    """Create a consultant (or reset their password) and give access to studies."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("must be an e-mail address", param_hint="EMAIL")
    if len(password) < 10:
        raise click.BadParameter("must be at least 10 characters", param_hint="--password")
    user = db.session.scalar(sa.select(User).where(User.email == email))
    created = user is None
    if user is None:
        user = User(email=email, name=name or email.split("@")[0])
        db.session.add(user)
    elif name:
        user.name = name
    user.set_password(password)
    db.session.flush()
    for ref in studies:
        study = resolve_study(ref)
        if db.session.get(StudyMember, (study.id, user.id)) is None:
            db.session.add(StudyMember(study=study, user=user))
    db.session.commit()
    click.echo(f"{'created' if created else 'updated'} {email}")
