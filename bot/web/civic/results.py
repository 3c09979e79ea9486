"""The public results page of a closed consultation: no login, anonymised tallies only.

The consultation's thank-you message links here. Before the consultation closes the page
says when the results will come (200: the address is right, only early), so running
results cannot sway anybody; an address that names no consultation is a 404.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.web.civic.charts_view import result_charts
from bot.web.civic.references import CONSULTATION, row_id
from bot.web.i18n import request_language
from bot.web.templating import mitreden, render
from storage.consultations import consultation_by_id, consultation_status, localized
from storage.consultations.results import consultation_results


async def public_results(request: Request) -> Response:
    app = mitreden(request)
    language = request_language(request)
    wanted = row_id(request.path_params["consultation_id"], CONSULTATION)
    now = datetime.now(UTC)
    async with app.sessions() as session:
        consultation = await consultation_by_id(session, wanted) if wanted is not None else None
        if consultation is None:
            return await render(request, "civic/public_results_unknown.html", status_code=404)
        status = consultation_status(consultation, now)
        if status != "closed":
            return await render(
                request,
                "civic/public_results_pending.html",
                {
                    "title": localized(consultation, language)[0],
                    "upcoming": status == "upcoming",
                    "opens_at": consultation.opens_at,
                    "closes_at": consultation.closes_at,
                },
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
