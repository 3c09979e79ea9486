"""The public results page of a closed consultation: no login, anonymised tallies only.

The consultation's thank-you message links here. Before the consultation closes there is
nothing to see (404 with a friendly note), so running results cannot sway anybody.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.civic.charts_view import result_charts
from bot.web.i18n import request_language
from bot.web.templating import mitreden, render
from storage.consultations import consultation_by_id, consultation_status, localized
from storage.consultations.results import consultation_results


async def public_results(request: Request) -> Response:
    app = mitreden(request)
    language = request_language(request)
    raw_id = request.path_params["consultation_id"]
    now = datetime.now(UTC)
    async with app.sessions() as session:
        consultation = await consultation_by_id(session, int(raw_id)) if raw_id.isdigit() else None
        if consultation is None or consultation_status(consultation, now) != "closed":
            title = localized(consultation, language)[0] if consultation is not None else ""
            return await render(
                request,
                "civic/public_results_pending.html",
                {"title": title, "closes_at": consultation.closes_at if consultation else None},
                status_code=404,
            )
        results = await consultation_results(session, consultation, now)
    title, description = localized(consultation, language)
    other = "en" if language == "de" else "de"
    return await render(
        request,
        "civic/public_results.html",
        {
            "consultation": consultation,
            "title": title,
            "description": description,
            "participants": results.participants,
            "charts": result_charts(results, language),
            "other_language": other,
            "other_language_url": f"/results/{consultation.id}?lang={other}",
        },
    )


def routes() -> list[BaseRoute]:
    return [Route("/results/{consultation_id}", public_results)]
