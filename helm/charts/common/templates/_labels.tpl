{{/*
Labels. The app.kubernetes.io/component label is the one per-chart difference: each service chart names it in its
Chart.yaml, `annotations: {log-analysis/component: receiver}` (chart metadata, not a value: it cannot drift, and it
survives an alias of the chart).
*/}}

{{/*
common.component: the calling chart's log-analysis/component annotation.
*/}}
{{- define "common.component" -}}
{{- $component := index (.Chart.Annotations | default dict) "log-analysis/component" -}}
{{- required (printf "chart %s: Chart.yaml needs annotations.log-analysis/component (common.labels)" .Chart.Name) $component -}}
{{- end }}

{{/*
common.labels: the standard labels of every resource of the chart.
*/}}
{{- define "common.labels" -}}
{{- include "common.labels.for" (dict "context" . "name" (include "common.name" .) "component" (include "common.component" .)) }}
{{- end }}

{{/*
common.selectorLabels: the labels a chart's selectors match (name and instance; never changed by an upgrade).
*/}}
{{- define "common.selectorLabels" -}}
{{- include "common.selectorLabels.for" (dict "context" . "name" (include "common.name" .)) }}
{{- end }}

{{/*
common.labels.for / common.selectorLabels.for: the same for pods of another name and component within the chart
(e.g. the result storage's retry-mail CronJob, whose pods its Service must not select).
  (dict "context" $ "name" "service-result-storage-retry-mail" "component" "retry-mail")
*/}}
{{- define "common.labels.for" -}}
{{- $ctx := .context -}}
helm.sh/chart: {{ include "common.chart" $ctx }}
{{ include "common.selectorLabels.for" . }}
{{- if $ctx.Chart.AppVersion }}
app.kubernetes.io/version: {{ $ctx.Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: log-analysis
{{- end }}

{{- define "common.selectorLabels.for" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- end }}

{{/*
common.peerPodLabels: matchLabels of the pods of another chart of this release (a NetworkPolicy peer): `labels`
when given (the caller's networkPolicy.<peer>PodLabels), else the selector labels that chart sets by default.
  (dict "context" $ "chart" "service-receiver" "labels" .Values.networkPolicy.receiverPodLabels)
*/}}
{{- define "common.peerPodLabels" -}}
{{- with (get . "labels") -}}
{{- toYaml . -}}
{{- else -}}
{{- include "common.selectorLabels.for" (dict "context" .context "name" .chart) -}}
{{- end -}}
{{- end }}
