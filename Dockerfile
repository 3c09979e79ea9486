FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlu ./nlu
COPY flows ./flows
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 mitreden && mkdir -p /app/data && chown mitreden /app/data
USER mitreden
VOLUME ["/app/data"]
EXPOSE 8080
CMD ["mitreden", "run"]
