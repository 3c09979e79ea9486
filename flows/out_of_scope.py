"""An honest answer to what a town's chat cannot do: not responsible, what it can do, and
where the town configured it, whom to contact instead. Never an invented contact."""

from __future__ import annotations

from flows import clarify_texts
from flows.menu import main_menu
from flows.run import Run

# the settings behind these variables: MITREDEN_CONTACT_NAME, _PHONE, _URL
CONTACT_NAME, CONTACT_PHONE, CONTACT_URL = "contact_name", "contact_phone", "contact_url"


def contact_line(run: Run) -> str | None:
    """The line "For other matters, you can reach …, phone 115, https://…" from
    what the town configured; None when it configured nothing."""
    variables = run.ctx.variables
    name = variables.get(CONTACT_NAME, "").strip()
    phone = variables.get(CONTACT_PHONE, "").strip()
    url = variables.get(CONTACT_URL, "").strip()
    parts = [name] if name else []
    if phone:
        parts.append(run.text(clarify_texts.PHONE, phone=phone))
    if url:
        parts.append(url)
    if not parts:
        return None
    return run.text(clarify_texts.CONTACT_INTRO, contact=", ".join(parts))


def answer(run: Run) -> None:
    lines = [run.text(clarify_texts.NOT_RESPONSIBLE)]
    contact = contact_line(run)
    if contact is not None:
        lines.append(contact)
    lines.append(run.text(clarify_texts.WHAT_I_CAN_DO))
    run.say("\n\n".join(lines), main_menu(run))
