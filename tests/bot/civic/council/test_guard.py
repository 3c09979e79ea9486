"""The sync trusts the council's server only so far: answers have a size limit and time
limits, addresses are checked (also after redirects and name resolution), references lead
only to the council's own server, and only http(s) links reach pages and chats."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from bot.civic.council.errors import Refused
from bot.civic.council.guard import check_url, policy_of
from bot.civic.council.sync import sync_council
from bot.civic.decisions import create_decision
from storage.models.council import CouncilAgendaItem, CouncilPaper
from tests.bot.civic.council.conftest import NOW, council_settings
from tests.bot.civic.council.oparl_server import OParlServer
from tests.bot.civic.council.support import drafts_by_item, marks_by_name
from tests.bot.web.support import StaffClient

Sessions = async_sessionmaker[AsyncSession]
MiB = 1024 * 1024
SECRET = "internal-service-token-4711"


@dataclass
class InternalService:
    """Something on the town's network that must never be asked by the sync."""

    base: str = ""
    requests: list[str] = field(default_factory=list)


@pytest.fixture
async def internal() -> AsyncIterator[InternalService]:
    service = InternalService()

    async def answer(request: web.Request) -> web.Response:
        service.requests.append(request.path)
        return web.json_response(
            {"id": f"{service.base}/secret", "name": SECRET, "result": SECRET, "message": SECRET}
        )

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    service.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield service
    finally:
        await runner.cleanup()


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port whose connection queue is full: connecting to it hangs until a time-out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    waiting = []
    for _ in range(4):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        waiting.append(client)
    try:
        yield port
    finally:
        for one in [*waiting, server]:
            one.close()


# --- size and time ----------------------------------------------------------------------


@pytest.mark.parametrize("announced", [False, True], ids=["streamed", "with-length"])
async def test_an_answer_larger_than_the_limit_is_abandoned(
    town: Sessions, oparl: OParlServer, announced: bool
) -> None:
    oparl.large["/body/1/meeting"] = (64 * MiB, announced)

    report = await sync_council(town, council_settings(oparl, oparl_max_bytes=MiB), NOW)

    papers, meetings = report.lists
    assert papers.error is None and papers.objects == 5
    assert meetings.error == (
        f"{oparl.base}/body/1/meeting sent more than 1 MiB, the limit set by "
        "MITREDEN_OPARL_MAX_BYTES; the answer was not read"
    )
    assert oparl.sent["/body/1/meeting"] < 64 * MiB  # it stopped sending when mitreden hung up
    assert (await marks_by_name(town))["meeting"].last_error == meetings.error


async def test_a_server_that_cannot_be_connected_to_is_given_up_on_early(
    town: Sessions, oparl: OParlServer, unanswered_port: int
) -> None:
    system = f"http://127.0.0.1:{unanswered_port}/oparl/system"
    settings = council_settings(
        oparl, oparl_system_url=system, oparl_timeout=60, oparl_connect_timeout=0.2
    )

    report = await sync_council(town, settings, NOW)

    assert report.errors == [
        f"The council's OParl server could not be read: {system} could not be connected to in time"
    ]


# --- addresses ----------------------------------------------------------------------------


async def test_loopback_is_refused_unless_the_operator_allows_it(
    town: Sessions, oparl: OParlServer
) -> None:
    report = await sync_council(town, council_settings(oparl, oparl_allowed_networks=""), NOW)

    assert report.errors == [
        f"The council's OParl server could not be read: {oparl.system_url}: 127.0.0.1 is a "
        "loopback address; if the council's server really is there, add 127.0.0.1 to "
        "MITREDEN_OPARL_ALLOWED_NETWORKS"
    ]
    assert oparl.requests == []
    assert (await marks_by_name(town))["system"].last_error is not None


async def test_a_name_resolving_to_loopback_is_refused(town: Sessions, oparl: OParlServer) -> None:
    system = oparl.system_url.replace("127.0.0.1", "localhost")
    settings = council_settings(oparl, oparl_system_url=system, oparl_allowed_networks="")

    report = await sync_council(town, settings, NOW)

    assert not report.ok and oparl.requests == []
    assert "localhost resolves to" in report.errors[0] and "a loopback address" in report.errors[0]


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("http://10.1.2.3/oparl", "10.1.2.3 is a private address"),
        ("http://[::1]/oparl", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/oparl", "::ffff:7f00:1 is a loopback address"),
        ("http://0.0.0.0/oparl", "0.0.0.0 is a private address"),
        ("http://100.64.0.1/oparl", "100.64.0.1 is a special-purpose address"),
        ("http://224.0.0.1/oparl", "224.0.0.1 is a multicast address"),
    ],
)
def test_special_addresses_are_named_in_the_refusal(address: str, problem: str) -> None:
    policy = policy_of(address, "", "")
    with pytest.raises(Refused, match=re.escape(problem)):
        check_url(address, policy)
    check_url(address, policy_of(address, "", "10.0.0.0/8, 0.0.0.0/0, ::/0"))  # allowed


