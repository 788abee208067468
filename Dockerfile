FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir . gunicorn
RUN SECRET_KEY=build-only-secret-key-xxxxxxxxxxxxxxxx DATABASE_URL=postgres://x@localhost/x \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
# At run time: ENCRYPTION_KEYS (README, "Production environment"); var/protected/ holds the
# encrypted documents, a volume to keep and back up.
RUN useradd --create-home app && mkdir -p /app/var/protected && chown -R app /app/var \
    && chmod 700 /app/var/protected
USER app
EXPOSE 8000
CMD ["gunicorn", "iom_cases.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
