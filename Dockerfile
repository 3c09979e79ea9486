# the map library of the staff pages, installed from the lock file and served by mitreden
FROM node:20-slim AS web-assets
WORKDIR /src
COPY scripts/install-web-assets ./scripts/
COPY bot/web/assets/package.json bot/web/assets/package-lock.json ./bot/web/assets/
RUN scripts/install-web-assets

FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# inside the container the server must listen on every interface so a published port or
# a proxy reaches it; publish it on the host's loopback only (docker-compose.yml)
ENV MITREDEN_WEB_HOST=0.0.0.0 MITREDEN_WEB_PORT=8080
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlu ./nlu
COPY flows ./flows
COPY storage ./storage
COPY --from=web-assets /src/bot/web/static/vendor ./bot/web/static/vendor
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 mitreden && mkdir -p /app/data && chown mitreden /app/data
USER mitreden
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
  CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["mitreden", "run"]