def test_unreadable_settings_are_named() -> None:
    with pytest.raises(Refused, match="MITREDEN_OPARL_ALLOWED_NETWORKS: 'intranet'"):
        policy_of("https://ratsinfo.example/oparl", "", "intranet")
    with pytest.raises(Refused, match=re.escape("MITREDEN_OPARL_ALLOWED_HOSTS: 'files.example:x'")):
        policy_of("https://ratsinfo.example/oparl", "files.example:x", "")


# --- other hosts -----------------------------------------------------------------------


async def test_references_to_other_hosts_are_skipped_with_a_warning(
    town: Sessions, oparl: OParlServer, internal: InternalService
) -> None:
    meeting = oparl.meeting("71")
    meeting["agendaItem"].append(f"{internal.base}/secret")

    report = await sync_council(town, council_settings(oparl), NOW)

    assert report.ok, report.lines()
    assert internal.requests == []
    assert SECRET not in "\n".join(report.lines())
    warning = (await marks_by_name(town))["meeting"].last_warning
    assert (
        warning is not None and f"{internal.base}/secret is not on the council's server" in warning
    )
    assert "MITREDEN_OPARL_ALLOWED_HOSTS" in warning
    # the meeting's other items stay, and drafts are made as always
    assert sorted(await drafts_by_item(town)) == ["9001", "9002", "9003"]


async def test_a_list_on_another_host_is_refused_and_its_answer_never_shown(
    town: Sessions, oparl: OParlServer, internal: InternalService
) -> None:
    oparl.body()["meeting"] = f"{internal.base}/admin"

    report = await sync_council(town, council_settings(oparl), NOW)

    assert internal.requests == []
    assert report.lists[1].error is not None
    assert "is not on the council's server (127.0.0.1)" in report.lists[1].error
    assert SECRET not in "\n".join(report.lines())


async def test_redirects_are_checked_like_any_address(
    town: Sessions, oparl: OParlServer, internal: InternalService
) -> None:
    oparl.redirects["/old-system"] = "/system"  # on the same server: followed
    oparl.redirects["/body/1/meeting"] = f"{internal.base}/admin"

    settings = council_settings(oparl, oparl_system_url=f"{oparl.base}/old-system")
    report = await sync_council(town, settings, NOW)

    papers, meetings = report.lists
    assert papers.error is None and papers.objects == 5
    assert internal.requests == []
    assert meetings.error is not None and f"{internal.base}/admin is not on" in meetings.error


async def test_hosts_the_operator_allows_are_read(
    town: Sessions, oparl: OParlServer, internal: InternalService
) -> None:
    oparl.meeting("71")["agendaItem"].append(f"{internal.base}/secret")
    allowed = internal.base.removeprefix("http://")

    await sync_council(town, council_settings(oparl, oparl_allowed_hosts=allowed), NOW)

    assert internal.requests == ["/secret"]


# --- links ---------------------------------------------------------------------------


async def test_only_http_links_reach_pages_and_chats(
    staff_app: tuple[App, StaffClient], oparl_edge: OParlServer
) -> None:
    app, staff = staff_app
    await sync_council(app.sessions, council_settings(oparl_edge), NOW)

    playground = (await drafts_by_item(app.sessions))["9105"][0]
    assert playground.link is None
    async with app.sessions() as session:
        links = set(await session.scalars(select(CouncilPaper.web_url)))
        links |= set(await session.scalars(select(CouncilAgendaItem.web_url)))
    assert links == {None, "https://ratsinfo.grenzfallstadt.example/top/9101"}
    page = (await staff.get(f"/decisions/{playground.id}")).text
    assert "javascript:" not in page
    async with app.sessions() as session:
        with pytest.raises(ValueError, match="must be an http"):
            await create_decision(
                session,
                title="Spielplatz",
                text="Beschlossen.",
                link="javascript:alert(1)",
                topic_slug=None,
                idea_ids=(),
                consultation_ids=(),
                by="oparl",
                now=NOW,
            )
