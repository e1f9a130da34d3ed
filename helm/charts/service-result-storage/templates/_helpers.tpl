{{/*
The result storage's own helpers; the shared ones (names, labels, image, pod pieces) are the common.* templates of
the library chart helm/charts/common.
*/}}

{{/*
The retry-mail CronJob: rendered when retryMail.enabled and mail is configured (python -m app.retry_mail exits 2
without SES_SENDER and SES_RECIPIENTS). Its pods get a name of their own, so the Service never selects them.
*/}}
{{- define "service-result-storage.retryMailEnabled" -}}
{{- if and .Values.retryMail.enabled .Values.config.sesSender .Values.config.sesRecipients -}}
true
{{- end -}}
{{- end }}

{{- define "service-result-storage.retryMailFullname" -}}
{{- printf "%s-retry-mail" (include "common.fullname" . | trunc 52 | trimSuffix "-") -}}
{{- end }}

{{- define "service-result-storage.retryMailName" -}}
{{- printf "%s-retry-mail" (include "common.name" . | trunc 52 | trimSuffix "-") -}}
{{- end }}

{{- define "service-result-storage.retryMailSelectorLabels" -}}
{{- include "common.selectorLabels.for" (dict "context" . "name" (include "service-result-storage.retryMailName" .)) }}
{{- end }}

{{- define "service-result-storage.retryMailLabels" -}}
{{- include "common.labels.for" (dict "context" . "name" (include "service-result-storage.retryMailName" .) "component" "retry-mail") }}
{{- end }}
