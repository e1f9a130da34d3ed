{{/*
ConfigMap entries (the pods' environment) that several services share; each chart's templates/configmap.yaml
places them under `data:` with `nindent 2`.
*/}}

{{/*
common.env.aws: the AWS region and endpoint override (read by boto3 itself) and LOG_LEVEL (config.logLevel, else
global.logLevel).
*/}}
{{- define "common.env.aws" -}}
AWS_DEFAULT_REGION: {{ .Values.global.region | quote }}
{{- with .Values.global.awsEndpointUrl }}
AWS_ENDPOINT_URL: {{ . | quote }}
{{- end }}
LOG_LEVEL: {{ .Values.config.logLevel | default .Values.global.logLevel | quote }}
{{- end }}

{{/*
common.env.gunicorn: the settings of the gunicorn services (`gunicorn -c python:app.gunicorn_conf`): GUNICORN_*
from gunicorn.* (GUNICORN_BIND from containerPort) and the workers' Prometheus directory (metrics.multiprocDir).
*/}}
{{- define "common.env.gunicorn" -}}
# gunicorn (-c python:app.gunicorn_conf)
GUNICORN_BIND: {{ printf "0.0.0.0:%v" .Values.containerPort | quote }}
GUNICORN_WORKERS: {{ .Values.gunicorn.workers | quote }}
GUNICORN_THREADS: {{ .Values.gunicorn.threads | quote }}
GUNICORN_TIMEOUT_SECONDS: {{ .Values.gunicorn.timeoutSeconds | quote }}
GUNICORN_GRACEFUL_TIMEOUT_SECONDS: {{ .Values.gunicorn.gracefulTimeoutSeconds | quote }}
GUNICORN_KEEPALIVE_SECONDS: {{ .Values.gunicorn.keepaliveSeconds | quote }}
# the workers' metric values, summed by /metrics whichever worker is scraped (in the /tmp emptyDir)
PROMETHEUS_MULTIPROC_DIR: {{ .Values.metrics.multiprocDir | quote }}
{{- end }}
