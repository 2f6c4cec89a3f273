"""``nagorik``: what operations teams do, from a terminal, against any stage.

    nagorik [--local | --stage STAGE] <group> <command> ...

``--local`` talks to the running ``make dev`` (the moto endpoint it wrote to
``.devdata/stack.json``); otherwise ``AWS_ENDPOINT_URL``, when set, or AWS itself with
the usual credentials. Every command has ``--help``; every failure says why and exits
non-zero. Each capability adds its own group or command in its own module, registered at
the bottom: ``users`` (staff accounts), ``stats`` (the ops figures), ``seed`` (demo data),
``dlq`` (the agencies' dead-letter queues),
``centres`` (the centre registry).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parents[2]
LOCAL_STACK_FILE = Path(os.environ.get("NAGORIK_DATA_DIR") or ROOT / ".devdata") / "stack.json"


class Failure(click.ClickException):
    """A failure ops can act on: printed as one line, exit status 1."""


@click.group()
@click.option("--local", "local", is_flag=True,
              help="Use the running `make dev` (its moto endpoint) instead of AWS.")
@click.option("--stage", default=None, help="The stage to act on (default: NAGORIK_STAGE or dev).")
@click.option("--region", default=None, help="AWS region (default: AWS_REGION or ap-south-1).")
@click.pass_context
def main(context: click.Context, local: bool, stage: str | None, region: str | None) -> None:
    """Operate a Nagorik Sheba stage: staff accounts, figures, demo data."""
    if local:
        if not LOCAL_STACK_FILE.exists():
            raise Failure(f"no local stack: start `make dev` first ({LOCAL_STACK_FILE} missing)")
        running = json.loads(LOCAL_STACK_FILE.read_text(encoding="utf-8"))
        os.environ["AWS_ENDPOINT_URL"] = running["aws"]
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        stage = stage or running.get("stage", "dev")
    if stage:
        os.environ["NAGORIK_STAGE"] = stage
    os.environ.setdefault("AWS_REGION", region or os.environ.get("AWS_DEFAULT_REGION")
                          or "ap-south-1")
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    context.obj = _connect()


def _connect() -> Any:
    """Bind the models to the chosen stage; return its settings."""
    from chalicelib.aws import reset_clients
    from chalicelib.settings import get_settings, reset_settings
    from chalicelib.store import models

    reset_settings()
    reset_clients()
    settings = get_settings()
    models.bind(settings)
    return settings


def run() -> None:
    """The console script: AWS errors become one readable line and exit 1."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
    from pynamodb.exceptions import PynamoDBException

    from chalicelib.domain.errors import NagorikError

    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except NoCredentialsError:
        click.echo("error: no AWS credentials (use --local for `make dev`)", err=True)
        sys.exit(1)
    except (BotoCoreError, ClientError, PynamoDBException) as error:
        click.echo(f"error: AWS refused or could not be reached: {error}", err=True)
        sys.exit(1)
    except NagorikError as error:
        click.echo(f"error: {error.message.en}", err=True)
        sys.exit(1)


def register() -> None:
    """Add every capability's command group."""
    from ops import centres, dlq, seed, stats, users

    main.add_command(users.users)
    main.add_command(dlq.dlq)
    main.add_command(stats.stats)
    main.add_command(seed.seed_command)
    main.add_command(centres.centres)


register()
