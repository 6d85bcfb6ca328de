# syntax=docker/dockerfile:1
# 1. Build the SPA.
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY openapi.yaml /src/openapi.yaml
COPY frontend/ ./
RUN npm run gen:api && npm run build

# 2. Resolve the locked Python dependencies into a virtualenv.
FROM python:3.11-slim-bookworm AS deps
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir "uv==0.13.9"
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api/ api/
RUN uv sync --frozen --no-dev

# 3. Slim runtime, non-root.
FROM python:3.11-slim-bookworm
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 SPA_DIR=/app/frontend/dist DATA_DIR=/data
RUN useradd --system --uid 10001 --home /app healthplan && mkdir /data && chown healthplan /data
WORKDIR /app
COPY --from=deps /app/.venv .venv
COPY api/ api/
COPY migrations/ migrations/
COPY alembic.ini pyproject.toml ./
COPY --from=spa /src/frontend/dist frontend/dist
USER healthplan
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2)" || exit 1
# Migrations run as their own step (compose's `migrate` service); the API only serves, and
# refuses to start without a JWT_SECRET of at least 32 bytes (docs/security.md).
CMD ["healthplan", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
