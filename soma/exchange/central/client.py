"""Downloading a form's submissions from ODK Central with pyodk, ODK's maintained Python client.

pyodk is configured here in code, from the assessment's connection: its `Config` (which pyodk documents for
"credentials already in memory") and a `Session` without a token cache file, so nothing is read from or written
to ~/.pyodk_config.toml or ~/.pyodk_cache.toml and the session token lives only as long as one download.

What is downloaded is Central's own CSV export, `GET /v1/projects/{project}/forms/{form}/submissions.csv.zip`
(without attachments), the same `.csv.zip` a user downloads by hand, so it goes through the same reading,
preview and all-or-nothing import as an uploaded file. Every failure becomes a CentralError whose message says
what was wrong and what to do; the password is never part of a message or a log line written here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from pyodk import Client
from pyodk._utils.config import CentralConfig, Config  # pyodk's documented in-memory configuration
from pyodk._utils.session import Session
from pyodk.errors import PyODKError

from soma.exchange.safe_files import MAX_UPLOAD_BYTES

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60  # seconds for any one request to Central; SOMA_CENTRAL_TIMEOUT overrides it


class CentralError(Exception):
    """The download failed; the message is for the user."""


@dataclass(frozen=True)
class Download:
    data: bytes
    file_name: str  # "<form id>.csv.zip", as Central names the file


class _TimedSession(Session):
    """pyodk's session with a timeout on every request (pyodk sets one only for https:// adapters)."""

    def __init__(self, *args: Any, timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout = timeout

    def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def timeout() -> float:
    return float(getattr(settings, "SOMA_CENTRAL_TIMEOUT", DEFAULT_TIMEOUT))


def client(base_url: str, email: str, password: str) -> Client:
    """A pyodk Client for this server and account, configured in memory (no file read or written)."""
    config = Config(central=CentralConfig(base_url=base_url, username=email, password=password))
    session = _TimedSession(base_url=base_url, api_version="v1", username=email, password=password, cache_path=None,
                            timeout=timeout())
    return Client(config=config, session=session)


def export_path(project_id: int, form_id: str) -> str:
    return Session.urlformat("projects/{project_id}/forms/{form_id}/submissions.csv.zip", project_id=project_id,
                             form_id=form_id)


def download(base_url: str, project_id: int, form_id: str, email: str, password: str) -> Download:
    """The form's submissions as Central's .csv.zip; CentralError with a message for the user on any failure."""
    where = {"server": base_url, "project": project_id, "form": form_id}
    try:
        with client(base_url, email, password) as central:  # signs in: POST /v1/sessions
            response = central.get(export_path(project_id, form_id), params={"attachments": "false"}, stream=True)
            try:
                _check(response, where)
                data = _read_capped(response)
            finally:
                response.close()
    except PyODKError as error:  # raised by pyodk's sign-in
        answer = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], requests.Response) else None
        if answer is not None and answer.status_code in (401, 403):
            raise CentralError(_("ODK Central at %(server)s did not accept the e-mail and password of the "
                                 "connection. Check them on the Central connection page and enter the password "
                                 "again.") % where) from None
        if answer is not None:
            _check(answer, where)
        raise CentralError(_("ODK Central at %(server)s did not let SOMA sign in. Check the server address and "
                             "the account.") % where) from None
    except requests.Timeout:
        raise CentralError(_("ODK Central at %(server)s did not answer within %(seconds)s seconds. Try again later; "
                             "if it keeps happening, export fewer submissions or ask the server's administrator.")
                           % {**where, "seconds": f"{timeout():g}"}) from None
    except (requests.ConnectionError, requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
        raise CentralError(_("SOMA could not reach ODK Central at %(server)s. Check the server address and that "
                             "this machine can reach it (network, proxy, firewall), then try again.") % where) \
            from None
    except requests.RequestException as error:
        log.warning("Pulling from ODK Central at %s failed: %s", base_url, type(error).__name__)
        raise CentralError(_("ODK Central at %(server)s answered with an error. Try again later.") % where) from None
    return Download(data, f"{form_id}.csv.zip")


def _check(response: requests.Response, where: dict) -> None:
    status = response.status_code
    if status == 200:
        return
    if status == 401:
        raise CentralError(_("ODK Central at %(server)s did not accept the e-mail and password of the connection. "
                             "Check them on the Central connection page and enter the password again.") % where)
    if status == 403:
        raise CentralError(_("The Central account may not read the submissions of form “%(form)s” in project "
                             "%(project)s. Ask the Central project's manager to give it a role there.") % where)
    if status == 404:
        raise CentralError(_("ODK Central has no form “%(form)s” in project %(project)s (or the account cannot see "
                             "it). Check the project number and the form ID (the form's XML ID, shown on its page "
                             "in Central).") % where)
    raise CentralError(_("ODK Central at %(server)s answered with error %(status)s. Try again later; if it keeps "
                         "happening, ask the server's administrator.") % {**where, "status": status})


def _read_capped(response: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=64 * 1024):
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise CentralError(_("The export is larger than %(mb)s MB. Download fewer submissions at a time (for "
                                 "example in Central, filtered), and upload the file instead.")
                               % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
        chunks.append(chunk)
    return b"".join(chunks)
