"""What the three log-analysis services share, in one place instead of drifting copies.

  service_kit.errors    JSON error bodies ``{"error", "details"}`` and the app-wide error handlers
  service_kit.logs      JSON log lines on stderr
  service_kit.auth      ``Authorization: Bearer`` checks per role (constant-time, several tokens per role)
  service_kit.settings  typed reads of environment variables, with errors that name the variable
  service_kit.gunicorn  the gunicorn settings and hooks of the gunicorn-served services
  service_kit.metrics   /metrics of a gunicorn service, summed over its workers
"""
